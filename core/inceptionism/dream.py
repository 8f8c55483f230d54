"""The DeepDream recipe: gradient ascent on the picture itself, at several scales, in tiles.

Mordvintsev, Olah & Tyka, "Inceptionism" (2015), and google/deepdream's dream.ipynb:
- a step shifts the picture by a random jitter, takes the gradient of the objective with respect
  to the network's (normalised) input, moves the pixels by step_size times the gradient divided by
  its mean magnitude, shifts back and clips to the valid range;
- octaves dream a small copy first and carry only the detail the dream added up to the next,
  larger copy, so shapes grow larger than the network's field of view;
- large pictures get their gradient tile by tile (TensorFlow's DeepDream tutorial), the tile grid
  at a new random offset every step so no seam stays in one place long enough to show; a picture
  of up to WHOLE_PICTURE_TILES tiles' area is one tile (tiles are there to bound memory).
Speed (docs/performance.md): steps work in place on one gradient buffer per octave, the memory
one step frees is kept for the next (allocator.py), the tiles of a tiled picture are read
through wrapped indices, never a shifted copy of the picture, and an untiled picture is
jittered with one roll.
No I/O here: progress and cancellation come in as callables.
"""
import random
import time
from collections import namedtuple

import torch
import torch.nn.functional as F

from . import allocator
from .errors import Cancelled

# The numbers that shape a dream (the settings table's dream settings, in engine units).
Recipe = namedtuple("Recipe", "octaves octave_scale iterations step_size jitter tile_size")

# A picture of up to this many tiles' area is dreamed whole: its activations take at most as
# much memory as this many tiles' (about 0.6 KB per pixel in float32, so 0.6 GB at 1024² with
# 512-pixel tiles), and one large convolution is faster than several small ones with indexed
# copies between them (docs/performance.md). Lowering the tile size lowers this bound too.
WHOLE_PICTURE_TILES = 4


def deep_dream(image, network, objective, recipe, seed=0, mask=None, progress=None,
               should_stop=None):
    """The dreamed [1, 3, H, W] picture; mask [1, 1, H, W] (0..1) limits where it changes.

    Memory stays at about three copies of the picture (the picture, the dream, its gradient),
    whatever the octaves and iterations: every step works in place, so an 8000 x 8000 dream fits.
    """
    rng = random.Random(seed)
    with allocator.kept_between_steps():  # the steps reuse one another's memory
        return _octaves(image, network, objective, recipe, rng, mask, progress, should_stop)


def _octaves(image, network, objective, recipe, rng, mask, progress, should_stop):
    size = tuple(image.shape[-2:])
    sizes = octave_sizes(size, recipe.octaves, recipe.octave_scale, network.min_size)
    report = _Progress(sizes, recipe.iterations, progress)
    dreamed = image.new_zeros(image.shape[:2] + sizes[0])  # the detail dreamed so far: none
    give_back = between_octaves(size, network, recipe)
    for octave, octave_size in enumerate(sizes):
        base = grad = weight = None  # the octave before's buffers are free
        give_back()
        base = resize(image, octave_size)
        dreamed = resize(dreamed, octave_size).add_(base)
        give_back()  # and the octave before's dream, once resized
        weight = None if mask is None else resize(mask, octave_size)
        grad = torch.empty_like(dreamed)  # one buffer for every step of the octave
        for iteration in range(recipe.iterations):
            if should_stop is not None and should_stop():
                raise Cancelled()
            ascent_step(dreamed, grad, network, objective, recipe, rng, weight)
            report(octave, iteration)
        if octave + 1 < len(sizes):
            dreamed.sub_(base)  # only the detail the dream added goes up to the next octave
    return resize(dreamed, size)


def between_octaves(size, network, recipe):
    """What gives memory back before an octave's buffers are made: allocator.give_back for a
    tiled picture (kept, picture-sized buffers would add up: the 8000² dream within 4 GB), nothing
    for a picture dreamed whole (the next octave reuses the blocks with no higher peak, where
    fresh pages cost 0.2-0.35 s of a 768² dream)."""
    if step_tile(size, max(recipe.tile_size, network.min_size)) < max(size):
        return allocator.give_back
    return lambda: None


