"""Pixels in every shape GIMP and the command line use, and the one form the dream works on.

Everything arrives as an interleaved H x W x C numpy array (C: 1 gray, 2 gray+alpha, 3 RGB,
4 RGBA; uint8, uint16 or float32; sRGB-encoded). The dream works on a float32 RGB tensor
[1, 3, H, W] in 0..1; alpha is kept aside and comes back untouched, and the result goes back to
the SAME channels and dtype, so a gray 16-bit layer stays a gray 16-bit layer.

torch is imported by the functions that make tensors: reading a file, and refusing one over the
pixel budget, stays clear of its 0.5 GB.
"""
import os
import struct
import zlib
from collections import namedtuple

import numpy as np
from PIL import Image

from . import outputs
from .errors import InceptionismError

# Full-scale value of each sample type: sRGB 0..1 is stored as 0..255, 0..65535 or 0.0..1.0.
FULL_SCALE = {np.dtype(np.uint8): 255.0, np.dtype(np.uint16): 65535.0, np.dtype(np.float32): 1.0}

# The wire's names for the sample types (always little-endian on the wire).
WIRE_DTYPES = {"u8": np.dtype("u1"), "u16": np.dtype("<u2"), "f32": np.dtype("<f4")}

# Rec. 709 luma weights: sRGB shares its primaries, and GIMP's "Luma" desaturation uses them.
LUMA = (0.2126, 0.7152, 0.0722)

# How to turn the working RGB back into the caller's pixels: channel count, dtype, alpha plane.
Source = namedtuple("Source", "channels dtype alpha")


def check_pixels(pixels, what="image"):
    """Raise bad-input, in plain words, unless pixels is an H x W x C array the engine takes."""
    if not isinstance(pixels, np.ndarray) or pixels.ndim != 3:
        raise InceptionismError("bad-input", "The %s must have rows, columns and channels." % what)
    height, width, channels = pixels.shape
    if height < 1 or width < 1:
        raise InceptionismError("bad-input", "The %s is empty (%d x %d pixels)."
                                % (what, width, height))
    if channels not in (1, 2, 3, 4):
        raise InceptionismError("bad-input", "The %s has %d channels; gray, gray+alpha, RGB or "
                                "RGBA (1 to 4) can be dreamed on." % (what, channels))
    if pixels.dtype not in FULL_SCALE:
        raise InceptionismError("bad-input", "The %s has %s samples; 8-bit, 16-bit or 32-bit float "
                                "pictures can be dreamed on." % (what, pixels.dtype))


def to_working(pixels):
    """(rgb [1, 3, H, W] float32 0..1, Source) for an H x W x C array.

    The samples are converted straight into planes and scaled in place: one float copy of the
    picture at any time (a large picture's memory is counted in copies: docs/performance.md).
    """
    check_pixels(pixels)
    height, width, channels = pixels.shape
    colour_count = 1 if channels <= 2 else 3
    colour = np.empty((colour_count, height, width), np.float32)
    np.copyto(colour, pixels[:, :, :colour_count].transpose(2, 0, 1), casting="unsafe")
    colour /= FULL_SCALE[pixels.dtype]
    np.clip(colour, 0.0, 1.0, out=colour)
    alpha = pixels[:, :, colour_count:].copy() if channels in (2, 4) else None
    import torch
    rgb = torch.from_numpy(colour).unsqueeze(0)
    rgb = rgb.expand(1, 3, -1, -1).contiguous() if colour_count == 1 else rgb
    return rgb, Source(channels, pixels.dtype, alpha)


def from_working(rgb, source):
    """The H x W x C array of the source's kind for a working [1, 3, H, W] tensor."""
    colour = rgb.detach()[0].permute(1, 2, 0).cpu().numpy()  # encode() clips
    if source.channels <= 2:
        colour = luminance(colour)
    planes = [encode(colour, source.dtype)]
    if source.alpha is not None:
        planes.append(source.alpha)
    return np.concatenate(planes, axis=2)


def luminance(rgb):
    """H x W x 1 luma of an H x W x 3 array (works on sRGB-encoded values, as GIMP does)."""
    return (rgb[:, :, 0:1] * LUMA[0] + rgb[:, :, 1:2] * LUMA[1] + rgb[:, :, 2:3] * LUMA[2])


def encode(values, dtype):
    """Float 0..1 values as samples of dtype, rounded to the nearest level (values untouched)."""
    dtype = np.dtype(dtype)
    scaled = np.clip(values, 0.0, 1.0)  # a new array, scaled and rounded in place
    scaled *= FULL_SCALE[dtype]
    if dtype == np.float32:
        return scaled.astype(np.float32, copy=False)
    return np.rint(scaled, out=scaled).astype(dtype)


