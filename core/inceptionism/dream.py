"""The DeepDream recipe: gradient ascent on the picture itself, at several scales, in tiles.

Mordvintsev, Olah & Tyka, "Inceptionism" (2015), and google/deepdream's dream.ipynb:
- a step shifts the picture by a random jitter, takes the gradient of the objective with respect
  to the network's (normalised) input, moves the pixels by step_size times the gradient divided by
  its mean magnitude, shifts back and clips to the valid range;
- octaves dream a small copy first and carry only the detail the dream added up to the next,
  larger copy, so shapes grow larger than the network's field of view;
- large pictures get their gradient tile by tile (TensorFlow's DeepDream tutorial), the tile grid
  at a new random offset every step so no seam stays in one place long enough to show.
No I/O here: progress and cancellation come in as callables.
"""
import random
import time
from collections import namedtuple

import torch
import torch.nn.functional as F

from .errors import Cancelled

# The numbers that shape a dream (the settings table's dream settings, in engine units).
Recipe = namedtuple("Recipe", "octaves octave_scale iterations step_size jitter tile_size")


def deep_dream(image, network, objective, recipe, seed=0, mask=None, progress=None,
               should_stop=None):
    """The dreamed [1, 3, H, W] picture; mask [1, 1, H, W] (0..1) limits where it changes."""
    rng = random.Random(seed)
    size = tuple(image.shape[-2:])
    sizes = octave_sizes(size, recipe.octaves, recipe.octave_scale, network.min_size)
    report = _Progress(sizes, recipe.iterations, progress)
    detail = torch.zeros_like(resize(image, sizes[0]))
    for octave, octave_size in enumerate(sizes):
        base = resize(image, octave_size)
        weight = None if mask is None else resize(mask, octave_size)
        dreamed = base + resize(detail, octave_size)
        for iteration in range(recipe.iterations):
            if should_stop is not None and should_stop():
                raise Cancelled()
            dreamed = ascent_step(dreamed, network, objective, recipe, rng, weight)
            report(octave, iteration)
        detail = dreamed - base
    return resize(dreamed, size)


def ascent_step(image, network, objective, recipe, rng, weight=None):
    """One normalised gradient step on the picture, jittered so the network's grid never shows."""
    dy, dx = rng.randint(-recipe.jitter, recipe.jitter), rng.randint(-recipe.jitter, recipe.jitter)
    tile = max(recipe.tile_size, network.min_size)
    offset = (rng.randrange(tile), rng.randrange(tile))
    shifted = torch.roll(image, (dy, dx), dims=(2, 3))
    grad = torch.roll(gradient(shifted, network, objective, tile, offset), (-dy, -dx), dims=(2, 3))
    move = grad * (recipe.step_size / grad.abs().mean().clamp_min(1e-30))  # a flat gradient: 0
    if weight is not None:
        move = move * weight
    return (image + move).clamp(0.0, 1.0)


def gradient(image, network, objective, tile_size, offset=(0, 0)):
    """d objective / d normalised input, computed tile by tile so memory stays one tile deep.

    Each tile's objective is weighted by its share of the picture, so for objectives that are
    means over positions the tiles add up to the whole picture's objective.
    """
    grad = torch.zeros_like(image)
    height, width = image.shape[-2:]
    for top, bottom in tile_spans(height, tile_size, offset[0], network.min_size):
        for left, right in tile_spans(width, tile_size, offset[1], network.min_size):
            tile = network.normalise(image[:, :, top:bottom, left:right]).detach()
            tile.requires_grad_(True)
            share = float((bottom - top) * (right - left)) / (height * width)
            loss = objective(network(tile)) * share
            grad[:, :, top:bottom, left:right] = torch.autograd.grad(loss, tile)[0]
    return grad


def tile_spans(length, tile, offset, minimum):
    """[(start, stop)] covering 0..length, cut at offset + k * tile.

    An end piece shorter than minimum (what the network accepts) joins its neighbour.
    """
    if length <= tile:
        return [(0, length)]
    cuts = sorted(set([0, length] + list(range(offset % tile, length, tile))))
    if len(cuts) > 2 and cuts[1] < minimum:
        del cuts[1]
    if len(cuts) > 2 and length - cuts[-2] < minimum:
        del cuts[-2]
    return list(zip(cuts, cuts[1:]))


def octave_sizes(size, octaves, scale, minimum):
    """(height, width) of each octave, smallest first, the last the picture's own size.

    No side goes below the network's minimum: a small picture is dreamed enlarged, never refused.
    """
    def side(length, k):
        return max(minimum, int(round(length / scale ** k)))
    return [(side(size[0], k), side(size[1], k)) for k in reversed(range(octaves))]


def resize(image, size):
    """Bilinear resize of [N, C, H, W]; antialiased, so shrinking does not alias fine detail."""
    if tuple(image.shape[-2:]) == tuple(size):
        return image
    return F.interpolate(image, size=size, mode="bilinear", align_corners=False, antialias=True)


class _Progress(object):
    """Reports (fraction, stage text, eta seconds) after each step; steps weigh by octave area."""

    def __init__(self, sizes, iterations, callback):
        self.areas = [h * w for h, w in sizes]
        self.iterations = iterations
        self.callback = callback
        self.started = time.monotonic()

    def __call__(self, octave, iteration):
        if self.callback is None:
            return
        done = self.iterations * sum(self.areas[:octave]) + (iteration + 1) * self.areas[octave]
        fraction = float(done) / (self.iterations * sum(self.areas))
        eta = (time.monotonic() - self.started) * (1.0 - fraction) / fraction
        self.callback(fraction, "octave %d of %d, step %d of %d"
                      % (octave + 1, len(self.areas), iteration + 1, self.iterations), eta)