def ascent_step(image, grad, network, objective, recipe, rng, weight=None):
    """One normalised gradient step, in place on image; grad is scratch of image's shape.

    The jitter is a circular shift of the tile grid instead of a shifted copy of the picture.
    """
    shift = (rng.randint(-recipe.jitter, recipe.jitter), rng.randint(-recipe.jitter, recipe.jitter))
    tile = max(recipe.tile_size, network.min_size)
    offset = (rng.randrange(tile), rng.randrange(tile))
    tile = step_tile(tuple(image.shape[-2:]), tile)
    gradient(image, network, objective, tile, offset, shift, out=grad)
    mean = torch.linalg.vector_norm(grad, 1) / grad.numel()  # mean |grad|, no temporary
    grad.mul_(recipe.step_size / mean.clamp_min(1e-30))  # a flat gradient: no move
    if weight is not None:
        grad.mul_(weight)
    image.add_(grad).clamp_(0.0, 1.0)


def step_tile(size, tile):
    """The tile side a step uses: the whole picture where its area is within
    WHOLE_PICTURE_TILES tiles of side tile, else tile."""
    if size[0] * size[1] <= WHOLE_PICTURE_TILES * tile * tile:
        return max(size)
    return tile


def gradient(image, network, objective, tile_size, offset=(0, 0), shift=(0, 0), out=None):
    """d objective / d normalised input of the picture rolled by shift, rolled back; tile by tile.

    Tiles are read from and written to the picture through wrapped indices, so the roll costs
    no copy of the picture and memory stays one tile deep. Each tile's objective is weighted by
    its share of the picture, so for objectives that are means over positions the tiles add up
    to the whole picture's objective. One tile for the whole picture is a plain roll instead
    (contiguous copies, cheaper than gathering through indices).
    """
    out = torch.empty_like(image) if out is None else out
    height, width = image.shape[-2:]
    if max(tile_size, network.min_size) >= max(height, width):
        rolled = network.normalise(torch.roll(image, shift, (2, 3))).detach().requires_grad_(True)
        grad = torch.autograd.grad(objective(network(rolled)), rolled)[0]
        return out.copy_(torch.roll(grad, (-shift[0], -shift[1]), (2, 3)))
    for rows in _tile_indices(height, tile_size, offset[0], shift[0], network, image.device):
        for cols in _tile_indices(width, tile_size, offset[1], shift[1], network, image.device):
            tile = image[:, :, rows[:, None], cols]
            tile = network.normalise(tile).detach().requires_grad_(True)
            share = float(len(rows) * len(cols)) / (height * width)
            loss = objective(network(tile)) * share
            out[:, :, rows[:, None], cols] = torch.autograd.grad(loss, tile)[0]
    return out


def _tile_indices(length, tile, offset, shift, network, device):
    """Picture indices of each tile along one side of the picture rolled by shift."""
    return [(torch.arange(start, stop, device=device) - shift) % length
            for start, stop in tile_spans(length, tile, offset, network.min_size)]


def tile_spans(length, tile, offset, minimum):
    """[(start, stop)] of equal tiles around a circle of length, the first starting at offset.

    As many tiles as a tile_size grid needs, all the same size (to the pixel), none shorter than
    minimum (what the network accepts): no slivers, and the same shapes at every step of an
    octave, which the convolution libraries' caches and autotuners reuse. A tile may run past
    length: it wraps around. One tile is the whole side, from 0.
    """
    count = max(1, min(-(-length // tile), length // minimum))
    if count == 1:
        return [(0, length)]
    cuts = [offset % length + (k * length) // count for k in range(count + 1)]
    return list(zip(cuts, cuts[1:]))


def octave_sizes(size, octaves, scale, minimum):
    """(height, width) of each octave, smallest first, the last the picture's own size.

    No side goes below the network's minimum: a small picture is dreamed enlarged, never refused.
    """
    def side(length, k):
        return max(minimum, int(round(length / scale ** k)))
    return [(side(size[0], k), side(size[1], k)) for k in reversed(range(octaves))]


def resize(image, size):
    """Bilinear resize of [N, C, H, W]; antialiased where it shrinks, so fine detail does not
    alias (enlarging needs no antialiasing, whose kernel would hold an extra partial copy)."""
    if tuple(image.shape[-2:]) == tuple(size):
        return image
    shrinks = any(new < old for new, old in zip(size, image.shape[-2:]))
    return F.interpolate(image, size=size, mode="bilinear", align_corners=False,
                         antialias=shrinks)


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
