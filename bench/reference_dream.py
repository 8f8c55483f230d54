"""The plain reference: the original DeepDream recipe with no speed tricks, to measure against.

google/deepdream's dream.ipynb, step for step, in plain torch, in fp32, in the default contiguous
memory format, with a fresh tensor for every intermediate. The network stops at the dreamed
layer, as the notebook's Caffe net.forward(end=layer) does (cut=True: the fair reference); with
cut=False it runs to its classifier and a forward hook keeps the layer (the earlier, flattering
reference, kept as a second column). The engine's optimised path (core/inceptionism/dream.py,
models.py) must reach the same objective faster.

The notebook dreams the whole picture at once; the engine's recipe takes each gradient tile by
tile (TensorFlow's tutorial), and tiles change the climb by themselves: at 1024² a dream in
512-pixel tiles reaches about 8 % more than one on the whole picture, whatever the network's
speed tricks. So the benchmark's reference tiles too (tiled=True): same recipe, no tricks.
"""
import argparse
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "core"))

from inceptionism import catalogue, models  # noqa: E402
from inceptionism.dream import step_tile, tile_spans  # noqa: E402


class _Reached(Exception):
    """Raised by the dreamed layer's hook to stop the forward pass there (forward(end=layer))."""

    def __init__(self, activations):
        Exception.__init__(self)
        self.activations = activations


class ReferenceNetwork(object):
    """The network, contiguous fp32, giving one layer's activations on each call: stopped at
    that layer (cut, the notebook's forward(end=layer)) or run to its classifier."""

    def __init__(self, model, full_network, layer, cut=True):
        self.network = full_network.to(memory_format=torch.contiguous_format)
        device = next(full_network.parameters()).device
        mean, std = models.normalisation(model)
        self.mean = torch.tensor(mean, device=device).view(1, 3, 1, 1)
        self.std = torch.tensor(std, device=device).view(1, 3, 1, 1)
        self.min_size = catalogue.network(model).min_size
        self.layer = layer
        module = self.network.get_submodule(catalogue.layer_of(model, layer).module)
        module.register_forward_hook(self._stop if cut else self._keep)
        self._seen = {}

    def _stop(self, module, inputs, output):
        raise _Reached(output)

    def _keep(self, module, inputs, output):
        self._seen["acts"] = output

    def activations(self, pixels):
        """The layer's activations for sRGB 0..1 pixels."""
        try:
            self.network((pixels - self.mean) / self.std)
        except _Reached as reached:
            return reached.activations
        return self._seen.pop("acts")

    def objective(self, pixels):
        """Mean squared activation of the layer for sRGB 0..1 pixels (notebook's objective_L2)."""
        return (self.activations(pixels) ** 2).mean()

    def jittered_objective(self, pixels, jitter, views=8):
        """The objective averaged over views of the picture shifted by up to jitter pixels: what
        a jittered dream climbs. (A network's stride grid makes the objective of one view
        depend on where the grid falls, a random network's very much so.)"""
        rng = random.Random(views)
        with torch.no_grad():
            return sum(self.objective(torch.roll(pixels, (rng.randint(-jitter, jitter),
                                                          rng.randint(-jitter, jitter)), (2, 3)))
                       for _ in range(views)).item() / views


def make_step(image, network, step_size, jitter, rng, tile_size, tiled=False):
    """The notebook's make_step: jitter, gradient, normalised ascent, un-jitter, clip.

    tiled: the gradient tile by tile (TensorFlow's DeepDream tutorial, calc_grad_tiled), the
    picture rolled so that the tile grid starts at a random offset: what the engine does.
    Untiled, the offsets are drawn all the same, so a seed gives the same jitter either way.
    """
    dy, dx = rng.randint(-jitter, jitter), rng.randint(-jitter, jitter)
    offsets = rng.randrange(tile_size), rng.randrange(tile_size)
    tiled = tiled and step_tile(tuple(image.shape[-2:]), tile_size) < max(image.shape[-2:])
    if not tiled:
        shifted = torch.roll(image, (dy, dx), dims=(2, 3)).detach().requires_grad_(True)
        network.objective(shifted).backward()
        grad = torch.roll(shifted.grad, (-dy, -dx), dims=(2, 3))
        return (image + step_size / grad.abs().mean() * grad).clamp(0.0, 1.0)
    # the engine's tile grid from 0; the reference rolls the picture to the offset instead
    rows, cols = (tile_spans(side, tile_size, 0, network.min_size) for side in image.shape[-2:])
    oy, ox = (offset if len(spans) > 1 else 0 for offset, spans in zip(offsets, (rows, cols)))
    shifted = torch.roll(image, (dy - oy, dx - ox), dims=(2, 3)).detach()
    grad = torch.zeros_like(shifted)
    area = float(image.shape[-2] * image.shape[-1])
    for top, bottom in rows:
        for left, right in cols:
            tile = shifted[:, :, top:bottom, left:right].clone().requires_grad_(True)
            (network.objective(tile) * ((bottom - top) * (right - left) / area)).backward()
            grad[:, :, top:bottom, left:right] = tile.grad
    grad = torch.roll(grad, (oy - dy, ox - dx), dims=(2, 3))
    return (image + step_size / grad.abs().mean() * grad).clamp(0.0, 1.0)


def reference_dream(image, network, octaves=4, octave_scale=1.4, iterations=10, step_size=0.01,
                    jitter=32, seed=0, tile_size=512, tiled=False):
    """The notebook's deepdream(): octaves carry only the added detail up to the next scale.

    tiled: each step's gradient tile by tile, as the engine's recipe has it (see make_step).
    Untiled, the random numbers for the engine's tile offsets (tile_size) are drawn all the
    same, so that the same seed gives both the same jitter.
    """
    rng = random.Random(seed)
    height, width = image.shape[-2:]
    sizes = [(max(network.min_size, int(round(height / octave_scale ** k))),
              max(network.min_size, int(round(width / octave_scale ** k))))
             for k in reversed(range(octaves))]
    detail = image.new_zeros(1, 3, *sizes[0])
    for size in sizes:
        base = _resize(image, size)
        dreamed = base + _resize(detail, size)
        for _ in range(iterations):
            dreamed = make_step(dreamed, network, step_size, jitter, rng, tile_size, tiled)
        detail = dreamed - base
    return _resize(dreamed, (height, width)).detach()


def _resize(image, size):
    return F.interpolate(image, size=size, mode="bilinear", align_corners=False, antialias=True)


def main():
    """The reference as a whole process, to time against `inceptionism dream` from outside:
    python bench/reference_dream.py IN.png OUT.png [--whole] [--tiled] [--iterations 10]
    (random GoogLeNet weights, the default dream's inception4c and numbers)."""
    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("--whole", action="store_true", help="run to the classifier")
    parser.add_argument("--tiled", action="store_true", help="512-pixel tiles, as the engine")
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from inceptionism import images, settings
    started = time.monotonic()
    values = settings.defaults("dream")
    image, kind = images.to_working(images.read_image(args.source))
    network = ReferenceNetwork(values["model"], models.build(values["model"], random_weights=True),
                               values["layer"], cut=not args.whole)
    dreamed = reference_dream(image, network, values["octaves"], values["octave-scale"],
                              args.iterations, values["step-size"], values["jitter"], args.seed,
                              max(values["tile-size"], network.min_size), args.tiled)
    images.write_image(args.target, images.from_working(dreamed, kind))
    print("%.2f s" % (time.monotonic() - started))


if __name__ == "__main__":
    main()
