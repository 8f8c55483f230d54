"""The recipe: it climbs its objective, respects masks and seeds, tiles without changing the
gradient, reports progress and stops when asked."""
import os
import random
import subprocess
import sys

import pytest
import torch

from inceptionism import dream, models, objectives
from inceptionism.errors import Cancelled

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MEMORY_PROBE = os.path.join(ROOT, "tests", "engine", "dream_memory_probe.py")

RECIPE = dream.Recipe(octaves=2, octave_scale=1.4, iterations=3, step_size=0.02, jitter=8,
                      tile_size=512)


@pytest.fixture(scope="module")
def network(googlenet):
    return models.Network("googlenet", googlenet, ["conv1", "inception3a"])


def as_tensor(pixels):
    return torch.from_numpy(pixels).permute(2, 0, 1)[None].contiguous()


@pytest.fixture
def image(make_picture):
    return as_tensor(make_picture(48, 64, 3, "float32"))


def objective_value(network, objective, image):
    with torch.no_grad():
        return objective(network(network.normalise(image))).item()


def test_the_objective_rises_over_iterations(network, image):
    # Without jitter the picture the objective is measured on is the one the steps climb on.
    objective = objectives.layer_l2("inception3a")
    values = [objective_value(network, objective, image)]
    for iterations in (2, 4):
        recipe = RECIPE._replace(octaves=1, iterations=iterations, jitter=0)
        dreamed = dream.deep_dream(image, network, objective, recipe)
        values.append(objective_value(network, objective, dreamed))
    assert values[0] < values[1] < values[2]


def test_same_seed_same_picture_other_seed_other_picture(network, image):
    objective = objectives.layer_l2("inception3a")
    first, again, other = (dream.deep_dream(image, network, objective, RECIPE, seed=seed)
                           for seed in (7, 7, 8))
    assert torch.equal(first, again)
    assert not torch.equal(first, other)


def test_a_zero_mask_leaves_every_pixel_as_it_was(network, image):
    mask = torch.zeros(1, 1, 48, 64)
    result = dream.deep_dream(image, network, objectives.layer_l2("inception3a"), RECIPE, mask=mask)
    assert torch.equal(result, image)


def test_tiled_gradient_equals_whole_gradient_away_from_the_seams(network, make_picture):
    picture = as_tensor(make_picture(96, 96, 3, "float32"))
    objective = objectives.layer_l2("conv1")  # a 7-pixel field of view: seams reach 6 pixels
    whole = dream.gradient(picture, network, objective, tile_size=96)
    tiled = dream.gradient(picture, network, objective, tile_size=48, offset=(0, 0))
    away = torch.ones(96, dtype=torch.bool)
    away[48 - 8:48 + 8] = False
    torch.testing.assert_close(tiled[:, :, away][:, :, :, away], whole[:, :, away][:, :, :, away])
    assert not torch.allclose(tiled, whole)  # the seams do differ: the comparison can fail
    assert (tiled - whole).abs().sum() < 0.1 * whole.abs().sum()


def test_one_tile_is_the_plain_gradient(network, image):
    objective = objectives.layer_l2("inception3a")
    leaf = network.normalise(image).detach().requires_grad_(True)
    expected = torch.autograd.grad(objective(network(leaf)), leaf)[0]
    torch.testing.assert_close(dream.gradient(image, network, objective, tile_size=512), expected)


def test_cancel_stops_within_one_step(network, image):
    steps = []
    counted = objectives.Objective(lambda acts: steps.append(1) or (acts["conv1"] ** 2).mean(),
                                   ["conv1"], "counted")
    asked = []
    with pytest.raises(Cancelled):
        dream.deep_dream(image, network, counted, RECIPE._replace(iterations=10),
                         should_stop=lambda: asked.append(1) or len(asked) > 4)
    assert len(steps) == 4


def test_progress_climbs_to_one_with_a_stage_and_an_eta(network, image):
    reports = []
    dream.deep_dream(image, network, objectives.layer_l2("conv1"), RECIPE,
                     progress=lambda fraction, stage, eta: reports.append((fraction, stage, eta)))
    fractions = [fraction for fraction, _, _ in reports]
    assert len(reports) == RECIPE.octaves * RECIPE.iterations
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    assert reports[0][1] == "octave 1 of 2, step 1 of 3"
    assert all(eta >= 0 for _, _, eta in reports)


@pytest.mark.parametrize("length,tile,offset", [(100, 30, 0), (100, 30, 7), (100, 30, 29),
                                                (61, 30, 1), (512, 128, 100), (512, 128, 700)])
def test_tiles_go_once_around_the_picture_in_equal_pieces_the_network_accepts(length, tile, offset):
    spans = dream.tile_spans(length, tile, offset, minimum=15)
    assert sorted(i % length for start, stop in spans for i in range(start, stop)) == \
        list(range(length))
    sizes = [stop - start for start, stop in spans]
    assert max(sizes) - min(sizes) <= 1 and 15 <= min(sizes) and max(sizes) <= tile
    assert spans[0][0] == offset % length


