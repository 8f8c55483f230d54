"""Zoom dive in a real, headless GIMP 2.10: the GIMP 3 tests' own checks
(tests/e2e/test_gimp3_zoom.py), run on what the GIMP 2.10 launch recorded for the same cases
(tests/real_gimp.py), and the network an artist picks."""
import json

import pytest

from real_gimp import ADVANCED_NETWORK, dive
from test_gimp3_zoom import *  # noqa: F401,F403  (the checks, collected here again)

pytestmark = pytest.mark.gimp210


def test_network_vgg16_reaches_the_engine_with_its_default_layer(gimp_run):
    """Network = VGG16 in the Zoom dive dialog, the layer left as it was: the dive dreams with
    VGG16 at its default layer instead of failing on GoogLeNet's."""
    case = gimp_run.cases["zoom_network_vgg16"]
    assert case["status"] == "success", case["message"]
    recipe = json.loads(dive(gimp_run, "zoom_network_vgg16")["recipe"])["settings"]
    assert dict((key, recipe[key]) for key in ADVANCED_NETWORK) == ADVANCED_NETWORK
