"""Visualize class in a real, headless GIMP 3: from noise (a new layer of the dialog's size at the
top left) and from the selected part of a layer (like Dream)."""
import numpy as np
import pytest

from inceptionism import plugin_support
from real_gimp import (FAST, FROM_NOISE, REFUSED_WORDS, assert_one_undo_step, assert_placed_above,
                       assert_recipe, assert_refused, assert_selected_pixels_changed,
                       assert_source_untouched, new_layer, pixels)

pytestmark = pytest.mark.gimp

ALL = sorted(FROM_NOISE) + ["visualize_selection"]
SIZE = [FAST["visualize"]["width"], FAST["visualize"]["height"]]


@pytest.mark.parametrize("name, layer_type", sorted(FROM_NOISE.items()))
def test_from_noise_a_layer_of_the_dialogs_size_at_the_top_left_in_the_images_kind(
        gimp_run, name, layer_type):
    layer = new_layer(gimp_run, name)
    assert (layer["offsets"], layer["size"], layer["type"]) == ([0, 0], SIZE, layer_type)


@pytest.mark.parametrize("name", sorted(FROM_NOISE))
def test_from_noise_the_layer_goes_above_the_active_layer(gimp_run, name):
    case = gimp_run.cases[name]
    assert_placed_above(case, new_layer(gimp_run, name), case["source"]["id"])


@pytest.mark.parametrize("name", sorted(FROM_NOISE))
def test_from_noise_the_layer_holds_a_picture_not_a_blank(gimp_run, name):
    """A few steps from faint noise stay close to grey, but never one flat colour."""
    picture = pixels(gimp_run, new_layer(gimp_run, name)["pixels"])
    assert len(np.unique(picture)) > 1


def test_from_a_selection_the_layer_covers_it_right_above_the_source(gimp_run):
    case, layer = gimp_run.cases["visualize_selection"], new_layer(gimp_run, "visualize_selection")
    assert (layer["offsets"], layer["size"]) == ([8, 6], [24, 20])
    assert_placed_above(case, layer, case["source"]["id"])
    assert_selected_pixels_changed(gimp_run, layer)


@pytest.mark.parametrize("name", ALL)
def test_the_active_layer_stays_bit_identical(gimp_run, name):
    assert_source_untouched(gimp_run, name)


@pytest.mark.parametrize("name", ALL)
def test_the_recipe_parasite_names_the_class(gimp_run, name):
    layer = new_layer(gimp_run, name)
    case = gimp_run.cases[name]
    recipe = assert_recipe(layer, "visualize", case["settings"])
    assert layer["name"] == plugin_support.layer_name(recipe)
    assert FAST["visualize"]["class-name"] in layer["name"]


@pytest.mark.parametrize("name", ALL)
def test_all_changes_are_one_undo_step(gimp_run, name):
    assert_one_undo_step(gimp_run, name)


def test_an_indexed_image_is_refused_even_from_noise_and_left_alone(gimp_run):
    """A palette of a few colours would turn the picture into one flat colour."""
    assert_refused(gimp_run, "visualize_noise_indexed", REFUSED_WORDS["visualize_noise_indexed"])
