"""The logic both GIMP front ends share: worker.json, one run, layer names, recipes, messages."""
import io
import json
import os
import struct
import threading
import time

import pytest

from inceptionism import errors, plugin_support
from protocol_helpers import fake_command

TINY = plugin_support.Pixels(3, 2, 2, "u16", bytes(bytearray(range(24))))


def write_config(folder, command):
    config = {"command": command, "log": os.path.join(str(folder), "inceptionism.log")}
    with io.open(os.path.join(str(folder), "worker.json"), "w", encoding="utf-8") as handle:
        handle.write(json.dumps(config, ensure_ascii=False))
    return config


def test_load_worker_config_reads_worker_json(tmp_path):
    written = write_config(tmp_path, fake_command())
    assert plugin_support.load_worker_config(str(tmp_path)) == written


@pytest.mark.parametrize("content", [None, "{broken", '{"log": "x"}', '{"command": []}'])
def test_a_missing_or_damaged_worker_json_means_the_engine_is_missing(tmp_path, content):
    if content is not None:
        (tmp_path / "worker.json").write_text(content)
    with pytest.raises(errors.InceptionismError) as raised:
        plugin_support.load_worker_config(str(tmp_path))
    assert raised.value.code == "worker-missing" and "worker.json" in raised.value.detail


def test_run_dreams_in_a_fresh_worker_and_returns_meta_and_pixels(tmp_path, worker_env):
    config = write_config(tmp_path, fake_command())
    seen = []
    meta, pixels = plugin_support.run("dream", {"iterations": 2}, TINY,
                                      lambda *event: seen.append(event), config)
    assert pixels == TINY
    assert meta["settings"]["iterations"] == 2 and meta["procedure"] == "dream"
    assert seen == [(0.5, u"step 1 of 2"), (1.0, u"step 2 of 2")]


def test_a_guide_travels_with_the_picture_in_every_image_kind(tmp_path, worker_env):
    """The fake engine echoes the guide it received: its kind and every byte arrive intact,
    after a picture of another kind and size in the same payload (one worker for all kinds)."""
    with plugin_support.Session(write_config(tmp_path, fake_command())) as session:
        for dtype, size in (("u8", 1), ("u16", 2), ("f32", 4)):
            for channels in (1, 2, 3, 4):
                samples = 5 * 4 * channels
                data = os.urandom(samples * size) if dtype != "f32" else b"".join(
                    struct.pack("<f", index / 7.0) for index in range(samples))  # finite floats
                guide = plugin_support.Guide(u"Guide \u00b7 cat", plugin_support.Pixels(
                    5, 4, channels, dtype, data))
                meta, echoed = session.run("dream", {"iterations": 1}, TINY, guide=guide)
                assert echoed == guide.pixels, (dtype, channels)
                assert meta["guide"]["layer"] == u"Guide \u00b7 cat"
    recipe = json.loads(plugin_support.recipe_json(meta))
    assert recipe["guide"]["layer"] == u"Guide \u00b7 cat"


def test_a_guide_shorter_than_it_says_is_refused(tmp_path, worker_env):
    guide = plugin_support.Guide("short", plugin_support.Pixels(5, 4, 3, "u8", b"\x00" * 59))
    with pytest.raises(errors.InceptionismError) as raised:
        plugin_support.run("dream", {"iterations": 1}, TINY, None,
                           write_config(tmp_path, fake_command()), guide=guide)
    assert raised.value.code == "bad-input"
    assert "83 payload bytes where its images need 84" in raised.value.detail  # 24 + 60


def test_run_refuses_bad_settings_before_starting_a_worker(tmp_path):
    config = write_config(tmp_path, ["/nonexistent/worker"])
    with pytest.raises(errors.InceptionismError) as raised:
        plugin_support.run("dream", {"octaves": 0}, TINY, None, config)
    assert raised.value.code == "bad-settings"


def test_a_worker_failure_is_written_to_the_log_the_message_names(tmp_path, worker_env):
    config = write_config(tmp_path, fake_command("crash-at-start"))
    with pytest.raises(errors.InceptionismError) as raised:
        plugin_support.run("dream", {}, TINY, None, config)
    with io.open(config["log"], encoding="utf-8") as handle:
        logged = handle.read()
    assert "dream failed: worker-crashed" in logged and "could not import its engine" in logged
    assert config["log"] in plugin_support.user_message(raised.value, config["log"])


def test_a_preview_picture_is_shrunk_to_the_nearest_columns_as_rgb():
    gray_alpha = [bytes(bytearray([10, 255, 20, 255, 30, 0, 40, 0])),
                  bytes(bytearray([50, 255, 60, 255, 70, 0, 80, 0]))]
    assert plugin_support.shrunk_rgb(gray_alpha, 4, 2, 2) == plugin_support.Pixels(
        2, 2, 3, "u8", bytes(bytearray([10] * 3 + [30] * 3 + [50] * 3 + [70] * 3)))
    rgba = [bytes(bytearray(range(12)))]
    assert plugin_support.shrunk_rgb(rgba, 3, 4, 2).data == bytes(bytearray([0, 1, 2, 4, 5, 6]))


