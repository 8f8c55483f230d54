"""Zoom dive in a real, headless GIMP 3: the frames go into a new image, one layer each, named for
GIF export; the source image is left alone."""
import pytest

from inceptionism import errors
from real_gimp import (DIVES, FAST, FRAME_NAME, assert_recipe, assert_source_untouched, distance,
                       dive, frames, pixels, shuffled, succeeded)

pytestmark = pytest.mark.gimp

ALL = DIVES + ["zoom_worker_dies", "zoom_worker_missing"]


def test_the_zoom_procedure_returns_the_new_image(gimp_run):
    assert gimp_run.registered["python-fu-inceptionism-zoom"]["return_values"] == ["image"]
    for name in DIVES:
        assert succeeded(gimp_run, name)["returned"] == dive(gimp_run, name)["id"]


@pytest.mark.parametrize("name", DIVES)
def test_one_layer_per_frame_named_for_gif_export_first_at_the_bottom(gimp_run, name):
    layers = dive(gimp_run, name)["layers"]
    names = [FRAME_NAME.match(layer["name"]) for layer in reversed(layers)]
    assert all(names), [layer["name"] for layer in layers]
    assert [int(found.group(1)) for found in names] == list(range(1, FAST["zoom"]["frames"] + 1))
    assert set(int(found.group(2)) for found in names) == {FAST["zoom"]["frame-ms"]}


def test_from_noise_the_image_has_the_dialogs_size(gimp_run):
    image = dive(gimp_run, "zoom_noise")
    size = [FAST["zoom"]["width"], FAST["zoom"]["height"]]
    assert image["size"] == size
    assert all((layer["size"], layer["offsets"]) == (size, [0, 0]) for layer in image["layers"])


def test_from_the_layer_the_image_has_the_selections_size_and_the_layers_kind(gimp_run):
    case, image = gimp_run.cases["zoom_layer"], dive(gimp_run, "zoom_layer")
    x1, y1, x2, y2 = case["selection_bounds"]
    assert image["size"] == [x2 - x1, y2 - y1]
    for layer in image["layers"]:
        assert (layer["size"], layer["offsets"]) == (image["size"], [0, 0])
        assert layer["type"] == case["source"]["type"]


def test_from_the_layer_the_first_frame_is_the_selected_part_dreamed(gimp_run):
    case, image = gimp_run.cases["zoom_layer"], dive(gimp_run, "zoom_layer")
    x1, y1, x2, y2 = case["selection_bounds"]
    source_x, source_y = case["source"]["offsets"]
    source = pixels(gimp_run, case["before"]).astype(int)
    selected = source[y1 - source_y:y2 - source_y, x1 - source_x:x2 - source_x]
    first = frames(gimp_run, image)[0]
    assert 0 < distance(first, selected) < distance(first, shuffled(selected))


@pytest.mark.parametrize("name", DIVES)
def test_consecutive_frames_differ_but_are_closer_to_each_other_than_to_noise(gimp_run, name):
    dived = frames(gimp_run, dive(gimp_run, name))
    for before, after in zip(dived, dived[1:]):
        assert 0 < distance(before, after) < distance(before, shuffled(after))


@pytest.mark.parametrize("name", DIVES)
def test_the_recipe_parasite_on_the_new_image_says_how_it_was_made(gimp_run, name):
    assert_recipe(dive(gimp_run, name), "zoom", gimp_run.cases[name]["settings"])


@pytest.mark.parametrize("name", ALL)
def test_the_source_image_is_left_alone(gimp_run, name):
    case = gimp_run.cases[name]
    assert_source_untouched(gimp_run, name)
    assert case["layers_after"] == case["layers_before"]
    made = set(str(item["id"]) for image in case["new_images"]
               for item in [image] + image["layers"])
    assert [call for call in gimp_run.traces.get(name, []) if call[1] not in made] == []


def test_frames_done_before_the_worker_died_are_kept(gimp_run):
    case = gimp_run.cases["zoom_worker_dies"]
    assert case["status"] == "execution-error"
    assert errors.CODES["worker-crashed"] in case["message"]
    assert [layer["name"] for layer in dive(gimp_run, "zoom_worker_dies")["layers"]] == [
        "Frame 1 (%dms) (replace)" % FAST["zoom"]["frame-ms"]]


def test_a_dive_that_cannot_start_leaves_no_empty_image(gimp_run):
    case = gimp_run.cases["zoom_worker_missing"]
    assert case["status"] == "execution-error"
    assert errors.CODES["worker-missing"] in case["message"]
    assert case["new_images"] == []