def test_a_side_that_fits_is_one_tile_and_no_tile_is_below_the_minimum():
    assert dream.tile_spans(40, 64, 5, minimum=15) == [(0, 40)]
    assert dream.tile_spans(76, 75, 3, minimum=75) == [(0, 76)]


def test_a_shifted_tiled_gradient_is_the_rolled_pictures_gradient_rolled_back(network,
                                                                               make_picture):
    picture = as_tensor(make_picture(96, 80, 3, "float32"))
    objective = objectives.layer_l2("conv1")
    for tile, offset in ((512, (0, 0)), (40, (30, 7))):
        rolled = torch.roll(picture, (5, -9), dims=(2, 3))
        expected = torch.roll(dream.gradient(rolled, network, objective, tile, offset),
                              (-5, 9), dims=(2, 3))
        shifted = dream.gradient(picture, network, objective, tile, offset, shift=(5, -9))
        torch.testing.assert_close(shifted, expected)


def test_the_picture_given_is_left_as_it_was(network, image):
    kept = image.clone()
    dream.deep_dream(image, network, objectives.layer_l2("conv1"), RECIPE._replace(octaves=1))
    assert torch.equal(image, kept)


def test_random_tile_offsets_move_the_seams_every_step():
    rng = random.Random(0)
    seams = set(dream.tile_spans(300, 64, rng.randrange(64), 15)[1][0] for _ in range(20))
    assert len(seams) > 10


def test_octaves_grow_to_the_picture_size_never_below_the_network_minimum():
    assert dream.octave_sizes((100, 200), 3, 2.0, 15) == [(25, 50), (50, 100), (100, 200)]
    assert dream.octave_sizes((4, 300), 2, 1.5, 15) == [(15, 200), (15, 300)]


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads Linux's /proc")
def test_a_large_dream_holds_few_copies_of_the_picture():
    # Blocks over 1 MB come straight from the system and go back when freed, so the peak
    # resident size counts the tensors the dream holds, not what the C allocator keeps aside.
    # A dream holds the dream and its gradient (2 copies); steps that copied held 6 or more.
    paths = os.pathsep.join(os.path.join(ROOT, folder) for folder in ("core", "bench"))
    environment = dict(os.environ, MALLOC_MMAP_THRESHOLD_="1048576", PYTHONPATH=paths)
    copies = subprocess.check_output([sys.executable, MEMORY_PROBE, "3000"], env=environment)
    assert float(copies) < 3


def test_a_picture_within_four_tiles_area_is_one_tile_and_a_larger_one_is_tiled():
    assert dream.WHOLE_PICTURE_TILES == 4
    assert dream.step_tile((100, 100), 50) == 100  # four tiles' area: one tile
    assert dream.step_tile((40, 250), 50) == 250  # a strip of the same area too
    assert dream.step_tile((101, 100), 50) == 50  # more: tiles of the given side
    assert dream.step_tile((20, 20), 50) == 20


class ShapesSeen(object):
    """A network that remembers the shape of every tile it is shown."""

    def __init__(self, network):
        self.network, self.min_size, self.shapes = network, network.min_size, []

    def normalise(self, pixels):
        return self.network.normalise(pixels)

    def __call__(self, normalised):
        self.shapes.append(tuple(normalised.shape[-2:]))
        return self.network(normalised)


@pytest.mark.parametrize("side,tile,tiles_per_step", [(64, 32, 1), (66, 32, 9)])
def test_a_dream_takes_each_steps_gradient_whole_where_the_picture_fits_four_tiles(
        network, make_picture, side, tile, tiles_per_step):
    seen = ShapesSeen(network)
    picture = as_tensor(make_picture(side, side, 3, "float32"))
    recipe = RECIPE._replace(octaves=1, iterations=2, tile_size=tile)
    dream.deep_dream(picture, seen, objectives.layer_l2("inception3a"), recipe)
    assert len(seen.shapes) == 2 * tiles_per_step
    if tiles_per_step == 1:
        assert set(seen.shapes) == {(side, side)}
    else:
        assert max(max(shape) for shape in seen.shapes) <= tile


@pytest.mark.parametrize("side,tile,given_back", [(64, 32, 1), (66, 32, 1 + 2 * 3)])
def test_memory_goes_back_between_octaves_only_where_the_picture_is_tiled(
        network, make_picture, monkeypatch, side, tile, given_back):
    """A tiled picture's octaves would add up their picture-sized buffers; a whole one's reuse
    each other's blocks (its fresh pages cost 0.2-0.35 s of a 768² dream)."""
    calls = []
    monkeypatch.setattr(dream.allocator, "give_back", lambda: calls.append(1))
    picture = as_tensor(make_picture(side, side, 3, "float32"))
    recipe = RECIPE._replace(octaves=3, iterations=1, tile_size=tile)
    dream.deep_dream(picture, network, objectives.layer_l2("inception3a"), recipe)
    assert len(calls) == given_back  # after the dream (kept_between_steps), and per octave
