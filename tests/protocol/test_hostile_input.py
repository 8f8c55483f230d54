"""Hostile or broken frames on the worker's stdin: every one gets an error frame (the session
goes on when the frame could be skipped whole), nothing reserves memory a frame only declares,
and nothing the plug-in sent floods the messages or the log."""
import io
import json
import resource
import subprocess

import numpy as np
import pytest

from inceptionism import protocol
from protocol_helpers import TINY, TINY_PIXELS, dream_request, fake_command

# The worker runs under this address-space cap: a 15 GiB payload reserved up front fails there.
ADDRESS_SPACE_CAP = 3 << 30


def capped():
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_CAP, ADDRESS_SPACE_CAP))


def exchange(env, raw, cap=False, payloads=False, close=False):
    """Every frame the fake worker sends for raw bytes on its stdin (stdin stays open until a
    pong or the end of its output, as its end would cancel a dream; close: at once)."""
    process = subprocess.Popen(fake_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env, preexec_fn=capped if cap else None)
    try:
        process.stdin.write(raw)
        process.stdin.flush()
        if close:
            process.stdin.close()
    except BrokenPipeError:
        pass
    frames = []
    for frame in iter(lambda: protocol.read_frame(process.stdout), None):
        frames.append(frame if payloads else frame[0])
        if frame[0]["type"] == "pong":
            break
    try:
        process.stdin.close()
    except BrokenPipeError:
        pass
    assert process.wait(timeout=60) == 0
    process.stdout.close(), process.stderr.close()
    assert (frames[0][0] if payloads else frames[0])["type"] == "hello"
    return frames[1:]


def frame(header, payload=b""):
    stream = io.BytesIO()
    protocol.write_frame(stream, header, payload)
    return stream.getvalue()


def raw_frame(body, payload=b"", declared=None):
    """A frame whose header is the given bytes (not necessarily JSON)."""
    declared = len(payload) if declared is None else declared
    return protocol.PREFIX.pack(protocol.MAGIC, len(body), declared) + body + payload


PING = frame({"type": "ping", "id": 99})


def error_then_pong(frames):
    """The frames are one error (returned) and the pong of the ping that followed."""
    assert [header["type"] for header in frames] == ["error", "pong"], frames
    return frames[0]


@pytest.mark.parametrize("image", [
    {"width": "A", "height": 10 ** 9, "channels": 3, "dtype": "u8"},
    {"width": -4, "height": 3, "channels": 4, "dtype": "u8"},
    {"width": 4.5, "height": 3, "channels": 4, "dtype": "u8"},
    {"width": 4, "height": 3, "channels": 4, "dtype": ["u8"]},
    {"width": True, "height": 3, "channels": 4, "dtype": "u8"},
    "4x3", [4, 3]])
def test_every_image_field_is_checked_before_use(worker_env, image):
    frames = exchange(worker_env, frame(dict(dream_request(1), image=image, id=7)) + PING)
    error = error_then_pong(frames)
    assert (error["code"], error["id"]) == ("bad-input", 7)
    assert len(error["message"]) < 300


def test_a_payload_that_is_not_what_the_image_needs_is_skipped_whole(worker_env):
    frames = exchange(worker_env, frame(dict(dream_request(1), id=3), TINY_PIXELS + b"extra")
                         + PING)
    error = error_then_pong(frames)
    assert (error["code"], error["id"]) == ("bad-input", 3) and "payload" in error["detail"]


def test_a_declared_4_gib_payload_reserves_nothing(worker_env):
    """The image says 4 GiB, the plug-in sends a few bytes and ends: under a 3 GiB address
    space the worker still answers with an error frame and exits cleanly."""
    image = protocol.image_description(16384, 16384, 4, "f32")  # 4 GiB of pixels
    header = json.dumps(dict(dream_request(1, image), id=1)).encode()
    frames = exchange(worker_env, raw_frame(header, b"\0" * 1000,
                                            declared=protocol.image_bytes(image)), cap=True, close=True)
    assert [(h["type"], h["code"]) for h in frames] == [("error", "protocol")]
    assert "ended inside a frame payload" in frames[0]["detail"]


def test_an_image_over_what_the_engine_dreams_in_memory_is_refused_before_its_bytes(
        worker_env):
    image = protocol.image_description(20000, 20000, 3, "u8")  # 400 megapixels
    header = json.dumps(dict(dream_request(1, image), id=4)).encode()
    error = error_then_pong(exchange(worker_env, raw_frame(header, b"\0" * 1000) + PING))
    assert (error["code"], error["id"]) == ("bad-input", 4)
    assert "400 megapixels; the engine dreams at most 268 megapixels" in error["message"]


