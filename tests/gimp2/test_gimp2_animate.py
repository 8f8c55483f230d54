"""Dream animation… in the GIMP 2.10 plug-in, under the stubs in a real Python 2.7 with this
checkout's random-weight engine: the image's layers are the frames (the bottom one first), the
dreamed frames become the layers of a new image with the same names (so the same timings), the
selection applies to every frame, the source image is untouched, and what is not an animation
gets a clear answer."""
import json
import os
import sys

import numpy as np
import pytest

import gimp2_run
from gimp2_records import check_progress_shown, check_refused, pixels

pytestmark = [pytest.mark.py27, pytest.mark.slow]

SIZE = [48, 40]
NAMES = [u"Frame 1 (80ms) (replace)", u"Frame 2 (120ms) (combine)", u"Frame 3 (80ms)"]
FAST = {"layer": "conv2", "octaves": 1, "iterations": 2, "step-size": 0.03, "jitter": 4}
RECTANGLE = {"shape": "rectangle", "rect": [8, 6, 24, 20]}


def frames_image(**extra):
    return dict({"size": SIZE, "frames": NAMES}, **extra)


CASES = {
    "selection": gimp2_run.noninteractive("animate", frames_image(selection=RECTANGLE),
                                          dict(FAST, flicker="smooth")),
    # the dialog leads with its words: a light look, so the layer is conv2 there too
    "menu": gimp2_run.interactive("animate", frames_image(), {
        "depth": "strokes", "detail": "fine", "strength": "subtle", "flicker": "locked"}),
}
REFUSED = {
    "single_layer": (frames_image(frames=NAMES[:1]), u"one layer, so it is one frame"),
    "group": (frames_image(group_frame=1), u"is a layer group"),
    "sizes": (frames_image(frame_sizes={"2": [40, 40]}), u"same size and place"),
}
for name, (image, _) in REFUSED.items():
    CASES[name] = gimp2_run.noninteractive("animate", image, FAST)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return gimp2_run.Runs(lambda name: str(tmp_path_factory.mktemp(name)), CASES)


def new_image(run):
    assert run["result"]["status"] == "success", run["output"]
    assert len(run["new_images"]) == 1, "expected one new image, got %d" % len(run["new_images"])
    return run["new_images"][0]


@pytest.mark.parametrize("name", ["selection", "menu"])
def test_a_new_image_holds_a_dreamed_frame_per_layer_with_its_name(runs, name):
    run = runs[name]
    image = new_image(run)
    assert [layer["name"] for layer in image["layers"]] == NAMES[::-1]
    assert [layer["size"] for layer in image["layers"]] == [SIZE] * 3
    sources = dict((row["name"], row) for row in run["layers_before"])
    assert sorted(sources) == sorted(NAMES)
    assert run["image_unchanged"] and run["undo_steps"] == [] and run["new"] == []
    assert run["result"]["values"] == [image["id"]]
    recipe = json.loads(image["recipe"])
    assert recipe["procedure"] == "animate" and recipe["settings"]["layer"] == "conv2"
    check_progress_shown(run)


def test_the_selection_applies_to_every_frame(runs):
    image = new_image(runs["selection"])
    x, y, width, height = RECTANGLE["rect"]
    dreamed = [pixels(layer["pixels"], layer).astype(int) for layer in image["layers"][::-1]]
    for index, frame in enumerate(dreamed):
        outside = np.ones(frame.shape[:2], bool)
        outside[y:y + height, x:x + width] = False
        source = stripes(index)
        assert (frame[outside] == source[outside]).all()
        assert np.abs(frame[~outside] - source[~outside]).mean() > 1


def stripes(index):
    """drive.py's pattern for frame index (RGB, moved 2 pixels a frame)."""
    height_range, width_range = np.mgrid[0:SIZE[1], 0:SIZE[0]]
    x = width_range + 2 * index
    return np.stack([(x * (3 + 2 * c) + height_range * (7 - c) + 31 * c) % 256
                     for c in range(3)], axis=2)


def test_a_menu_run_asks_in_a_dialog_and_shows_the_new_image(runs):
    run = runs["menu"]
    assert ["dialog", gimp2_run.pdb_name("animate")] in run["dialogs"]
    assert len(new_image(run)["displays"]) == 1
    assert json.loads(new_image(run)["recipe"])["settings"]["flicker"] == "locked"


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_what_is_not_an_animation_gets_a_clear_answer(runs, name):
    check_refused(runs[name], REFUSED[name][1])


def test_a_worker_that_dies_mid_way_leaves_the_frames_done_and_says_so(tmp_path):
    """tests/e2e/dying_worker.py exits right after the second dreamed frame."""
    dying = ["env", "PYTHONPATH=" + os.path.join(gimp2_run.REPO, "core"), sys.executable,
             os.path.join(gimp2_run.REPO, "tests", "e2e", "dying_worker.py")]
    run = gimp2_run.Gimp2(str(tmp_path), dying).run(
        "dies", gimp2_run.noninteractive("animate", frames_image(frames=NAMES + [u"Frame 4"]),
                                         FAST))
    assert run["result"]["status"] == "execution-error", run["output"]
    assert u"2 of 4 frames were dreamed and are kept in the new image" in run["messages"][0]
    assert [layer["name"] for layer in new_image_made(run)["layers"]] == NAMES[1::-1]
    assert run["image_unchanged"]


def new_image_made(run):
    assert len(run["new_images"]) == 1, run["output"]
    return run["new_images"][0]
