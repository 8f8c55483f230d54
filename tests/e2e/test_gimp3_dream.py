"""Dream in a real, headless GIMP 3 with this checkout's engine behind it (one launch for all
cases: see conftest.py and in_gimp/cases.py)."""
import json

import numpy as np
import pytest

from inceptionism import catalogue, plugin_support, settings
from real_gimp import (FAST, FEATHERED, GIMP3, assert_one_undo_step, assert_placed_above,
                       assert_recipe, assert_refused, assert_selected_pixels_changed,
                       assert_source_untouched, new_layer, pixels, runs, succeeded)
import real_gimp

pytestmark = pytest.mark.gimp

DREAMED = runs(GIMP3, real_gimp.DREAMED)
REFUSED = dict((name, real_gimp.REFUSED_WORDS[name]) for name in runs(
    GIMP3, real_gimp.REFUSED_WORDS) if real_gimp.CASES[name][0] == "dream")


def test_gimp_registers_every_procedure_with_the_settings_table_as_arguments(gimp_run):
    assert sorted(gimp_run.registered) == sorted(plugin_support.PROCEDURES)
    for pdb_name, (name, label, _) in plugin_support.PROCEDURES.items():
        declared = gimp_run.registered[pdb_name]
        assert declared["menu_label"] == label
        assert declared["menu_paths"] == [plugin_support.MENU_PATH]
        guide = [plugin_support.GUIDE_ARGUMENT[0]] if name in plugin_support.GUIDED else []
        assert declared["arguments"] == ["run-mode", "image", "drawables"] + [
            s.name for s in settings.for_procedure(name)] + guide


def test_the_artists_words_set_the_engine_settings_as_the_shared_table_says(gimp_run):
    given = gimp_run.cases["in_words"]["settings"]
    expected = settings.validate("dream", given)
    assert (expected["layer"], expected["octaves"], expected["iterations"]) == ("inception4e", 2, 5)
    recipe = assert_recipe(new_layer(gimp_run, "in_words"), "dream", expected)
    assert new_layer(gimp_run, "in_words")["name"] == plugin_support.layer_name(recipe)


def test_a_dream_with_a_guide_layer_and_a_mix_records_both_in_its_recipe(gimp_run):
    real_gimp.assert_guided_mix(gimp_run)


def test_one_warm_worker_serves_every_run_as_installed_for_artists(gimp_run):
    real_gimp.assert_one_warm_worker_a_command(gimp_run.log)


@pytest.mark.parametrize("name", DREAMED + sorted(REFUSED))
def test_the_source_layer_stays_bit_identical(gimp_run, name):
    assert_source_untouched(gimp_run, name)


@pytest.mark.parametrize("name", DREAMED)
def test_the_new_layer_sits_right_above_the_source(gimp_run, name):
    case = gimp_run.cases[name]
    assert_placed_above(case, new_layer(gimp_run, name), case["source"]["id"])


@pytest.mark.parametrize("name", [name for name in DREAMED if name not in FEATHERED])
def test_the_new_layer_covers_exactly_the_selected_part(gimp_run, name):
    layer = new_layer(gimp_run, name)
    assert (layer["offsets"], layer["size"]) == tuple(real_gimp.DREAMED[name])


def test_a_feathered_selection_becomes_the_new_layers_mask(gimp_run):
    layer = new_layer(gimp_run, "feathered_ellipse")
    x1, y1, x2, y2 = gimp_run.cases["feathered_ellipse"]["selection_bounds"]
    assert (layer["offsets"], layer["size"]) == ([x1, y1], [x2 - x1, y2 - y1])
    assert layer["mask"], "a soft selection needs a layer mask"
    assert np.array_equal(pixels(gimp_run, layer["mask"]),
                          pixels(gimp_run, layer["selection_under"]))


@pytest.mark.parametrize("name", [n for n in DREAMED if n not in FEATHERED])
def test_hard_or_no_selections_need_no_mask(gimp_run, name):
    assert new_layer(gimp_run, name)["mask"] is None


@pytest.mark.parametrize("name", DREAMED)
def test_the_selected_pixels_are_dreamed(gimp_run, name):
    assert_selected_pixels_changed(gimp_run, new_layer(gimp_run, name))


def test_transparency_passes_through_unchanged(gimp_run):
    layer = new_layer(gimp_run, "transparency")
    assert layer["type"] == gimp_run.cases["transparency"]["source"]["type"] == "rgba-image"
    assert np.array_equal(pixels(gimp_run, layer["pixels"])[..., 3],
                          pixels(gimp_run, layer["source_under"])[..., 3])


def test_a_gray_layer_stays_gray(gimp_run):
    assert new_layer(gimp_run, "gray")["type"] == "gray-image"


def test_high_bit_depth_is_dreamed_in_high_bit_depth(gimp_run):
    """8-bit values widen to multiples of 257 in 16 bits; dreamed floats do not."""
    layer = new_layer(gimp_run, "high_bit_depth")
    values = pixels(gimp_run, layer["pixels"])
    assert (values % 257 != 0).mean() > 0.5


@pytest.mark.parametrize("name", DREAMED)
def test_the_recipe_parasite_says_how_the_layer_was_made(gimp_run, name):
    layer = new_layer(gimp_run, name)
    recipe = assert_recipe(layer, "dream", FAST["dream"])
    assert layer["name"] == plugin_support.layer_name(recipe)


@pytest.mark.parametrize("name", DREAMED)
def test_all_changes_are_one_undo_step(gimp_run, name):
    assert_one_undo_step(gimp_run, name)


@pytest.mark.parametrize("name, words", sorted(REFUSED.items()))
def test_refusals_are_one_clear_message_and_leave_the_image_alone(gimp_run, name, words):
    assert_refused(gimp_run, name, words)


@pytest.mark.parametrize("name, procedure, model", [("network_resnet50", "dream", "resnet50"),
                                                    ("zoom_network_vgg16", "zoom", "vgg16")])
def test_a_network_changed_alone_dreams_with_its_own_default_layer(gimp_run, name, procedure,
                                                                   model):
    """A script (or a dialog) that changes the network only: its layer comes with it, in Zoom
    dive too (which used to fail with "layer inception4c belongs to googlenet")."""
    case = succeeded(gimp_run, name)
    made = case["new"][0] if procedure == "dream" else case["new_images"][0]
    recipe = json.loads(made["recipe"])
    assert (recipe["settings"]["model"], recipe["settings"]["layer"]) == (
        model, catalogue.network(model).default_layer)
