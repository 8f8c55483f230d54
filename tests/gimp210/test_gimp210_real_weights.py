"""Dream in a real GIMP 2.10 whose worker has the real weights and no GoogLeNet file: the GIMP 3
tests' own checks (tests/e2e/test_gimp3_real_weights.py), run on a GIMP 2.10 launch of its own.
The plug-in inside the root has no weights folder of its own: auto is settled with the networks
the worker's hello lists."""
import pytest

from test_gimp3_real_weights import *  # noqa: F401,F403  (the checks, collected here again)

pytestmark = pytest.mark.gimp210
