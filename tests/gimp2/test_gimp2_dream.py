"""The GIMP 2.10 plug-in, run by the stubs in a real Python 2.7 with this checkout's engine.

Each case is one plug-in process, as GIMP starts one per run, on a tiny image with a random-weight
network and the lightest settings; the tests read what drive.py recorded. They expect the same
outcomes as the GIMP 3 end-to-end tests (tests/e2e/test_gimp3_dream.py), except that GIMP 2.10
plug-ins work in 8 bits.
"""
import json

import numpy as np
import pytest

from inceptionism import errors, plugin_support, settings

import gimp2_run
from gimp2_records import (GRAY_IMAGE, RGBA_IMAGE, check_one_undo_step, check_progress_shown,
                           check_refused, check_right_above_the_source, new_layer, pixels)

pytestmark = [pytest.mark.py27, pytest.mark.slow]

# The artist's words set to "My own", so the engine settings beside them decide.
MY_OWN = {"recipe": "custom", "depth": "custom", "detail": "custom", "strength": "custom"}
FAST = dict(MY_OWN, layer="conv2", octaves=1, iterations=2, **{"step-size": 0.03})
SIZE = [64, 48]


def noninteractive(image, values=FAST):
    return gimp2_run.noninteractive("dream", dict({"size": SIZE}, **image), values)


def interactive(image, values=FAST):
    return gimp2_run.interactive("dream", dict({"size": SIZE}, **image), values)


def rectangle(x, y, width, height, feather=0):
    return {"shape": "rectangle", "rect": [x, y, width, height], "feather": feather}


DREAMED = {
    "whole": interactive({}),
    "rectangle": noninteractive({"selection": rectangle(8, 6, 24, 20)}),
    "feathered_ellipse": noninteractive({"selection": {"shape": "ellipse",
                                                       "rect": [12, 8, 36, 28], "feather": 8}}),
    # a 40x30 layer at (10, 8) on a 64x48 canvas, with a selection reaching over its corner
    "offsets": noninteractive({"layer_size": [40, 30], "offsets": [10, 8],
                               "selection": rectangle(0, 0, 30, 24)}),
    "transparency": noninteractive({"alpha": True}),
    "gray": noninteractive({"mode": "gray"}),
    "inside_a_group": noninteractive({"group": True}),
    # the artist picks words only: the dialog's Look follows them to "My own"
    "in_words": interactive({}, {"depth": "animals", "detail": "fine", "strength": "subtle"}),
    # a script passes a guide layer and a mix of two layers
    "guided_mix": noninteractive({"guide": [40, 30]}, dict(FAST, guide=gimp2_run.GUIDE, **{
        "layer-2": "conv3", "blend": 0.25})),
}
BROKEN_WORKER = ["/nonexistent/inceptionism-venv/bin/python", "-m", "inceptionism.worker"]
REFUSED = {
    "indexed": (noninteractive({"mode": "indexed"}), "Indexed-colour images"),
    "layer_group": (noninteractive({"group": True, "target": "group"}), "layer group"),
    "selection_outside_layer": (noninteractive({"layer_size": [20, 20], "offsets": [40, 24],
                                                "selection": rectangle(0, 0, 16, 16)}),
                                "selection does not touch this layer"),
    "layer_of_another_network": (noninteractive({}, dict(FAST, model="vgg16")),
                                 "belongs to googlenet"),
    "option_out_of_range": (dict(noninteractive({}), arguments=[99] + gimp2_run.pdb_arguments(
        "dream", FAST)[1:]), "Choose a Look from the list"),
}


class Runs(gimp2_run.Runs):
    """The cases, and one run with a worker command that leads nowhere."""

    def __missing__(self, name):
        if name != "worker_missing":
            return gimp2_run.Runs.__missing__(self, name)
        broken = gimp2_run.Gimp2(self.make_folder("gimp2-broken"), BROKEN_WORKER)
        self[name] = broken.run(name, noninteractive({}))
        return self[name]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    cases = dict(DREAMED, **dict((name, case) for name, (case, _) in REFUSED.items()))
    return Runs(lambda name: str(tmp_path_factory.mktemp(name)), cases)


@pytest.mark.parametrize("name", sorted(DREAMED) + sorted(REFUSED) + ["worker_missing"])
def test_the_source_layer_stays_bit_identical(runs, name):
    assert runs[name]["source_unchanged"]


@pytest.mark.parametrize("name", sorted(DREAMED))
def test_the_new_layer_sits_right_above_the_source(runs, name):
    check_right_above_the_source(runs[name])


