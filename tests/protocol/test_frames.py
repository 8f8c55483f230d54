"""Frames in memory: what goes in comes out, and every malformed stream is a protocol error."""
import io
import struct

import pytest

from inceptionism import errors, protocol


def framed(*frames):
    stream = io.BytesIO()
    for header, payload in frames:
        protocol.write_frame(stream, header, payload)
    stream.seek(0)
    return stream


def test_frames_round_trip_in_order_then_end_cleanly():
    payload = bytes(bytearray(range(256))) * 3
    image = protocol.image_description(16, 16, 3, "u8")
    dream = {"type": "dream", "settings": {"layer": u"inception4c \u00b7"}, "image": image}
    stream = framed((dream, payload), ({"type": "ping"}, b""))
    assert protocol.read_frame(stream) == (dream, payload)
    assert protocol.read_frame(stream) == ({"type": "ping"}, b"")
    assert protocol.read_frame(stream) is None


def test_the_prefix_is_magic_json_length_payload_length():
    data = framed(({"type": "ping", "image": protocol.image_description(1, 1, 3, "u8")},
                   b"xyz")).getvalue()
    magic, json_length, payload_length = struct.unpack(">4sIQ", data[:16])
    assert (magic, payload_length) == (b"INC1", 3)
    assert data[16:16 + json_length].startswith(b'{"image":{')
    assert data[16 + json_length:] == b"xyz"


def test_a_payload_given_in_parts_is_read_back_as_one():
    """A picture and its guide go out as two parts, never joined in a copy of the picture."""
    picture, guide = bytearray(b"p" * 12), memoryview(b"guide")
    header = {"type": "dream", "image": protocol.image_description(2, 2, 3, "u8"),
              "guide": protocol.image_description(5, 1, 1, "u8")}
    assert protocol.read_frame(framed((header, [picture, b"", guide]))) == \
        (header, b"p" * 12 + b"guide")


@pytest.mark.parametrize("cut", [5, 20, -1])
def test_a_truncated_frame_is_a_protocol_error(cut):
    data = framed(({"type": "result", "image": protocol.image_description(2, 1, 3, "u8")},
                   b"pixels")).getvalue()[:cut]
    with pytest.raises(protocol.ProtocolError) as raised:
        protocol.read_frame(io.BytesIO(data))
    assert "ended inside a frame" in raised.value.detail


def test_garbage_is_a_protocol_error_that_quotes_it():
    with pytest.raises(protocol.ProtocolError) as raised:
        protocol.read_frame(io.BytesIO(b"Loading the network, please wait...\n"))
    assert raised.value.code == "protocol"
    assert "Loading the netw" in raised.value.detail


def test_an_oversized_header_is_refused_before_reading_it():
    prefix = protocol.PREFIX.pack(protocol.MAGIC, protocol.MAX_JSON_BYTES + 1, 0)
    with pytest.raises(protocol.ProtocolError) as raised:
        protocol.read_frame(io.BytesIO(prefix + b"{}"))
    assert "too large" in raised.value.detail


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"no": "type"}', b"\xff\xfe"])
def test_a_header_that_is_not_a_typed_json_object_is_a_protocol_error(body):
    prefix = protocol.PREFIX.pack(protocol.MAGIC, len(body), 0)
    with pytest.raises(protocol.ProtocolError):
        protocol.read_frame(io.BytesIO(prefix + body))


def test_image_bytes_counts_samples_of_each_dtype():
    assert protocol.image_bytes(protocol.image_description(5, 3, 4, "u8")) == 60
    assert protocol.image_bytes(protocol.image_description(5, 3, 2, "u16")) == 60
    assert protocol.image_bytes(protocol.image_description(5, 3, 1, "f32")) == 60


@pytest.mark.parametrize("description", [{}, {"width": 5, "height": 3, "channels": 4, "dtype": "f64"},
                                         protocol.image_description(0, 3, 4, "u8"),
                                         protocol.image_description(5, 3, 5, "u8")])
def test_image_bytes_refuses_images_that_make_no_sense(description):
    with pytest.raises(ValueError):
        protocol.image_bytes(description)


def test_an_error_frame_is_raised_again_as_the_same_error():
    sent = errors.InceptionismError("missing-weights", None, "googlenet-1378be20.pth")
    received = protocol.error_from_header(protocol.error_header(sent, 7))
    assert (received.code, received.message, received.detail) == (
        "missing-weights", sent.message, "googlenet-1378be20.pth")


def test_a_cancelled_frame_is_raised_as_cancelled():
    assert isinstance(protocol.error_from_header(protocol.error_header(errors.Cancelled())),
                      errors.Cancelled)


def test_checked_settings_name_the_wrong_setting_in_a_sentence():
    with pytest.raises(errors.InceptionismError) as raised:
        protocol.checked_settings("dream", {"octaves": 99})
    assert raised.value.code == "bad-settings"
    assert raised.value.message.startswith("Octaves must be between 1 and 8")