def preserve_colors(source, dreamed):
    """The source's colours with the dream's brightness: only the luma changes.

    Adding the luma difference to every channel keeps each pixel's chroma (R-Y, B-Y) as it was,
    the usual "luminance only" blend, on [1, 3, H, W] tensors.
    """
    import torch
    weights = torch.tensor(LUMA, dtype=source.dtype, device=source.device).view(1, 3, 1, 1)
    change = ((dreamed - source) * weights).sum(dim=1, keepdim=True)
    return (source + change).clamp(0.0, 1.0)


def mask_plane(mask, height, width):
    """A [1, 1, H, W] float tensor 0..1 from an H x W (or H x W x 1) mask of any sample type."""
    mask = np.asarray(mask)
    if mask.ndim == 3 and mask.shape[2] == 1:
        mask = mask[:, :, 0]
    if mask.shape != (height, width):
        raise InceptionismError("bad-input", "The mask is %s pixels but the image is %d x %d."
                                % (" x ".join(str(n) for n in mask.shape[::-1]), width, height))
    scale = FULL_SCALE.get(mask.dtype, 1.0)
    values = np.clip(mask.astype(np.float32) / scale, 0.0, 1.0)
    import torch
    return torch.from_numpy(values)[None, None]


def blend(original, dreamed, mask):
    """original where mask is 0, dreamed where it is 1, a mix between; exact where mask is 0."""
    weight = mask[0, 0].cpu().numpy().astype(np.float64)[:, :, None]
    mixed = original.astype(np.float64) * (1.0 - weight) + dreamed.astype(np.float64) * weight
    if original.dtype == np.float32:
        return mixed.astype(np.float32)
    return np.rint(mixed).astype(original.dtype)


# --- bytes on the wire -------------------------------------------------------------------------

def wire_dtype(array):
    """The wire's name ("u8", "u16", "f32") for an array's sample type."""
    for name, dtype in WIRE_DTYPES.items():
        if dtype.kind == array.dtype.kind and dtype.itemsize == array.dtype.itemsize:
            return name
    raise InceptionismError("bad-input", "Samples of type %s cannot be sent." % array.dtype)


def from_bytes(data, width, height, channels, dtype):
    """An H x W x C native-endian array from little-endian interleaved bytes."""
    if dtype not in WIRE_DTYPES:
        raise InceptionismError("bad-input", "Unknown sample type %r; use one of %s."
                                % (dtype, ", ".join(sorted(WIRE_DTYPES))))
    wire = WIRE_DTYPES[dtype]
    expected = width * height * channels * wire.itemsize
    if len(data) != expected:
        raise InceptionismError("bad-input", "Expected %d bytes for %d x %d x %d %s pixels, got %d."
                                % (expected, width, height, channels, dtype, len(data)))
    array = np.frombuffer(data, dtype=wire).reshape(height, width, channels)
    return array.astype(wire.newbyteorder("="))


NON_FINITE_TEXT = ("%d samples of the picture were not numbers (NaN) or infinite; they were "
                   "dreamed on as black (NaN, -infinity) or full white (+infinity)")


def replace_non_finite(pixels):
    """Replace NaN and -inf float samples by 0 and +inf by full scale, in place, as an artist
    would expect of an unpainted or overexposed sample; returns how many there were (one NaN
    would otherwise spread through the whole dream)."""
    if pixels.dtype.kind != "f":
        return 0
    bad = ~np.isfinite(pixels)
    count = int(np.count_nonzero(bad))
    if count:
        np.nan_to_num(pixels, copy=False, nan=0.0, posinf=FULL_SCALE[np.dtype(np.float32)],
                      neginf=0.0)
    return count


def to_bytes(array):
    """Little-endian interleaved bytes of an H x W x C array."""
    return np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()


# --- files for the command line ----------------------------------------------------------------

_PIL_MODES = {"L": 1, "LA": 2, "RGB": 3, "RGBA": 4}

# The most pixels a picture file, an animation's screen or a video frame may have: 64 megapixels
# (8000 x 8000; a 61-megapixel camera's photo fits). Checked from the file's header before
# anything is decoded, so a file of a few bytes that claims 11000 x 11000 costs no memory;
# one such picture takes 0.75 GB as the dream's float copy and 3.5 GB to dream
# (docs/animation.md, "The pixel budget").
PIXEL_BUDGET = 64 * 1000 * 1000


