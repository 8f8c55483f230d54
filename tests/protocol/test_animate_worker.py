"""The 'animate' request with the real worker (random networks, tiny frames): frames stream in
and dreamed frames stream out, the selection applies to each, a cancel keeps the frames done."""
import os
import sys

import pytest

from inceptionism import errors, plugin_support
from protocol_helpers import HERE, real_worker_session

pytestmark = pytest.mark.slow
CORE = os.path.join(HERE, "..", "..", "core")
LIGHT = {"layer": "conv2", "octaves": 1, "iterations": 2, "jitter": 4, "flicker": "smooth"}
WIDTH, HEIGHT = 40, 32


def frame(index, width=WIDTH, height=HEIGHT):
    """8-bit RGB frames of a pattern that moves one pixel a frame."""
    rows = bytearray()
    for y in range(height):
        for x in range(width):
            value = ((x + index) * 7 + y * 3) % 256
            rows += bytearray((value, (value * 3) % 256, 255 - value))
    return plugin_support.Pixels(width, height, 3, "u8", bytes(rows))


@pytest.fixture
def session(tmp_path, monkeypatch):
    with real_worker_session(tmp_path, monkeypatch, tmp_path / "log.txt") as session:
        yield session


def test_frames_stream_through_and_the_selection_applies_to_each(session):
    read, done, progress = [], [], []
    left_half = bytes(bytearray(255 if x < WIDTH // 2 else 0
                                for y in range(HEIGHT) for x in range(WIDTH)))
    mask = plugin_support.Pixels(WIDTH, HEIGHT, 1, "u8", left_half)

    def read_frame(index):
        read.append(index)
        assert index <= len(done) + 1  # never more than one frame ahead of the dreamed ones
        return frame(index)
    meta, last = session.animate(LIGHT, 4, read_frame, mask,
                                 on_progress=lambda fraction, text: progress.append(text),
                                 on_frame=lambda index, pixels: done.append((index, pixels)))
    assert read == [0, 1, 2, 3] and [index for index, _ in done] == [0, 1, 2, 3]
    assert meta["frames"] == 4 and meta["procedure"] == "animate" and last == done[-1][1]
    row = WIDTH * 3
    for index, pixels in done:
        source = frame(index).data
        assert (pixels.width, pixels.height, pixels.channels) == (WIDTH, HEIGHT, 3)
        for y in range(0, HEIGHT, 5):
            line, original = pixels.data[y * row:(y + 1) * row], source[y * row:(y + 1) * row]
            assert line[row // 2:] == original[row // 2:]  # outside the selection: untouched
        assert pixels.data != source
    assert any(text.startswith("frame 4 of 4") for text in progress)


def test_frames_too_small_for_the_flow_are_dreamed_each_alone_with_one_warning(session,
                                                                              tmp_path):
    """8 x 8 frames: OpenCV's flow fails under 12 pixels; the worker dreams them as the command
    line does, never an internal error, and its log says so once."""
    done = []
    meta, _ = session.animate(LIGHT, 3, lambda index: frame(index, 8, 8),
                              on_frame=lambda index, pixels: done.append(index))
    assert done == [0, 1, 2] and meta["frames"] == 3
    with open(str(tmp_path / "inceptionism.log")) as handle:
        assert handle.read().count("too small to follow the motion") == 1


def test_a_cancel_keeps_the_frames_done(session):
    done = []

    def cancel_after_two(index, pixels):
        done.append(index)
        if len(done) == 2:
            session.worker.cancel()
    with pytest.raises(errors.Cancelled):
        session.animate(LIGHT, 6, frame, on_frame=cancel_after_two)
    assert done[:2] == [0, 1] and len(done) < 6
    assert session.worker.request({"type": "ping"})[0]["type"] == "pong"


def test_a_worker_with_a_cluster_spreads_the_frames_and_sends_them_back_in_order(tmp_path,
                                                                                  monkeypatch):
    """install.py --cluster-address puts --cluster in the worker's command: the plug-in then
    hands it every frame at once, and the frames come back in order from a local Ray."""
    pytest.importorskip("ray", reason="the cluster extra is part of the test venv (--dev)")
    monkeypatch.setenv("INCEPTIONISM_HOME", str(tmp_path))
    monkeypatch.setenv("INCEPTIONISM_RANDOM_WEIGHTS", "1")
    monkeypatch.setenv("PYTHONPATH", CORE)
    config = {"command": [sys.executable, "-m", "inceptionism.worker", "--device", "cpu",
                          "--cluster", "local:2"], "log": str(tmp_path / "log.txt")}
    alone, spread = [], []
    with plugin_support.Session(dict(config, command=config["command"][:-2])) as session:
        session.animate(dict(LIGHT, flicker="free"), 5, frame,
                        on_frame=lambda index, pixels: alone.append((index, pixels)))
    with plugin_support.Session(config) as session:
        meta, _ = session.animate(dict(LIGHT, flicker="free"), 5, frame,
                                  on_frame=lambda index, pixels: spread.append((index, pixels)))
    assert [index for index, _ in spread] == [0, 1, 2, 3, 4]
    assert "Ray cluster" in meta["device"] and meta["frames"] == 5
    assert [pixels.data for _, pixels in spread] != [frame(k).data for k in range(5)]
    assert len(alone) == 5


def test_a_frame_that_arrived_is_kept_when_the_worker_dies_right_after_it(tmp_path,
                                                                           monkeypatch):
    """dying_worker.py exits right after sending the second dreamed frame; reading the next
    source frame waits until it is gone, so sending that frame fails: the frame that did
    arrive must still reach on_frame (the new image keeps it) before the failure is raised."""
    monkeypatch.setenv("INCEPTIONISM_HOME", str(tmp_path))
    monkeypatch.setenv("INCEPTIONISM_RANDOM_WEIGHTS", "1")
    monkeypatch.setenv("PYTHONPATH", CORE)
    dying = os.path.join(HERE, "..", "e2e", "dying_worker.py")
    done = []
    with plugin_support.Session({"command": [sys.executable, dying, "--device", "cpu"],
                                 "log": str(tmp_path / "log.txt")}) as session:
        def read_frame(index):
            if index == 2:  # asked for when the second dreamed frame arrives
                session.worker.process.wait()
            return frame(index)
        with pytest.raises(errors.InceptionismError) as failure:
            session.animate(dict(LIGHT, flicker="free"), 4, read_frame,
                            on_frame=lambda index, pixels: done.append(index))
    assert failure.value.code == "worker-crashed"
    assert done == [0, 1]
