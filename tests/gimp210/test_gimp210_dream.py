"""Dream in a real, headless GIMP 2.10 with this checkout's engine behind a socket relay (one
launch for all cases: see conftest.py, recorded210.py and in_gimp/batch.py). The same cases and
checks as the GIMP 3 tests (tests/real_gimp.py), except where GIMP 2.10 differs, said there."""
import json

import numpy as np
import pytest

from inceptionism import plugin_support, settings
from real_gimp import (ADVANCED_NETWORK, FAST, FEATHERED, GIMP210, assert_one_undo_step,
                       assert_placed_above, assert_recipe, assert_refused,
                       assert_selected_pixels_changed, assert_source_untouched, new_layer, pixels,
                       runs)
import real_gimp

pytestmark = pytest.mark.gimp210

DREAMED = runs(GIMP210, real_gimp.DREAMED)
REFUSED = dict((name, real_gimp.REFUSED_WORDS[name]) for name in runs(
    GIMP210, real_gimp.REFUSED_WORDS) if real_gimp.CASES[name][0] == "dream")


def test_gimp_registers_every_procedure_with_the_settings_table_as_arguments(gimp210_run):
    assert sorted(gimp210_run.registered) == sorted(plugin_support.PROCEDURES)
    for pdb_name, (name, label, _) in plugin_support.PROCEDURES.items():
        guide = [plugin_support.GUIDE_ARGUMENT[0]] if name in plugin_support.GUIDED else []
        assert gimp210_run.registered[pdb_name]["arguments"] == ["run-mode", "image",
                                                                 "drawable"] + [
            s.name for s in settings.for_procedure(name)] + guide
        entry = next(part for part in gimp210_run.pluginrc.split("(proc-def ")
                     if part.startswith('"%s"' % pdb_name))
        assert '\n         "%s"\n' % label in entry
        assert '(menu-path "%s")' % plugin_support.MENU_PATH in entry


def test_the_artists_words_set_the_engine_settings_as_the_shared_table_says(gimp210_run):
    given = gimp210_run.cases["in_words"]["settings"]
    expected = settings.validate("dream", given)
    assert (expected["layer"], expected["octaves"], expected["iterations"]) == ("inception4e", 2, 5)
    recipe = assert_recipe(new_layer(gimp210_run, "in_words"), "dream", expected)
    assert new_layer(gimp210_run, "in_words")["name"] == plugin_support.layer_name(recipe)


def test_a_dream_with_a_guide_layer_and_a_mix_records_both_in_its_recipe(gimp210_run):
    real_gimp.assert_guided_mix(gimp210_run)


def test_one_warm_worker_serves_every_run_through_the_socket(gimp210_run):
    real_gimp.assert_one_warm_worker_a_command(gimp210_run.log)


@pytest.mark.parametrize("name", DREAMED + sorted(REFUSED))
def test_the_source_layer_stays_bit_identical(gimp210_run, name):
    assert_source_untouched(gimp210_run, name)


@pytest.mark.parametrize("name", DREAMED)
def test_the_new_layer_sits_right_above_the_source(gimp210_run, name):
    case = gimp210_run.cases[name]
    assert_placed_above(case, new_layer(gimp210_run, name), case["source"]["id"])


@pytest.mark.parametrize("name", [name for name in DREAMED if name not in FEATHERED])
def test_the_new_layer_covers_exactly_the_selected_part(gimp210_run, name):
    layer = new_layer(gimp210_run, name)
    assert (layer["offsets"], layer["size"]) == tuple(real_gimp.DREAMED[name])


def test_a_feathered_selection_becomes_the_new_layers_mask(gimp210_run):
    layer = new_layer(gimp210_run, "feathered_ellipse")
    x1, y1, x2, y2 = gimp210_run.cases["feathered_ellipse"]["selection_bounds"]
    assert (layer["offsets"], layer["size"]) == ([x1, y1], [x2 - x1, y2 - y1])
    assert layer["mask"], "a soft selection needs a layer mask"
    assert np.array_equal(pixels(gimp210_run, layer["mask"]),
                          pixels(gimp210_run, layer["selection_under"]))


@pytest.mark.parametrize("name", [n for n in DREAMED if n not in FEATHERED])
def test_hard_or_no_selections_need_no_mask(gimp210_run, name):
    assert new_layer(gimp210_run, name)["mask"] is None


@pytest.mark.parametrize("name", DREAMED)
def test_the_selected_pixels_are_dreamed(gimp210_run, name):
    assert_selected_pixels_changed(gimp210_run, new_layer(gimp210_run, name))


def test_transparency_passes_through_unchanged(gimp210_run):
    layer = new_layer(gimp210_run, "transparency")
    assert layer["type"] == gimp210_run.cases["transparency"]["source"]["type"] == "rgba-image"
    assert np.array_equal(pixels(gimp210_run, layer["pixels"])[..., 3],
                          pixels(gimp210_run, layer["source_under"])[..., 3])


def test_a_gray_layer_stays_gray(gimp210_run):
    layer = new_layer(gimp210_run, "gray")
    assert (layer["type"], layer["bpp"]) == ("gray-image", 1)


def test_high_bit_depth_is_dreamed_at_8_bits(gimp210_run):
    """GIMP 2.10 hands the plug-in 8-bit pixels of a 16-bit image (the plug-in does not ask for
    more): the new layer holds 8-bit values widened to 16 bits, multiples of 257."""
    values = pixels(gimp210_run, new_layer(gimp210_run, "high_bit_depth_at_8_bits")["pixels"])
    assert values.dtype == np.uint16 and (values % 257 == 0).all()
    assert len(np.unique(values)) > 1


@pytest.mark.parametrize("name", DREAMED)
def test_the_recipe_parasite_says_how_the_layer_was_made(gimp210_run, name):
    layer = new_layer(gimp210_run, name)
    recipe = assert_recipe(layer, "dream", FAST["dream"])
    assert layer["name"] == plugin_support.layer_name(recipe)


@pytest.mark.parametrize("name", DREAMED)
def test_all_changes_are_one_undo_step(gimp210_run, name):
    assert_one_undo_step(gimp210_run, name)


@pytest.mark.parametrize("name, words", sorted(REFUSED.items()))
def test_refusals_are_one_clear_message_and_leave_the_image_alone(gimp210_run, name, words):
    assert_refused(gimp210_run, name, words)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_refusal_shows_the_artist_one_message(gimp210_run, name):
    """What GIMP 2.10 shows (headless: prints) for the plug-in: one message, not one a layer
    of the code it passed through."""
    message = gimp210_run.cases[name]["message"]
    assert message and "\n" not in message, message


def test_network_vgg16_under_advanced_reaches_the_engine_with_its_default_layer(gimp210_run):
    """An artist sets Network = VGG16 under Advanced and leaves the rest as the dialog has it:
    the engine dreams with VGG16 at its default layer, and the recipe says "My own"."""
    layer = new_layer(gimp210_run, "network_vgg16")
    recipe = json.loads(layer["recipe"])["settings"]
    assert dict((key, recipe[key]) for key in ADVANCED_NETWORK) == ADVANCED_NETWORK
    assert recipe["recipe"] == "custom"
    assert (layer["offsets"], layer["size"]) == ([0, 0], [64, 48])
