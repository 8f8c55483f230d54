"""The channel gallery: a small picture of what each channel of a layer paints, to pick one by eye.

lucid's feature visualisation, batched: BATCH pictures are optimised at once, picture b raising
the mean activation of channel b, through the natural-image prior (param.py) and the random
transformations visualisation uses (transforms.py). Each finished batch is written at once to the
layer's cache folder in the data folder, so a build made once per machine, network and layer is
kept, and a cancelled build resumes where it stopped. With random weights the pictures are noise.
"""
import math
import os

import numpy as np
import torch

from . import param, paths, transforms, visualize
from .errors import Cancelled
from .param import fourier_image

TILE = 64  # pixels on a side of each channel's picture
STEPS = 24  # optimisation steps per batch
BATCH = 64  # channels optimised at once
LABEL = 12  # pixels under each picture for its channel number
COLUMNS = 16
# Adam's step for the gallery's few steps: 4 times visualize's for a tenth of its steps. Measured
# with trained Lite0 (blocks.10, 64 channels, docs/class-visualisation.md): at visualize's 0.05 the
# tiles stayed grey (colourfulness 14, RMS contrast 20), at 0.2 they are vivid (43 and 59).
LEARNING_RATE = 0.2


def cache_dir(model, layer, weights, tile=TILE, steps=STEPS):
    """Where one layer's pictures are kept: a folder per network, layer, weights (the file's
    name, or "random") and recipe, the prior's gain and the step included (a gallery kept from
    another prior is made again, not shown)."""
    name = "%s-%s-%s-%dpx-%dsteps-gain%g-lr%g" % (model, layer, weights, tile, steps,
                                                 param.SPECTRUM_GAIN, LEARNING_RATE)
    return os.path.join(paths.data_dir(), "gallery", name)


def pictures(network, layer, folder, progress=None, should_stop=None, tile=TILE, steps=STEPS,
             batch=BATCH, seed=0, build=True):
    """[C, tile, tile, 3] uint8: channel c's picture at index c, from folder where a batch was
    already made, else optimised and written there (a cancel keeps the batches done). With
    build False, None unless every batch is kept."""
    count = network.channels[layer]
    starts = list(range(0, count, batch))
    paths_ = [os.path.join(folder, "channels-%04d-%04d.npy" % (start, min(count, start + batch)))
              for start in starts]
    if not build and not all(os.path.exists(path) for path in paths_):
        return None
    done = []
    for number, (start, path) in enumerate(zip(starts, paths_)):
        if not os.path.exists(path):
            chunk = _optimise(network, layer, list(range(start, min(count, start + batch))),
                              tile, steps, seed + start, _batch_progress(progress, number,
                                                                         len(starts)),
                              should_stop)
            _save(path, chunk)
        done.append(np.load(path))
        if progress is not None:
            progress(float(number + 1) / len(starts),
                     "channels %d-%d of %d" % (start, start + len(done[-1]) - 1, count), None)
    return np.concatenate(done)


def _batch_progress(progress, number, batches):
    if progress is None:
        return None
    return lambda fraction, stage, eta: progress((number + fraction) / batches,
                                                 "batch %d of %d, %s" % (number + 1, batches,
                                                                         stage), None)


def _optimise(network, layer, channels, tile, steps, seed, progress, should_stop):
    """[len(channels), tile, tile, 3] uint8: one picture per channel, optimised together."""
    device = network.mean.device
    generator = torch.Generator().manual_seed(seed)
    params, render = fourier_image(tile, tile, generator=generator, device=device,
                                   batch=len(channels))
    robust = transforms.robustness(tile, generator)
    optimiser = torch.optim.Adam(params, lr=LEARNING_RATE)
    index = torch.arange(len(channels), device=device)
    wanted = torch.tensor(channels, device=device)
    for step in range(steps):
        if should_stop is not None and should_stop():
            raise Cancelled()
        optimiser.zero_grad()
        seen = visualize.at_least(robust(render()), network.min_size)
        activations = network(network.normalise(seen))[layer]
        # each picture raises its own channel: the sum keeps their gradients apart
        (-activations[index, wanted].float().mean(dim=(1, 2)).sum()).backward()
        optimiser.step()
        if progress is not None:
            progress(float(step + 1) / steps, "step %d of %d" % (step + 1, steps), None)
    with torch.no_grad():
        rgb = render().clamp(0, 1).mul(255).round().byte()
    return rgb.permute(0, 2, 3, 1).cpu().numpy()


def _save(path, chunk):
    """Written whole or not at all: a build killed mid-write leaves no half batch behind."""
    if not os.path.isdir(os.path.dirname(path)):
        os.makedirs(os.path.dirname(path))
    partial = path + ".partial"
    with open(partial, "wb") as handle:
        np.save(handle, chunk)
    os.replace(partial, path)


def grid(tiles, columns=COLUMNS):
    """(H x W x 3 uint8 picture, cell size): the tiles in rows of columns, each with its channel
    number in a strip below it. Channel c sits at row c // columns, column c % columns."""
    from PIL import Image, ImageDraw
    count, tile = tiles.shape[0], tiles.shape[1]
    columns = min(columns, count)
    rows = int(math.ceil(count / float(columns)))
    cell = (tile, tile + LABEL)
    sheet = Image.new("RGB", (columns * cell[0], rows * cell[1]), (24, 24, 24))
    draw = ImageDraw.Draw(sheet)
    for channel in range(count):
        x, y = (channel % columns) * cell[0], (channel // columns) * cell[1]
        sheet.paste(Image.fromarray(tiles[channel]), (x, y))
        draw.text((x + 2, y + tile), str(channel), fill=(235, 235, 235))
    return np.asarray(sheet).copy(), cell