@pytest.mark.parametrize("name, offsets, size", [
    ("whole", [0, 0], SIZE),
    ("rectangle", [8, 6], [24, 20]),
    ("offsets", [10, 8], [20, 16]),
    ("transparency", [0, 0], SIZE),
    ("gray", [0, 0], SIZE),
    ("inside_a_group", [0, 0], SIZE),
])
def test_the_new_layer_covers_exactly_the_selected_part(runs, name, offsets, size):
    layer = new_layer(runs[name])
    assert (layer["offsets"], layer["size"]) == (offsets, size)


def test_a_feathered_selection_becomes_the_new_layers_mask(runs):
    run = runs["feathered_ellipse"]
    layer = new_layer(run)
    x1, y1, x2, y2 = run["selection_bounds"]
    assert (layer["offsets"], layer["size"]) == ([x1, y1], [x2 - x1, y2 - y1])
    assert layer["mask"], "a soft selection needs a layer mask"
    assert np.array_equal(pixels(layer["mask"], layer), pixels(layer["selection_under"], layer))


@pytest.mark.parametrize("name", sorted(set(DREAMED) - {"feathered_ellipse"}))
def test_hard_or_no_selections_need_no_mask(runs, name):
    assert new_layer(runs[name])["mask"] is None


@pytest.mark.parametrize("name", sorted(DREAMED))
def test_the_selected_pixels_are_dreamed(runs, name):
    layer = new_layer(runs[name])
    dreamed = pixels(layer["pixels"], layer).astype(int)
    source = pixels(layer["source_under"], layer).astype(int)
    coverage = pixels(layer["selection_under"], layer)[..., 0]
    selected = coverage == 255 if coverage.any() else np.ones(coverage.shape, bool)
    changed = (dreamed != source).any(axis=-1)[selected]
    assert changed.mean() > 0.5, "only %.0f%% of the selected pixels changed" % (
        100 * changed.mean())


def test_transparency_passes_through_unchanged(runs):
    layer = new_layer(runs["transparency"])
    assert layer["type"] == runs["transparency"]["source"]["type"] == RGBA_IMAGE
    assert np.array_equal(pixels(layer["pixels"], layer)[..., 3],
                          pixels(layer["source_under"], layer)[..., 3])


def test_a_gray_layer_stays_gray(runs):
    layer = new_layer(runs["gray"])
    assert (layer["type"], layer["bpp"]) == (GRAY_IMAGE, 1)


def test_words_chosen_in_the_dialog_set_the_engine_settings(runs):
    recorded = json.loads(new_layer(runs["in_words"])["recipe"])["settings"]
    assert dict((key, recorded[key]) for key in ("layer", "octaves", "iterations", "step-size")) \
        == {"layer": "inception4e", "octaves": 2, "iterations": 5, "step-size": 0.006}
    assert (recorded["depth"], recorded["recipe"]) == ("animals", "custom")


@pytest.mark.parametrize("name", sorted(set(DREAMED) - {"in_words", "guided_mix"}))
def test_the_recipe_parasite_says_how_the_layer_was_made(runs, name):
    layer = new_layer(runs[name])
    recipe = json.loads(layer["recipe"])
    assert recipe["procedure"] == "dream"
    assert recipe["settings"] == settings.validate("dream", FAST)  # the words describe FAST
    assert recipe["random_weights"] is True
    assert layer["name"] == plugin_support.layer_name(recipe)


def test_a_guide_layer_and_a_mix_are_recorded_in_the_recipe(runs):
    layer = new_layer(runs["guided_mix"])
    recipe = json.loads(layer["recipe"])
    assert recipe["guide"] == {"layer": "Guide", "width": 40, "height": 30}
    assert (recipe["settings"]["layer-2"], recipe["settings"]["blend"]) == ("conv3", 0.25)
    assert layer["name"] == plugin_support.layer_name(recipe) and "25% conv3" in layer["name"]


@pytest.mark.parametrize("name", sorted(DREAMED))
def test_all_changes_are_one_undo_step_that_undo_reverts(runs, name):
    check_one_undo_step(runs[name])


def test_a_menu_run_asks_in_the_dream_dialog_then_dreams(runs):
    assert runs["whole"]["dream_dialog"][-1]["step"] == "ok"
    assert runs["whole"]["dialogs"] == []  # not gimpfu's


@pytest.mark.parametrize("name", sorted(DREAMED))
def test_progress_is_shown(runs, name):
    check_progress_shown(runs[name])


@pytest.mark.parametrize("name, words", sorted(
    [(name, words) for name, (_, words) in REFUSED.items()] +
    [("worker_missing", errors.CODES["worker-missing"])]))
def test_refusals_are_one_clear_message_and_leave_the_image_alone(runs, name, words):
    check_refused(runs[name], words)
