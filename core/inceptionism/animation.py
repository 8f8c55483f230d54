"""What both GIMPs need to dream an image's layers as the frames of an animation.

GIMP's animations are layer stacks: one layer per frame, the bottom layer first, each frame's
time and disposal in its name ("Frame 2 (80ms) (replace)"), which GIF and WebP export read. The
dreamed frames keep those names, so the new image exports with the same timings. Standard library
only, Python 2.7 and 3.x; knows nothing about GIMP: the front ends describe their layers here.
"""
from collections import namedtuple

from . import errors

# A layer of the image as a frame: its name, size, offsets (x, y) and whether it is a group.
Frame = namedtuple("Frame", "name width height offsets is_group")


def check_frames(frames):
    """Raise bad-input, in the artist's words, unless frames (bottom first) make an animation:
    two or more plain layers of one size at one place."""
    if len(frames) < 2:
        raise _bad_input(u"This image has one layer, so it is one frame. Dream animation dreams "
                         u"every layer as a frame (the bottom layer first); open an animation "
                         u"(a GIF, or File \u25b8 Open as Layers), or use Dream for one picture.")
    for frame in frames:
        if frame.is_group:
            raise _bad_input(u"\u201c%s\u201d is a layer group; the frames of an animation are "
                             u"plain layers. Merge the group into one layer (Layer \u25b8 Merge "
                             u"Down) or move its layers out of it." % frame.name)
    first = frames[0]
    for frame in frames[1:]:
        if (frame.width, frame.height, tuple(frame.offsets)) != (
                first.width, first.height, tuple(first.offsets)):
            raise _bad_input(
                u"Frame \u201c%s\u201d is %s but the first frame \u201c%s\u201d is %s: every "
                u"frame must have the same size and place. Use Layer \u25b8 Layer to Image Size "
                u"on each layer." % (frame.name, _where(frame), first.name, _where(first)))


def progress_title(count):
    return u"Dream animation\u2026 %d frames" % count


def kept(exc, done, count):
    """exc, saying first that the done frames are kept, for an animation that stopped early
    (cancelled, or the engine died): the new image holds them."""
    if not done or not isinstance(exc, errors.InceptionismError):
        return exc
    return errors.from_code(exc.code, u"%d of %d frames were dreamed and are kept in the new "
                            u"image. %s" % (done, count, exc.message), exc.detail)


def _where(frame):
    return u"%d\u00d7%d at (%d, %d)" % ((frame.width, frame.height) + tuple(frame.offsets))


def _bad_input(message):
    return errors.InceptionismError("bad-input", message)
