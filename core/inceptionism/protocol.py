"""Frames between the plug-in's client and the engine's worker: a JSON header plus raw bytes.

Standard library only, Python 2.7 and 3.x: the GIMP plug-ins import it. A frame is a 16-byte
prefix struct.pack(">4sIQ", b"INC1", json_length, payload_length), the UTF-8 JSON header (an
object with a "type"), then the payload (pixels, unencoded, so large images cost one copy).
No pickle and no network port: the worker only ever reads frames from its own stdin.

Neither side trusts what it reads: every header field read here is type- and bounds-checked
before it is used, a payload must be exactly what the header's image describes (none without
one), and payloads are read in bounded chunks, so a frame that only declares a huge size costs
nothing. A frame whose prefix was sound but whose header is not is skipped as a whole (BadFrame):
the stream stays in step and the sender gets an error for that frame alone.
"""
import json
import struct

from . import errors, settings

MAGIC = b"INC1"
PREFIX = struct.Struct(">4sIQ")
MAX_JSON_BYTES = 16 << 20
MAX_PAYLOAD_BYTES = 16 << 30
MAX_SIDE = 1 << 19  # GIMP's own largest image side
# The most pixels an image sent to the engine may have: 268 megapixels (16384 x 16384). The
# engine dreamed 64 megapixels in 3.5 GB, 0.9 GB of it before the dream (docs/performance.md),
# about 40 bytes a pixel: 268 megapixels want about 12 GB, with up to 4.3 GB more for the
# request's own bytes (32-bit float RGBA), a 32 GB workstation's memory. Checked before the
# payload is read (docs/animation.md, "The pixel budget").
MAX_PIXELS = 1 << 28
MAX_TYPE_CHARS = 64
MAX_ID = 1 << 53  # ids stay exact in every JSON reader
ECHO_CHARS = 200  # at most this much of anything the other side sent is echoed in messages
SETTINGS_MESSAGE_CHARS = 1000  # a setting's message may list every choice (all the layers)
CHUNK_BYTES = 1 << 20

# Bytes per sample of each pixel dtype on the wire (little-endian).
DTYPE_BYTES = {"u8": 1, "u16": 2, "f32": 4}

try:
    _TEXT = (str, unicode)  # noqa: F821  (Python 2.7)
    _INTEGERS = (int, long)  # noqa: F821
except NameError:
    _TEXT, _INTEGERS = (str,), (int,)


class ProtocolError(errors.InceptionismError):
    """The other side sent something that is not a frame; the detail says what."""

    def __init__(self, detail):
        errors.InceptionismError.__init__(self, "protocol", None, detail)


class BadFrame(ProtocolError):
    """A whole frame was read, but its header is unusable: error (an InceptionismError) says
    why, request_id is the frame's id when it had a usable one. The stream is still in step."""

    def __init__(self, error, request_id=None):
        ProtocolError.__init__(self, error.detail or error.message)
        self.error, self.request_id = error, request_id


def write_frame(stream, header, payload=b""):
    """Write one frame and flush; payload is anything with the buffer interface, or a list of
    such parts written one after the other (a picture and its guide, never joined in a copy)."""
    body = json.dumps(header, separators=(",", ":"), sort_keys=True).encode("ascii")
    parts = payload if isinstance(payload, list) else [payload]
    stream.write(PREFIX.pack(MAGIC, len(body), sum(len(part) for part in parts)))
    stream.write(body)
    for part in parts:
        if len(part):
            stream.write(part)
    stream.flush()


def read_frame(stream, resync=True):
    """The next (header, payload) from a binary stream, or None at a clean end of stream.

    ProtocolError: the stream is not frames (it cannot be read on); BadFrame: one frame's header
    is unusable and was skipped, payload included (without resync, it is not read at all: the
    client does not read on from a worker that sent one)."""
    prefix = stream.read(PREFIX.size)
    if not prefix:
        return None
    if len(prefix) < PREFIX.size:
        raise ProtocolError("stream ended inside a frame prefix (%d of %d bytes)"
                            % (len(prefix), PREFIX.size))
    magic, json_length, payload_length = PREFIX.unpack(prefix)
    if magic != MAGIC:
        raise ProtocolError("not a frame: the stream starts with %r" % (prefix,))
    if json_length > MAX_JSON_BYTES or payload_length > MAX_PAYLOAD_BYTES:
        raise ProtocolError("frame too large: %d header bytes, %d payload bytes"
                            % (json_length, payload_length))
    header = _read_exactly(stream, json_length, "header")
    try:
        header = _parse_header(header)
        check_header(header, payload_length)
    except errors.InceptionismError as exc:
        if resync:
            _skip(stream, payload_length)
        raise BadFrame(exc, _usable_id(header) if isinstance(header, dict) else None)
    return header, _read_exactly(stream, payload_length, "payload")


def _read_exactly(stream, length, part):
    """length bytes, read a chunk at a time: memory grows only as the bytes really arrive."""
    if length <= CHUNK_BYTES:
        data = stream.read(length) if length else b""
    else:
        chunks, missing = [], length
        while missing:
            chunk = stream.read(min(missing, CHUNK_BYTES))
            if not chunk:
                break
            chunks.append(chunk)
            missing -= len(chunk)
        data = b"".join(chunks)
        del chunks
    if len(data) < length:
        raise ProtocolError("stream ended inside a frame %s (%d of %d bytes)"
                            % (part, len(data), length))
    return data


def _skip(stream, length):
    while length:
        chunk = stream.read(min(length, CHUNK_BYTES))
        if not chunk:
            raise ProtocolError("stream ended inside a frame payload (%d bytes missing)" % length)
        length -= len(chunk)