def test_a_payload_beyond_what_any_image_needs_is_refused_unread(worker_env):
    frames = exchange(worker_env, protocol.PREFIX.pack(protocol.MAGIC, 2, 1 << 40) + b"{}",
                      cap=True, close=True)
    assert [(h["type"], h["code"]) for h in frames] == [("error", "protocol")]
    assert "too large" in frames[0]["detail"]


def test_a_100000_deep_header_is_an_error_frame_and_the_session_goes_on(worker_env):
    body = b'{"type": "ping", "x": ' + b"[" * 100000 + b"]" * 100000 + b"}"
    error = error_then_pong(exchange(worker_env, raw_frame(body) + PING))
    assert "nested too deeply" in error["detail"]


@pytest.mark.parametrize("request_id", [[1, 2], {"a": 1}, "seven", 1.5, 10 ** 30])
def test_a_cancel_with_an_id_that_is_not_a_number_is_an_error_frame(worker_env, request_id):
    error = error_then_pong(exchange(worker_env, frame({"type": "cancel", "id": request_id})
                                     + PING))
    assert error["code"] == "bad-input" and error["id"] is None


@pytest.mark.parametrize("header", [{"type": ["dream"]}, {"type": "x" * 100000}, {"type": ""}])
def test_a_type_that_is_not_a_short_name_is_an_error_frame(worker_env, header):
    error = error_then_pong(exchange(worker_env, frame(header) + PING))
    assert error["code"] == "bad-input" and len(error["detail"]) < 500


@pytest.mark.parametrize("side", [-5, 2.5, "big", 10 ** 9])
def test_a_preview_side_out_of_bounds_is_bad_input(worker_env, side):
    request = dict(dream_request(1), type="preview", side=side, id=4)
    frames = exchange(worker_env, frame(request, TINY_PIXELS) + PING)
    error = error_then_pong(frames)
    assert (error["code"], error["id"]) == ("bad-input", 4)


@pytest.mark.parametrize("value", [float("inf"), float("nan"), [1], {"a": 1}])
def test_strange_setting_values_are_bad_settings_not_internal(worker_env, value):
    frames = exchange(worker_env, frame(dict(dream_request(1), settings={"iterations": value},
                                                id=2), TINY_PIXELS) + PING)
    assert error_then_pong(frames)["code"] == "bad-settings"


def test_a_4_mb_setting_is_clipped_in_the_message_and_the_log(worker_env):
    huge = "x" * (4 << 20)
    request = dict(dream_request(1), settings={"layer": huge}, id=5)
    frames = exchange(worker_env, frame(request, TINY_PIXELS) + PING)
    error = error_then_pong(frames)
    assert error["code"] == "bad-settings" and len(error["message"]) < 1100
    with io.open(worker_env["INCEPTIONISM_HOME"] + "/inceptionism.log", encoding="utf-8") as log:
        assert len(log.read()) < 10000


def test_nan_and_infinite_float_samples_are_replaced_and_logged(worker_env):
    samples = np.full((3, 4, 4), 0.5, "<f4")
    samples[0, 0, 0], samples[1, 1, 1], samples[2, 2, 2] = np.nan, np.inf, -np.inf
    image = protocol.image_description(4, 3, 4, "f32")
    request = dict(dream_request(1, image), id=6)
    replies = exchange(worker_env, frame(request, samples.tobytes()) + PING, payloads=True)
    header, data = replies[-2]
    assert header["type"] == "result"
    result = np.frombuffer(data, "<f4").reshape(3, 4, 4)
    assert np.isfinite(result).all()
    assert (result[0, 0, 0], result[1, 1, 1], result[2, 2, 2]) == (0.0, 1.0, 0.0)
    logs = [h["text"] for h, _ in replies if h["type"] == "log"]
    assert any("3 samples" in text and "NaN" in text for text in logs)


def test_the_worker_still_works_after_all_that(worker_env):
    frames = exchange(worker_env, frame(dict(dream_request(1), id=1), TINY_PIXELS) + PING)
    assert [h["type"] for h in frames] == ["log", "progress", "result", "pong"]
    assert frames[2]["image"] == TINY
