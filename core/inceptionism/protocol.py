"""Frames between the plug-in's client and the engine's worker: a JSON header plus raw bytes.

Standard library only, Python 2.7 and 3.x: the GIMP plug-ins import it. A frame is a 16-byte
prefix struct.pack(">4sIQ", b"INC1", json_length, payload_length), the UTF-8 JSON header (an
object with a "type"), then the payload (pixels, unencoded, so large images cost one copy).
No pickle and no network port: the worker only ever reads frames from its own stdin.
"""
import json
import struct

from . import errors, settings

MAGIC = b"INC1"
PREFIX = struct.Struct(">4sIQ")
MAX_JSON_BYTES = 16 << 20
MAX_PAYLOAD_BYTES = 16 << 30

# Bytes per sample of each pixel dtype on the wire (little-endian).
DTYPE_BYTES = {"u8": 1, "u16": 2, "f32": 4}


class ProtocolError(errors.InceptionismError):
    """The other side sent something that is not a frame; the detail says what."""

    def __init__(self, detail):
        errors.InceptionismError.__init__(self, "protocol", None, detail)


def write_frame(stream, header, payload=b""):
    """Write one frame and flush; payload is anything with the buffer interface."""
    body = json.dumps(header, separators=(",", ":"), sort_keys=True).encode("ascii")
    stream.write(PREFIX.pack(MAGIC, len(body), len(payload)))
    stream.write(body)
    if len(payload):
        stream.write(payload)
    stream.flush()


def read_frame(stream):
    """The next (header, payload) from a binary stream, or None at a clean end of stream."""
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
    header = _parse_header(_read_exactly(stream, json_length, "header"))
    return header, _read_exactly(stream, payload_length, "payload")


def _read_exactly(stream, length, part):
    data = stream.read(length) if length else b""
    if len(data) < length:
        raise ProtocolError("stream ended inside a frame %s (%d of %d bytes)"
                            % (part, len(data), length))
    return data


def _parse_header(body):
    try:
        header = json.loads(body.decode("utf-8"))
    except ValueError as exc:
        raise ProtocolError("frame header is not JSON: %s" % (exc,))
    if not isinstance(header, dict) or "type" not in header:
        raise ProtocolError("frame header has no type: %r" % (body[:200],))
    return header


def image_description(width, height, channels, dtype):
    """The "image" field of dream requests and results."""
    return {"width": width, "height": height, "channels": channels, "dtype": dtype}


def image_bytes(description):
    """How many payload bytes an image description announces; ValueError if it makes no sense."""
    try:
        width, height = int(description["width"]), int(description["height"])
        channels, sample = int(description["channels"]), DTYPE_BYTES[description["dtype"]]
    except (KeyError, TypeError, ValueError):
        raise ValueError("bad image description %r" % (description,))
    if width < 1 or height < 1 or channels not in (1, 2, 3, 4):
        raise ValueError("unsupported image %r" % (description,))
    return width * height * channels * sample


def checked_settings(procedure, values, changed=None):
    """Settings completed, checked and settled (settings.validate), or a bad-settings error
    saying which one is wrong."""
    try:
        return settings.validate(procedure, values, changed)
    except ValueError as exc:
        text = str(exc)
        raise errors.InceptionismError("bad-settings", text[:1].upper() + text[1:] + ".")


def error_header(exc, request_id=None):
    """The error frame for an InceptionismError."""
    return {"type": "error", "id": request_id, "code": exc.code, "message": exc.message,
            "detail": exc.detail}


def error_from_header(header):
    """The exception, on the client side, for the error frame a worker sent."""
    return errors.from_code(header.get("code"), header.get("message"), header.get("detail", ""))
