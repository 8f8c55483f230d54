"""Dream animation in a real, headless GIMP 2.10: the GIMP 3 tests' own checks
(tests/e2e/test_gimp3_animate.py), run on what the GIMP 2.10 launch recorded for the same cases
(tests/real_gimp.py)."""
import pytest

from test_gimp3_animate import *  # noqa: F401,F403  (the checks, collected here again)

pytestmark = pytest.mark.gimp210