def check_budget(width, height, path):
    """bad-input, naming the file, when a picture of width x height is over PIXEL_BUDGET."""
    if width * height > PIXEL_BUDGET:
        raise InceptionismError("bad-input", "%s is %d x %d pixels (%.0f megapixels); pictures "
                                "of at most %d megapixels are read." % (
                                    path, width, height, width * height / 1e6,
                                    PIXEL_BUDGET // 1000000))


def open_picture(path, data=None):
    """Pillow's lazy picture of path (or of its bytes, data), its size checked against the
    budget before any pixel is decoded (Pillow's own bomb limit only warns below 179 MP)."""
    import io
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            picture = Image.open(io.BytesIO(data) if data is not None else path)
        except Image.DecompressionBombError:
            picture = None
    if picture is None:
        raise InceptionismError("bad-input", "%s is too many pixels to read (over %d megapixels)."
                                % (path, PIXEL_BUDGET // 1000000))
    try:
        check_budget(picture.size[0], picture.size[1], path)
    except InceptionismError:
        picture.close()
        raise
    return picture


def picture_size(path):
    """(width, height) of a picture file, from its header alone (within the budget)."""
    with open(path, "rb") as handle:
        size = _png_size(handle.read(PNG_HEADER_BYTES), path)
    if size:
        return size
    with open_picture(path) as picture:
        return picture.size


PNG_HEADER_BYTES = 25  # the signature and IHDR up to the bit depth


def _png_size(head, path):
    """(width, height) from a PNG's IHDR, checked against the budget; None for another kind
    (torchvision decodes 16-bit PNGs without a limit of its own, so this is the only one)."""
    if not head.startswith(b"\x89PNG\r\n\x1a\n") or len(head) < PNG_HEADER_BYTES:
        return None
    width, height = struct.unpack(">II", head[16:24])
    check_budget(width, height, path)
    return width, height


def read_image(path, handle=None):
    """An H x W x C array from a picture file (or from handle, open on it); 16-bit PNGs keep
    their 16 bits. bad-input when the header says more than PIXEL_BUDGET pixels."""
    if handle is None:
        with open(path, "rb") as own:
            return read_image(path, own)
    data = handle.read()
    if _png_size(data, path) and data[24:25] == b"\x10":  # IHDR bit depth 16
        return _read_16bit_png(data)
    with open_picture(path, data) as picture:
        if picture.mode in ("I;16", "I;16L", "I;16B"):
            return np.array(picture).astype(np.uint16)[:, :, None]
        if picture.mode == "1":
            picture = picture.convert("L")
        elif picture.mode not in _PIL_MODES:
            picture = picture.convert("RGBA" if picture.has_transparency_data else "RGB")
        pixels = np.array(picture)
    return pixels[:, :, None] if pixels.ndim == 2 else pixels


def _read_16bit_png(data):
    """Pillow reduces 16-bit colour PNGs to 8 bits; torchvision's libpng binding keeps them.

    (torchvision 0.29 marks its image codecs deprecated in favour of torchcodec; while they
    exist they are the one 16-bit PNG decoder this engine already depends on.)
    """
    import warnings
    import torch
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from torchvision.io import ImageReadMode, decode_png
        tensor = decode_png(torch.frombuffer(bytearray(data), dtype=torch.uint8),
                            ImageReadMode.UNCHANGED)
    return tensor.permute(1, 2, 0).contiguous().numpy()


def write_image(path, pixels):
    """Write an H x W x C array (never through a link at path); 16-bit and float pictures are
    written as 16-bit PNG."""
    check_pixels(pixels)
    if pixels.dtype == np.uint8:
        mode = [m for m, c in _PIL_MODES.items() if c == pixels.shape[2]][0]
        picture = Image.fromarray(pixels[:, :, 0] if pixels.shape[2] == 1 else pixels, mode)
        save_picture(path, picture)
        return
    if not path.lower().endswith(".png"):
        raise InceptionismError("bad-input", "16-bit and float pictures can only be saved as PNG; "
                                "name the output file something.png.")
    if pixels.dtype == np.float32:
        pixels = encode(pixels, np.uint16)
    with outputs.open_new(path) as handle:
        handle.write(png_16bit(pixels))


def write_animation(path, frames, frame_ms):
    """An endlessly looping animated GIF of H x W x C frames, each shown frame_ms milliseconds."""
    rgb8 = Source(3, np.dtype(np.uint8), None)
    pictures = [Image.fromarray(from_working(to_working(frame)[0], rgb8), "RGB") for frame in frames]
    save_picture(path, pictures[0], save_all=True, append_images=pictures[1:], duration=frame_ms,
                 loop=0)


def save_picture(path, picture, **options):
    """Pillow's save into a file made at path without following a link, in the format path's
    suffix names."""
    picture_format = check_picture_name(path)
    with outputs.open_new(path) as handle:
        picture.save(handle, format=picture_format, **options)


def check_picture_name(path):
    """The format Pillow writes for path's suffix; bad-settings for a suffix it does not know."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in Image.registered_extensions():
        raise InceptionismError("bad-settings", "Cannot write %s: %s is not a kind of picture "
                                "(name it something.png, .jpg, .tif ...)."
                                % (path, suffix or "a name without a suffix"))
    return Image.registered_extensions()[suffix]


def png_16bit(pixels):
    """PNG bytes for an H x W x C uint16 array (Pillow cannot write 16-bit colour)."""
    height, width, channels = pixels.shape
    colour_type = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    rows = np.ascontiguousarray(pixels, dtype=">u2").view(np.uint8).reshape(height, -1)
    scanlines = np.concatenate([np.zeros((height, 1), np.uint8), rows], axis=1)  # filter 0: none

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 16, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(scanlines.tobytes(), 6)) + chunk(b"IEND", b""))
