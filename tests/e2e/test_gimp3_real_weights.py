"""Dream in a real GIMP 3 with the engine's real weights, as on a fresh machine where no GoogLeNet
file could be downloaded (a launch of its own: see conftest.py's real_weights_run): a script's
Dream with the default settings is dreamed by EfficientNet-Lite0, which came with the engine,
and the new layer says so; GoogLeNet named by hand is refused with its fix."""
import json

import pytest

from inceptionism import catalogue, plugin_support
from real_gimp import (assert_refused, assert_selected_pixels_changed, assert_source_untouched,
                       new_layer)

pytestmark = pytest.mark.gimp
LITE0 = "efficientnet_lite0"


def test_default_settings_dream_with_lite0_and_its_layer_and_recipe_say_so(real_weights_run):
    layer = new_layer(real_weights_run, "real_auto")
    recipe = json.loads(layer["recipe"])
    assert recipe["random_weights"] is False
    assert (recipe["settings"]["model"], recipe["settings"]["layer"]) == (
        LITE0, catalogue.network(LITE0).default_layer)
    assert recipe["settings"]["layer"].startswith("lite0-")
    assert layer["name"] == plugin_support.layer_name(recipe)
    assert recipe["settings"]["layer"] in layer["name"]
    assert "random weights" not in layer["name"]
    assert_selected_pixels_changed(real_weights_run, layer)


@pytest.mark.parametrize("name", ["real_auto", "real_googlenet_named"])
def test_the_source_layer_stays_bit_identical(real_weights_run, name):
    assert_source_untouched(real_weights_run, name)


def test_googlenet_named_without_its_file_is_refused_with_its_fix(real_weights_run):
    assert_refused(real_weights_run, "real_googlenet_named",
                   "The GoogLeNet network file is not installed.")
    message = real_weights_run.cases["real_googlenet_named"]["message"]
    assert "python3 install.py --all-models" in message
    for broken in ("damaged", "install.py --check", "not the right file"):
        assert broken not in message, message