def test_layer_names_say_what_made_the_layer():
    meta = {"procedure": "dream", "settings": {"layer": u"inception4c", "octaves": 4, "iterations": 10}}
    assert plugin_support.layer_name(meta) == u"Dream \u00b7 inception4c \u00b7 4\u00d710"
    visualize = {"procedure": "visualize", "settings": {"class-name": u"banana"}, "random_weights": True}
    assert plugin_support.layer_name(visualize) == u"Visualize \u00b7 banana (random weights)"


def test_the_recipe_keeps_what_recreates_the_layer_and_drops_timings():
    meta = {"procedure": "dream", "version": "0.1.0", "settings": {"seed": 3}, "random_weights": False,
            "device": "cpu", "seconds": 12.5}
    assert json.loads(plugin_support.recipe_json(meta)) == dict(
        (key, meta[key]) for key in ("procedure", "version", "settings", "random_weights", "device"))


def test_user_messages_name_the_log_and_the_check_when_the_installation_is_at_fault():
    message = plugin_support.user_message(errors.InceptionismError("worker-crashed"), "/tmp/x.log")
    assert message.startswith(errors.CODES["worker-crashed"])
    assert "/tmp/x.log" in message and "python3 install.py --check" in message


def test_user_messages_for_what_the_artist_can_fix_skip_the_check():
    message = plugin_support.user_message(errors.InceptionismError("out-of-memory"), "/tmp/x.log")
    assert "/tmp/x.log" in message and "install.py" not in message
    assert plugin_support.user_message(errors.Cancelled()) == errors.CODES["cancelled"]


def test_an_unexpected_exception_still_gets_a_plain_message():
    message = plugin_support.user_message(ValueError("odd"), "/tmp/x.log")
    assert message.startswith(errors.CODES["internal"]) and "odd" in message


@pytest.mark.parametrize("stage, eta_s, text", [
    (u"octave 2 of 4", None, u"octave 2 of 4"), (u"octave 4 of 4", 0.0, u"octave 4 of 4"), (u"octave 2 of 4", 12.4, u"octave 2 of 4, about 12 s left"),
    (u"", 300, u"about 5 min left")])
def test_progress_text(stage, eta_s, text):
    assert plugin_support.progress_text(stage, eta_s) == text


def test_an_error_message_names_the_log_which_holds_the_traceback(tmp_path, worker_env,
                                                                  monkeypatch):
    monkeypatch.setenv("FAKE_FAILURE", "bug")
    config = write_config(tmp_path, fake_command())
    with pytest.raises(errors.InceptionismError) as raised:
        plugin_support.run("dream", {"iterations": 2}, TINY, None, config)
    message = plugin_support.user_message(raised.value, config["log"])
    assert config["log"] in message and "install.py --check" in message
    with io.open(config["log"], encoding="utf-8") as log:
        logged = log.read()
    assert "dream #1 error internal" in logged and "    Traceback" in logged


def test_a_cancel_while_the_engine_starts_stops_the_start(tmp_path, worker_env):
    """A dialog's Cancel while its first preview still waits for the engine: the start stops
    (it used to wait for the engine's hello, up to two minutes, with GTK frozen)."""
    session = plugin_support.Session(write_config(tmp_path, fake_command("silent")))
    raised = []

    def start():
        try:
            session.check_ready("dream", {})
        except errors.InceptionismError as exc:
            raised.append(exc)
    thread = threading.Thread(target=start)
    thread.start()
    while thread.is_alive() and session._starting is None:  # the engine is being started
        time.sleep(0.01)
    session.cancel()
    thread.join(30)
    assert not thread.is_alive(), "the start went on after the cancel"
    assert [exc.code for exc in raised] == ["cancelled"]
    session.close()


def test_a_script_hears_at_once_that_the_network_file_is_missing(tmp_path, worker_env,
                                                                  monkeypatch):
    monkeypatch.setenv("FAKE_WEIGHTS", "missing")
    with plugin_support.Session(write_config(tmp_path, fake_command())) as session:
        with pytest.raises(errors.InceptionismError) as raised:
            session.check_ready("dream", {"model": "googlenet"})
    message = plugin_support.user_message(raised.value, "inceptionism.log")
    assert raised.value.code == "missing-weights"
    assert message.startswith("The GoogLeNet network file is not installed. To install it, run:")
    assert "install.py --weights-file FILE" in message and "--weights FILE" not in message


@pytest.mark.parametrize("procedure, values, where", [
    ("dream", {}, "above-source"),
    ("visualize", {"start": "layer"}, "above-source"),
    ("visualize", {"start": "noise"}, "from-noise"),
    ("zoom", {"start": "layer"}, "new-image"),
    ("zoom", {"start": "noise"}, "new-image"),
])
def test_both_gimps_put_a_result_in_the_same_place(procedure, values, where):
    assert plugin_support.destination(procedure, values) == where
