"""The endless zoom dive: "we must go deeper".

Dream on a picture, zoom a little into its centre (optionally turning and panning), dream again
on the result, and so on (the Inceptionism article's feedback loop; google/deepdream's last cell).
Every frame is handed to on_frame as soon as it is done, so a cancelled dive keeps what it made.
"""
import torch

from . import transforms


def noise_start(height, width, seed=0):
    """Grey with a little noise: what the article's dives from nothing start from."""
    generator = torch.Generator().manual_seed(seed)
    return (0.5 + 0.1 * torch.randn((1, 3, height, width), generator=generator)).clamp(0.0, 1.0)


def zoom_dive(start, dream_frame, frames, zoom, degrees, on_frame, pan=(0.0, 0.0)):
    """dream_frame(index, picture) -> dreamed picture; on_frame(index, picture) after each frame;
    pan: (x, y) pixels the view moves each frame."""
    advance = transforms.zoom_and_rotate(zoom, degrees, pan)
    picture = start
    for index in range(frames):
        picture = dream_frame(index, picture)
        on_frame(index, picture)
        picture = advance(picture)
