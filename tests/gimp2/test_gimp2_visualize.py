"""Visualize class… in the GIMP 2.10 plug-in, under the stubs in a real Python 2.7 with this
checkout's random-weight engine: from noise a new layer of the dialog's size at the image's
origin, in the image's kind; from the layer, like Dream (the selected part, right above it)."""
import json

import numpy as np
import pytest

from inceptionism import plugin_support

import gimp2_run
from gimp2_records import (GRAY_IMAGE, RGB_IMAGE, check_one_undo_step, check_progress_shown,
                           check_refused, check_right_above_the_source, find, new_layer, pixels)

pytestmark = [pytest.mark.py27, pytest.mark.slow]

SIZE = [64, 48]
# raw pixels (no prior): noise with colour in it, so a gray picture can tell luma from a channel
NOISE = {"start": "noise", "class-name": "tabby", "steps": 2, "width": 40, "height": 32,
         "prior-strength": 0.0}
LAYER = dict(NOISE, start="layer", **{"class-name": "castle"})
RECTANGLE = {"shape": "rectangle", "rect": [8, 6, 24, 20]}


def noninteractive(image, values):
    return gimp2_run.noninteractive("visualize", dict({"size": SIZE}, **image), values)


VISUALIZED = {
    # from the menu, with a selection that a picture from noise does not care about
    "noise": gimp2_run.interactive("visualize", {"size": SIZE, "selection": RECTANGLE}, NOISE),
    "noise_gray": noninteractive({"mode": "gray"}, NOISE),
    "noise_in_a_group": noninteractive({"group": True}, NOISE),
    "layer_rectangle": noninteractive({"selection": RECTANGLE}, LAYER),
}
FROM_NOISE = ["noise", "noise_gray", "noise_in_a_group"]
REFUSED = {"noise_indexed": (noninteractive({"mode": "indexed"}, NOISE), "Indexed-colour images")}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    cases = dict(VISUALIZED, **dict((name, case) for name, (case, _) in REFUSED.items()))
    return gimp2_run.Runs(lambda name: str(tmp_path_factory.mktemp(name)), cases)


@pytest.mark.parametrize("name", sorted(VISUALIZED) + sorted(REFUSED))
def test_the_source_layer_stays_bit_identical(runs, name):
    assert runs[name]["source_unchanged"]


@pytest.mark.parametrize("name", FROM_NOISE)
def test_from_noise_the_layer_has_the_dialogs_size_at_the_images_origin(runs, name):
    layer = new_layer(runs[name])
    assert (layer["offsets"], layer["size"]) == ([0, 0], [NOISE["width"], NOISE["height"]])
    assert layer["mask"] is None, "a picture from noise is not cut by the selection"


@pytest.mark.parametrize("name, kind", [("noise", (RGB_IMAGE, 3)), ("noise_gray", (GRAY_IMAGE, 1))])
def test_from_noise_the_layer_is_of_the_images_kind(runs, name, kind):
    layer = new_layer(runs[name])
    assert (layer["type"], layer["bpp"]) == kind


def picture(run):
    layer = new_layer(run)
    return pixels(layer["pixels"], layer).astype(int)


def test_from_noise_the_same_settings_paint_the_same_picture(runs):
    painted = picture(runs["noise"])
    assert np.array_equal(painted, picture(runs["noise_in_a_group"]))
    assert painted.max() > painted.min(), "the layer holds no picture"


def test_a_gray_image_gets_the_pictures_luma(runs):
    red, green, blue = np.moveaxis(picture(runs["noise"]), -1, 0)
    luma = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    assert min(np.abs(channel - luma).max() for channel in (red, green, blue)) > 1
    assert np.abs(picture(runs["noise_gray"])[..., 0] - luma).max() <= 1


@pytest.mark.parametrize("name", sorted(VISUALIZED))
def test_the_new_layer_sits_right_above_the_active_layer(runs, name):
    check_right_above_the_source(runs[name])


def test_from_noise_in_a_group_the_layer_joins_the_group(runs):
    run = runs["noise_in_a_group"]
    placed = find(run["layers_after"], new_layer(run)["id"])
    assert placed["parent"] is not None


def test_from_the_layer_it_covers_the_selection_and_changes_it(runs):
    layer = new_layer(runs["layer_rectangle"])
    assert (layer["offsets"], layer["size"]) == (RECTANGLE["rect"][:2], RECTANGLE["rect"][2:])
    assert layer["mask"] is None
    changed = (pixels(layer["pixels"], layer) != pixels(layer["source_under"], layer)).any(-1)
    assert changed.mean() > 0.5, "only %.0f%% of the selected pixels changed" % (
        100 * changed.mean())


@pytest.mark.parametrize("name, values", [("noise", NOISE), ("noise_gray", NOISE),
                                          ("layer_rectangle", LAYER)])
def test_the_recipe_parasite_says_how_the_layer_was_made(runs, name, values):
    layer = new_layer(runs[name])
    recipe = json.loads(layer["recipe"])
    assert recipe["procedure"] == "visualize" and recipe["random_weights"] is True
    assert dict((key, recipe["settings"][key]) for key in values) == values
    assert layer["name"] == plugin_support.layer_name(recipe)
    assert values["class-name"] in layer["name"]


@pytest.mark.parametrize("name", sorted(VISUALIZED))
def test_all_changes_are_one_undo_step_that_undo_reverts(runs, name):
    check_one_undo_step(runs[name])
    assert runs[name]["new_images"] == []


def test_a_menu_run_asks_in_a_dialog(runs):
    assert ["dialog", gimp2_run.pdb_name("visualize")] in runs["noise"]["dialogs"]


@pytest.mark.parametrize("name", sorted(VISUALIZED))
def test_progress_is_shown(runs, name):
    check_progress_shown(runs[name])


@pytest.mark.parametrize("name, words", sorted((name, words) for name, (_, words)
                                               in REFUSED.items()))
def test_refusals_are_one_clear_message_and_leave_the_image_alone(runs, name, words):
    check_refused(runs[name], words)
