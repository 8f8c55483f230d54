"""Visualize class in a real, headless GIMP 2.10: the GIMP 3 tests' own checks
(tests/e2e/test_gimp3_visualize.py), run on what the GIMP 2.10 launch recorded for the same
cases (tests/real_gimp.py), so the two cannot drift apart."""
import pytest

from test_gimp3_visualize import *  # noqa: F401,F403  (the checks, collected here again)

pytestmark = pytest.mark.gimp210
