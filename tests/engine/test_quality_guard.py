"""Speed must not cost the dream: on the same picture and seed, the engine's optimised path
(cut and folded network, channels_last, bfloat16 where native, tiles, in-place steps) reaches
the objective of the plain reference (bench/reference_dream.py) within 5 %, like with like: an
untiled dream against the untiled reference, a tiled one against the reference tiled the same
way."""
import copy
import os
import sys

import pytest
import torch

from inceptionism import dream, models, objectives

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "bench"))

from reference_dream import ReferenceNetwork, reference_dream  # noqa: E402

# Small and in one tile: tiles far smaller than the layer's field of view would weaken the
# climb by themselves (bench/dream_speed.py measures the guard at full sizes, tiles included).
RECIPE = dream.Recipe(octaves=2, octave_scale=1.4, iterations=4, step_size=0.01, jitter=8,
                      tile_size=512)


@pytest.mark.parametrize("compute_dtype,tile_size", [
    (torch.float32, 512), (torch.bfloat16, 512), (torch.float32, 40)])
def test_the_engine_reaches_the_references_objective(googlenet, make_picture, compute_dtype,
                                                      tile_size):
    image = torch.from_numpy(make_picture(96, 112, 3, "float32")).permute(2, 0, 1)[None]
    image = image.contiguous()
    recipe = RECIPE._replace(tile_size=tile_size)
    tiled = dream.step_tile((96, 112), tile_size) < 112
    assert tiled == (tile_size == 40)  # 512: one tile; 40: 3 x 3 tiles in both
    reference = ReferenceNetwork("googlenet", copy.deepcopy(googlenet), "inception4c")
    network = models.Network("googlenet", googlenet, ["inception4c"], compute_dtype)
    ours = dream.deep_dream(image, network, objectives.layer_l2("inception4c"), recipe, seed=3)
    theirs = reference_dream(image, reference, recipe.octaves, recipe.octave_scale,
                             recipe.iterations, recipe.step_size, recipe.jitter, 3,
                             recipe.tile_size, tiled)
    start, reached, expected = (reference.jittered_objective(picture, RECIPE.jitter)
                                for picture in (image, ours, theirs))
    assert expected > 1.2 * start  # the reference climbs: there is something to compare
    assert abs(reached / expected - 1.0) < 0.05


def test_the_reference_cut_at_the_layer_sees_what_the_whole_network_sees(googlenet):
    cut, whole = (ReferenceNetwork("googlenet", copy.deepcopy(googlenet), "inception4c", cut=cut)
                  for cut in (True, False))
    pixels = torch.rand(1, 3, 64, 80, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        torch.testing.assert_close(cut.activations(pixels), whole.activations(pixels))
