"""Random transformations applied before each step of a visualisation.

Transformation robustness (lucent's transform.py): an image that still excites the network
after being shifted, scaled and turned a little has real structure rather than adversarial
high-frequency noise. Each factory takes its settings and returns a tensor -> tensor function
on [N, C, H, W] images; `compose` chains them. All draw from one torch.Generator for seeding.
"""
import math

import torch
import torch.nn.functional as F


def compose(*transforms):
    def apply(image):
        for transform in transforms:
            image = transform(image)
        return image
    return apply


def _choice(options, generator):
    return options[int(torch.randint(len(options), (1,), generator=generator))]


def pad(width):
    """Grey border, so shifts and turns never show the image's own edge as a hard line."""
    return lambda image: F.pad(image, [width] * 4, mode="constant", value=0.5)


def jitter(distance, generator=None):
    """Shift by up to `distance` pixels, wrapping around (the original DeepDream jitter)."""
    def apply(image):
        if distance <= 0:
            return image
        dy, dx = (int(v) for v in torch.randint(-distance, distance + 1, (2,), generator=generator))
        return torch.roll(image, shifts=(dy, dx), dims=(2, 3))
    return apply


def _affine(image, scale, degrees, shift=(0.0, 0.0)):
    """Zoomed by scale and turned by degrees about the centre, then moved by shift (x, y)
    pixels: the view moves that way, so the picture moves the other."""
    angle = math.radians(degrees)
    cos, sin = math.cos(angle) / scale, math.sin(angle) / scale
    height, width = image.shape[-2:]
    across, down = 2.0 * shift[0] / width, 2.0 * shift[1] / height  # in grid units (-1..1)
    theta = torch.tensor([[cos, -sin, across], [sin, cos, down]], dtype=image.dtype,
                         device=image.device)
    grid = F.affine_grid(theta.expand(image.shape[0], 2, 3), list(image.shape), align_corners=False)
    return F.grid_sample(image, grid, mode="bilinear", padding_mode="reflection", align_corners=False)


def random_scale(scales, generator=None):
    return lambda image: _affine(image, _choice(scales, generator), 0.0)


def random_rotate(degrees, generator=None):
    return lambda image: _affine(image, 1.0, _choice(degrees, generator))


def zoom_and_rotate(zoom, degrees, pan=(0.0, 0.0)):
    """Zoom into the centre by `zoom`, turn by `degrees` and pan by (x, y) pixels: one frame of
    the endless dive (a pan alone is pytorch-deepdream's "translation" ouroboros)."""
    return lambda image: _affine(image, zoom, degrees, pan)


def robustness(side, generator=None):
    """lucent's standard_transforms (made for 224-pixel pictures), with shifts in proportion to
    the picture's side so a small picture is not shifted off its own canvas."""
    unit = max(1, int(round(side / 56.0)))
    return compose(
        pad(3 * unit),
        jitter(2 * unit, generator),
        random_scale([1 + (i - 5) / 50.0 for i in range(11)], generator),
        random_rotate(list(range(-10, 11)) + 5 * [0], generator),
        jitter(unit, generator),
    )
