"""Dreaming a sequence of frames so that the dream follows the motion instead of flickering.

Each frame after the first starts from its source plus coherence times the last frame's dreamed
detail (dream minus source), carried along the optical flow and left out where the flow cannot
be trusted (flow.py), and is then dreamed with fewer iterations, since it starts half-way there
(Ruder, Dosovitskiy & Brox's warm start for video style transfer, 2016). pytorch-deepdream's
linear blend of the whole last dreamed frame instead smears the dream wherever things move.

Frames stream through: only the last frame's gray source and its detail are held, so memory
does not grow with the length of the sequence. No torch here: frames are numpy arrays.
"""
import zlib

import numpy as np

from . import flow

# How much of a cold frame's iterations a fully coherent warm frame still takes.
WARM_FLOOR = 0.2
# DIS estimates no flow for frames narrower or lower than this (OpenCV fails on them): such
# frames are dreamed each on its own, as with coherence 0.
MIN_FLOW_SIDE = 12
TOO_SMALL_TEXT = ("The frames are %d x %d pixels, too small to follow the motion (at least %d "
                  "on a side): each frame is dreamed on its own, so the animation may flicker.")


def follows_motion(rgb):
    """Whether a frame is large enough for the optical flow."""
    return min(rgb.shape[:2]) >= MIN_FLOW_SIDE


def warm_iterations(iterations, coherence):
    """Iterations per octave for a frame that starts from the last frame's carried detail: the
    more of it it starts from, the fewer it needs (coherence 0: as many as a cold frame)."""
    return max(1, int(round(iterations * (1.0 - (1.0 - WARM_FLOOR) * coherence))))


def frame_seed(seed, index):
    """Each frame's own seed from (seed, frame index): a frame comes out the same however the
    sequence is split up or resumed, and neighbouring seeds do not share frames."""
    return zlib.crc32(("%d/%d" % (seed, index)).encode("ascii")) & 0x7FFFFFFF


class Sequence(object):
    """The state carried from frame to frame: the last source's gray and its dreamed detail.

    start(rgb) gives (the picture a frame starts from, H x W x 3 float 0..1; whether it is warm;
    the frame's gray for the next flow); finish(gray, rgb, dreamed) records what it became.
    """

    def __init__(self, coherence):
        self.coherence = coherence
        self.gray = None
        self.detail = None

    def start(self, rgb):
        gray = flow.gray8(rgb)
        if (self.coherence <= 0 or self.detail is None or self.detail.shape != rgb.shape
                or not follows_motion(rgb)):
            return rgb, False, gray
        carried = flow.carry(self.detail, self.gray, gray)
        carried *= self.coherence
        carried += rgb
        return np.clip(carried, 0.0, 1.0, out=carried), True, gray

    def finish(self, gray, rgb, dreamed):
        self.gray = gray
        self.detail = None if self.coherence <= 0 else (dreamed - rgb).astype(np.float32)
