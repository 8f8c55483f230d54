"""Zoom dive… in the GIMP 2.10 plug-in, under the stubs in a real Python 2.7 with this checkout's
random-weight engine: the frames become the layers of a new image (the first at the bottom, named
for GIF export), and the image the dive started from is left exactly as it was."""
import json

import numpy as np
import pytest

import gimp2_run
from gimp2_records import GRAY, GRAY_IMAGE, RGB, RGB_IMAGE, check_progress_shown, pixels

pytestmark = [pytest.mark.py27, pytest.mark.slow]

SIZE = [64, 48]
FAST = {"layer": "conv2", "octaves": 1, "iterations": 1, "step-size": 0.03, "frame-ms": 120}
NOISE = dict(FAST, start="noise", frames=3, width=40, height=32)
LAYER = dict(FAST, start="layer", frames=2)
RECTANGLE = {"shape": "rectangle", "rect": [8, 6, 24, 20]}
DIVES = {
    "noise": gimp2_run.interactive("zoom", {"size": SIZE}, NOISE),  # from the menu
    "gray_layer": gimp2_run.noninteractive("zoom", {"size": SIZE, "mode": "gray",
                                                    "selection": RECTANGLE}, LAYER),
}
VALUES = {"noise": NOISE, "gray_layer": LAYER}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return gimp2_run.Runs(lambda name: str(tmp_path_factory.mktemp(name)), DIVES)


def new_image(run):
    assert run["result"]["status"] == "success", run["output"]
    assert len(run["new_images"]) == 1, "expected one new image, got %d" % len(run["new_images"])
    return run["new_images"][0]


def frames(run):
    """The frames in the order they were made (bottom layer first), as int arrays."""
    return [pixels(layer["pixels"], layer).astype(int)
            for layer in reversed(new_image(run)["layers"])]


@pytest.mark.parametrize("name", sorted(DIVES))
def test_the_image_the_dive_started_from_is_untouched(runs, name):
    run = runs[name]
    assert run["image_unchanged"] and run["source_unchanged"]
    assert run["undo_steps"] == [] and run["new"] == []


@pytest.mark.parametrize("name", sorted(DIVES))
def test_each_frame_is_a_layer_named_for_gif_export_the_first_at_the_bottom(runs, name):
    count, frame_ms = VALUES[name]["frames"], VALUES[name]["frame-ms"]
    names = [layer["name"] for layer in new_image(runs[name])["layers"]]
    assert names == [u"Frame %d (%dms) (replace)" % (number, frame_ms)
                     for number in range(count, 0, -1)]


@pytest.mark.parametrize("name, size, kinds", [
    ("noise", [NOISE["width"], NOISE["height"]], (RGB, RGB_IMAGE)),
    ("gray_layer", RECTANGLE["rect"][2:], (GRAY, GRAY_IMAGE)),
])
def test_frames_fill_a_new_image_of_their_size_and_kind(runs, name, size, kinds):
    image = new_image(runs[name])
    assert (image["size"], image["base_type"]) == (size, kinds[0])
    assert [(layer["size"], layer["offsets"], layer["type"], layer["parent"])
            for layer in image["layers"]] == [(size, [0, 0], kinds[1], None)] * len(
                image["layers"])


def distance(a, b):
    return np.abs(a - b).mean()


def test_from_noise_each_frame_grows_out_of_the_one_before(runs):
    made = frames(runs["noise"])
    noise = np.random.RandomState(0).randint(0, 256, made[0].shape)
    for before, after in zip(made, made[1:]):
        assert 0 < distance(before, after) < distance(before, noise)


def test_from_a_layer_the_first_frame_grows_out_of_the_selected_pixels(runs):
    run = runs["gray_layer"]
    x, y, width, height = RECTANGLE["rect"]
    source = pixels(run["source"]["pixels"], run["source"]).astype(int)[y:y + height,
                                                                         x:x + width]
    first = frames(run)[0]
    noise = np.random.RandomState(0).randint(0, 256, first.shape)
    assert 0 < distance(first, source) < distance(first, noise) / 2


@pytest.mark.parametrize("name", sorted(DIVES))
def test_the_new_image_is_the_procedures_return_value(runs, name):
    assert runs[name]["result"]["values"] == [new_image(runs[name])["id"]]


@pytest.mark.parametrize("name, displays", [("noise", 1), ("gray_layer", 0)])
def test_a_menu_run_shows_the_new_image_a_script_gets_no_window(runs, name, displays):
    assert len(new_image(runs[name])["displays"]) == displays


@pytest.mark.parametrize("name", sorted(DIVES))
def test_the_recipe_parasite_on_the_new_image_says_how_it_was_made(runs, name):
    image = new_image(runs[name])
    recipe = json.loads(image["recipe"])
    assert recipe["procedure"] == "zoom" and recipe["random_weights"] is True
    assert dict((key, recipe["settings"][key]) for key in VALUES[name]) == VALUES[name]
    assert not image["undo_group_left_open"]


def test_a_menu_run_asks_in_a_dialog(runs):
    assert ["dialog", gimp2_run.pdb_name("zoom")] in runs["noise"]["dialogs"]


@pytest.mark.parametrize("name", sorted(DIVES))
def test_progress_is_shown(runs, name):
    check_progress_shown(runs[name])