def _parse_header(body):
    try:
        header = json.loads(body.decode("utf-8"))
    except ValueError as exc:
        raise ProtocolError("frame header is not JSON: %s" % (clip(exc),))
    except RuntimeError:  # RecursionError: nested deeper than the parser goes
        raise ProtocolError("frame header is nested too deeply")
    if not isinstance(header, dict) or "type" not in header:
        raise ProtocolError("frame header has no type: %r" % (body[:ECHO_CHARS],))
    return header


# The header fields that describe a picture in the payload, in the payload's order: the picture
# ("frames" of them, where the header says so), then the selection's mask (an animation's), then
# the guide picture.
PAYLOAD_IMAGES = ("image", "mask", "guide")


def check_header(header, payload_length):
    """Raise bad-input unless the header's type, id and images are usable and the payload is
    exactly the size the images imply (no payload without an image)."""
    kind = header["type"]
    if not isinstance(kind, _TEXT) or not 0 < len(kind) <= MAX_TYPE_CHARS:
        raise _bad("the frame's type %s is not a short name" % clip(repr(kind)))
    if _usable_id(header) != header.get("id"):
        raise _bad("the frame's id %s is not a whole number" % clip(repr(header.get("id"))))
    sizes = dict((key, image_bytes(header[key])) for key in PAYLOAD_IMAGES
                 if header.get(key) is not None)
    frames = 1
    if header.get("frames") is not None:  # an animation sent whole, to a worker with a cluster
        frames = whole_number(header["frames"], 1, MAX_PAYLOAD_BYTES, "number of frames")
    expected = sum(sizes.values()) + (frames - 1) * sizes.get("image", 0)
    if expected > MAX_PAYLOAD_BYTES:
        raise _bad("the frame's images need %d bytes, more than the engine takes" % expected)
    if payload_length != expected:
        raise _bad("the frame carries %d payload bytes where its images need %d"
                   % (payload_length, expected))


def _usable_id(header):
    value = header.get("id")
    if isinstance(value, _INTEGERS) and not isinstance(value, bool) and abs(value) <= MAX_ID:
        return value
    return None


def _bad(detail):
    return errors.InceptionismError("bad-input", "The engine was sent a request it cannot read.",
                                    detail)


def whole_number(value, low, high, what):
    """value when it is an integer from low to high; bad-input (in words) otherwise."""
    if not isinstance(value, _INTEGERS) or isinstance(value, bool) or not low <= value <= high:
        raise errors.InceptionismError(
            "bad-input", "The %s must be a whole number from %d to %d, not %s."
            % (what, low, high, clip(repr(value), 40)))
    return value


def clip(text, limit=ECHO_CHARS):
    """text cut to limit characters, saying how much was left out."""
    text = text if isinstance(text, _TEXT) else str(text)
    if len(text) <= limit:
        return text
    told = "... (%d characters in all)" % len(text)
    return text[:max(0, limit - len(told))] + told


def image_description(width, height, channels, dtype):
    """The "image" field of dream requests and results."""
    return {"width": width, "height": height, "channels": channels, "dtype": dtype}


def image_bytes(description):
    """How many payload bytes an image description announces; bad-input (a ValueError too) if
    any field has the wrong type or is out of bounds."""
    if not isinstance(description, dict):
        raise ImageError("The image description %s is not an object." % clip(repr(description), 60))
    try:
        width = whole_number(description.get("width"), 1, MAX_SIDE, "image width")
        height = whole_number(description.get("height"), 1, MAX_SIDE, "image height")
        channels = whole_number(description.get("channels"), 1, 4, "number of channels")
    except errors.InceptionismError as exc:
        raise ImageError(exc.message)
    dtype = description.get("dtype")
    if not isinstance(dtype, _TEXT) or dtype not in DTYPE_BYTES:
        raise ImageError("Unknown sample type %s; use one of %s."
                         % (clip(repr(dtype), 40), ", ".join(sorted(DTYPE_BYTES))))
    if width * height > MAX_PIXELS:
        raise ImageError("A %d x %d image is %d megapixels; the engine dreams at most %d "
                         "megapixels." % (width, height, width * height // 1000000,
                                          MAX_PIXELS // 1000000))
    return width * height * channels * DTYPE_BYTES[dtype]


class ImageError(errors.InceptionismError, ValueError):
    """An image description that makes no sense: bad-input, and a ValueError for older callers."""

    def __init__(self, message):
        errors.InceptionismError.__init__(self, "bad-input", message)


def checked_settings(procedure, values, changed=None, installed=None):
    """Settings completed, checked and settled (settings.validate), or a bad-settings error
    saying which one is wrong."""
    if not isinstance(values, dict):
        raise errors.InceptionismError("bad-settings", "The settings must be names and values, "
                                       "not %s." % clip(repr(values), 40))
    try:
        return settings.validate(procedure, values, changed, installed)
    except (ValueError, OverflowError) as exc:  # OverflowError: an infinite whole number
        text = clip(str(exc), SETTINGS_MESSAGE_CHARS - 2)  # room for the capital and the stop
        raise errors.InceptionismError("bad-settings", text[:1].upper() + text[1:] + ".")


def error_header(exc, request_id=None):
    """The error frame for an InceptionismError."""
    return {"type": "error", "id": request_id, "code": exc.code, "message": exc.message,
            "detail": exc.detail}


def error_from_header(header):
    """The exception, on the client side, for the error frame a worker sent."""
    return errors.from_code(header.get("code"), header.get("message"), header.get("detail", ""))
