"""The real worker and engine (random networks, tiny pictures) behind the client and plugin_support."""
import os
import sys

import pytest

from inceptionism import client, errors, plugin_support, protocol
from protocol_helpers import HERE, assert_reaped

pytestmark = pytest.mark.slow
CORE = os.path.join(HERE, "..", "..", "core")
WORKER = [sys.executable, "-m", "inceptionism.worker"]
SMALL = plugin_support.Pixels(48, 40, 3, "u8", os.urandom(48 * 40 * 3))
QUICK = {"layer": "conv2", "octaves": 1, "iterations": 2}


def real_env(home, random_weights):
    env = dict(os.environ, INCEPTIONISM_HOME=str(home), PYTHONPATH=CORE)
    env.pop("INCEPTIONISM_RANDOM_WEIGHTS", None)
    if random_weights:
        env["INCEPTIONISM_RANDOM_WEIGHTS"] = "1"
    return env


def dream_message(settings):
    return {"type": "dream", "settings": settings,
            "image": protocol.image_description(SMALL.width, SMALL.height, SMALL.channels, SMALL.dtype)}


@pytest.fixture(scope="module")
def random_worker(tmp_path_factory):
    worker = client.WorkerClient(WORKER, env=real_env(tmp_path_factory.mktemp("home"), True))
    worker.start()
    yield worker
    worker.close()
    assert_reaped(worker.process)


def test_hello_says_the_networks_are_random(random_worker):
    assert random_worker.hello["random_weights"] is True
    assert set(random_worker.hello["models"].values()) == {"random"}
    assert "cpu" in random_worker.hello["devices"]


def test_a_dream_changes_the_pixels_and_keeps_their_shape(random_worker):
    progress = []
    header, data = random_worker.request(dream_message(QUICK), SMALL.data,
                                         on_progress=lambda *event: progress.append(event[0]))
    assert header["image"] == dream_message(QUICK)["image"] and len(data) == len(SMALL.data)
    assert data != SMALL.data
    assert progress == sorted(progress) and progress[-1] == 1.0
    assert header["meta"]["random_weights"] is True
    assert plugin_support.layer_name(header["meta"]) == u"Dream \u00b7 conv2 \u00b7 1\u00d72 (random weights)"


def test_an_unknown_layer_is_a_bad_setting_and_the_worker_stays_usable(random_worker):
    with pytest.raises(errors.InceptionismError) as raised:
        random_worker.request(dream_message(dict(QUICK, layer="inception9z")), SMALL.data)
    assert raised.value.code == "bad-settings" and "inception9z" in raised.value.message
    assert random_worker.request({"type": "ping"})[0]["type"] == "pong"


def test_cancel_stops_a_real_dream(random_worker):
    steps = []

    def cancel_at_first_step(fraction, stage, eta_s):
        steps.append(fraction)
        random_worker.cancel()
    with pytest.raises(errors.Cancelled):
        random_worker.request(dream_message(dict(QUICK, iterations=200)), SMALL.data,
                              on_progress=cancel_at_first_step)
    # Progress events already in the pipe still arrive after the cancel; what matters is that the
    # dream stops long before its 200 steps (the engine tests check it stops within one step).
    assert steps and max(steps) < 0.25


def test_missing_weights_are_reported_in_an_artists_words(tmp_path, monkeypatch):
    monkeypatch.setenv("INCEPTIONISM_HOME", str(tmp_path))
    monkeypatch.delenv("INCEPTIONISM_RANDOM_WEIGHTS", raising=False)
    monkeypatch.setenv("PYTHONPATH", CORE)
    config = {"command": WORKER, "log": str(tmp_path / "inceptionism.log")}
    with pytest.raises(errors.InceptionismError) as raised:
        plugin_support.run("dream", QUICK, SMALL, None, config)
    assert raised.value.code == "missing-weights" and "GoogLeNet" in raised.value.message
    message = plugin_support.user_message(raised.value, config["log"])
    assert "install.py --weights-file FILE" in message and "--weights FILE" not in message
    with open(config["log"]) as log:
        assert "dream #1 error missing-weights" in log.read()


def test_visualize_from_noise_answers_a_picture_of_the_asked_size(random_worker):
    header, data = random_worker.request({"type": "visualize", "settings": {
        "class-name": "banana", "width": 40, "height": 32, "steps": 2}})
    assert header["image"] == protocol.image_description(40, 32, 3, "u8") and len(data) == 40 * 32 * 3
    assert header["meta"]["class_name"] == "banana"
    assert plugin_support.layer_name(header["meta"]) == u"Visualize \u00b7 banana (random weights)"


def test_zoom_sends_each_frame_as_it_is_done_then_the_last_again(random_worker):
    frames = []
    header, data = random_worker.request(
        {"type": "zoom", "settings": dict(QUICK, frames=3, start="layer"),
         "image": dream_message(QUICK)["image"]}, SMALL.data,
        on_frame=lambda frame, pixels: frames.append((frame["index"], frame["image"], pixels)))
    assert [index for index, _, _ in frames] == [0, 1, 2]
    assert all(image == header["image"] for _, image, _ in frames)
    assert frames[-1][2] == data and frames[0][2] != frames[1][2]


def test_plugin_support_hands_zoom_frames_over_as_pixels(tmp_path, monkeypatch):
    monkeypatch.setenv("INCEPTIONISM_RANDOM_WEIGHTS", "1")
    monkeypatch.setenv("PYTHONPATH", CORE)
    frames = []
    meta, last = plugin_support.run("zoom", dict(QUICK, frames=2, width=40, height=32), None,
                                    config={"command": WORKER, "log": str(tmp_path / "log")},
                                    on_frame=lambda index, pixels: frames.append((index, pixels)))
    assert [index for index, _ in frames] == [0, 1] and frames[-1][1] == last
    assert (last.width, last.height, last.channels, last.dtype) == (40, 32, 3, "u8")
    assert meta["procedure"] == "zoom"
