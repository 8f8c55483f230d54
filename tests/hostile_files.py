"""Small files that claim to be huge pictures (memory bombs), for the pixel budget's tests."""
import io
import struct
import zlib

from PIL import Image


def gif_bomb(path, side):
    """A GIF of about a hundred bytes whose logical screen says side x side."""
    buffer = io.BytesIO()
    pictures = [Image.new("P", (1, 1), k) for k in range(2)]
    pictures[0].save(buffer, format="GIF", save_all=True, append_images=pictures[1:])
    data = bytearray(buffer.getvalue())
    data[6:10] = struct.pack("<HH", side, side)
    _write(path, data)


def webp_bomb(path, side):
    """An animated WebP whose canvas (VP8X) says side x side."""
    buffer = io.BytesIO()
    pictures = [Image.new("RGB", (1, 1), (k, 0, 0)) for k in (0, 255)]
    pictures[0].save(buffer, format="WEBP", save_all=True, append_images=pictures[1:])
    data = bytearray(buffer.getvalue())
    assert data[12:16] == b"VP8X"
    data[24:30] = struct.pack("<I", side - 1)[:3] + struct.pack("<I", side - 1)[:3]
    _write(path, data)


def png16_bomb(path, side):
    """A 16-bit RGB PNG whose header says side x side, with a few rows of data."""
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    rows = zlib.compress(b"\0" * (1 + 6 * side) * 4)
    _write(path, b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 16,
                                                                  2, 0, 0, 0))
           + chunk(b"IDAT", rows) + chunk(b"IEND", b""))


def float_tiff_bomb(path, side):
    """A 32-bit float gray TIFF whose tags say side x side, with one strip of 4 bytes."""
    entries = [(256, 4, side), (257, 4, side), (258, 3, 32), (259, 3, 1), (262, 3, 1),
               (273, 4, 0), (277, 3, 1), (278, 4, side), (279, 4, 4), (339, 3, 3)]
    data_offset = 8 + 2 + 12 * len(entries) + 4
    ifd = struct.pack("<H", len(entries))
    for tag, kind, value in entries:
        value = data_offset if tag == 273 else value
        packed = struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
        ifd += struct.pack("<HHI", tag, kind, 1) + packed
    _write(path, b"II*\0" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + b"\0" * 4)


def _write(path, data):
    with open(path, "wb") as handle:
        handle.write(bytes(data))
