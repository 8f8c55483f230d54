"""The Dream dialog's preview runner (preview_runner.py), without a GUI: a view that records what
it is told, and a main loop that is a queue the test empties, as GLib's would be."""
import io
import json
import os
import time

try:
    import queue
except ImportError:  # pragma: no cover (Python 2.7 runs the plug-in side, not these tests)
    import Queue as queue

import pytest

from inceptionism import plugin_support, settings
from inceptionism.preview_runner import PreviewRunner
from protocol_helpers import fake_command

SMALL = plugin_support.Pixels(4, 3, 3, "u8", bytes(bytearray(range(36))))
LIGHT = {"recipe": "custom", "depth": "custom", "detail": "custom", "strength": "custom",
         "iterations": 2}


class View(object):
    """What the dialog would show, in order."""
    gallery_hint = u"the view's own words for its gallery"

    def __init__(self):
        self.calls = []

    def values(self):
        return dict(LIGHT)

    def __getattr__(self, name):
        if not name.startswith("show_") and name != "allow_run":
            raise AttributeError(name)
        return lambda *args: self.calls.append((name,) + args)

    def last(self, name):
        return [call[1:] for call in self.calls if call[0] == name][-1]


def dialog(tmp_path, command, pixels=SMALL):
    config = {"command": command, "log": os.path.join(str(tmp_path), "inceptionism.log")}
    with io.open(os.path.join(str(tmp_path), "worker.json"), "w", encoding="utf-8") as handle:
        handle.write(json.dumps(config, ensure_ascii=False))
    session = plugin_support.Session(config)
    view, main_loop = View(), queue.Queue()
    runner = PreviewRunner(session, view, main_loop.put, pixels, (40, 30) if pixels else None)
    return session, view, main_loop, runner


def run_main_loop(main_loop, runner, deadline_s=60):
    """Run what the runner hands to the main loop until its thread has ended."""
    deadline = time.time() + deadline_s
    while time.time() < deadline:
        try:
            main_loop.get(timeout=0.05)()
        except queue.Empty:
            if runner.thread is None or not runner.thread.is_alive():
                if main_loop.empty():
                    return
    raise AssertionError("the preview did not end")


def test_a_preview_is_dreamed_in_the_background_and_shown(tmp_path, worker_env):
    session, view, main_loop, runner = dialog(tmp_path, fake_command())
    runner.start()
    run_main_loop(main_loop, runner)
    assert view.last("show_preview")[0] == SMALL
    assert view.last("show_status")[0].startswith(u"Preview (4 \u00d7 3)")
    assert view.last("allow_run") == (True,)
    assert view.last("show_estimate")[0].startswith(u"Full size (40 \u00d7 30)")
    session.close()


def test_without_the_chosen_network_file_the_dialog_says_so_and_greys_out_the_dream(
        tmp_path, worker_env, monkeypatch):
    monkeypatch.setenv("FAKE_WEIGHTS", "missing")
    monkeypatch.setattr(View, "values", lambda view: dict(LIGHT, model="googlenet"))
    session, view, main_loop, runner = dialog(tmp_path, fake_command())
    runner.start()
    run_main_loop(main_loop, runner)
    assert view.last("allow_run") == (False,)
    status = view.last("show_status")[0]
    assert status.startswith(u"The GoogLeNet network file is not installed.")
    assert u"install.py --weights-file FILE" in status and u"--weights FILE" not in status
    assert not [call for call in view.calls if call[0] == "show_preview"]
    with open(session.config["log"]) as log:
        assert "run button is greyed out: missing-weights" in log.read()
    session.close()


def test_without_the_googlenet_file_the_network_that_came_with_the_engine_dreams(
        tmp_path, worker_env, monkeypatch):
    """Network auto (the default): the worker's hello says GoogLeNet is missing, so Lite0
    dreams, and the dialog lets the artist dream."""
    monkeypatch.setenv("FAKE_WEIGHTS", "missing")
    session, view, main_loop, runner = dialog(tmp_path, fake_command())
    runner.start()
    run_main_loop(main_loop, runner)
    assert view.last("allow_run") == (True,)
    assert session.installed() == {"efficientnet_lite0"}
    assert view.last("show_estimate")[0].endswith(  # under the estimate, once it is known
        u"\nGoogLeNet is not installed yet: dreaming with EfficientNet-Lite0, which came with "
        u"the engine.")
    assert settings.validate("dream", view.values(), installed=session.installed())["model"] \
        == "efficientnet_lite0"
    session.close()


def test_the_dialog_hears_the_hellos_networks_before_its_first_preview_is_dreamed(
        tmp_path, worker_env, monkeypatch):
    """The worker's hello (here: GoogLeNet missing) settles the dialog's values anew before the
    first preview reads them: the files on this side may not be the worker's."""
    monkeypatch.setenv("FAKE_WEIGHTS", "missing")
    session, view, main_loop, runner = dialog(tmp_path, fake_command())
    runner.start()
    run_main_loop(main_loop, runner)
    told = [call[0] for call in view.calls]
    assert told.count("show_networks") == 1
    assert told.index("show_networks") < told.index("show_preview")
    assert view.last("show_networks") == ({"efficientnet_lite0"},)
    session.close()


@pytest.mark.parametrize("pixels", [SMALL, None])
def test_without_an_engine_the_dialog_says_so_and_greys_out_the_dream(tmp_path, pixels):
    session, view, main_loop, runner = dialog(tmp_path, ["/nonexistent/python", "-m", "x"],
                                              pixels)
    runner.start()
    run_main_loop(main_loop, runner)
    assert view.last("allow_run") == (False,)
    assert u"engine is not installed" in view.last("show_status")[0]


def test_closing_the_dialog_while_the_engine_starts_returns_at_once(tmp_path, worker_env):
    session, view, main_loop, runner = dialog(tmp_path, fake_command("silent"))
    runner.start()
    while session._starting is None:
        time.sleep(0.01)
    shown = len(view.calls)
    runner.stop()
    runner.wait()  # the full run would wait here: the stopped start ends at once
    run_main_loop(main_loop, runner)
    assert len(view.calls) == shown  # nothing is shown in a dialog that is gone
    session.close()


@pytest.mark.parametrize("kept", [False, True])
def test_a_kept_channel_gallery_is_shown_at_once_and_none_is_built_unasked(tmp_path, worker_env,
                                                                           monkeypatch, kept):
    if kept:
        monkeypatch.setenv("FAKE_GALLERY_KEPT", "1")
    session, view, main_loop, runner = dialog(tmp_path, fake_command())
    runner.gallery(build=False)
    run_main_loop(main_loop, runner)
    shown = [call for call in view.calls if call[0] == "show_gallery"]
    assert len(shown) == int(kept)
    if not kept:  # the preview's words (what dreamed it) stay
        assert not [call for call in view.calls if call[0] == "show_status"]
    assert not [call for call in view.calls if "%" in u"".join(map(type(u""), call[1:]))]
    session.close()


def test_a_channel_gallery_is_built_with_progress_and_shown(tmp_path, worker_env):
    session, view, main_loop, runner = dialog(tmp_path, fake_command())
    runner.gallery()
    run_main_loop(main_loop, runner)
    sheet, meta = view.last("show_gallery")
    assert sheet == plugin_support.Pixels(2, 2, 3, "u8", b"\x07" * 12)
    assert (meta["layer"], meta["channels"], meta["cell"]) == ("inception4c", 1, [2, 2])
    statuses = [call[1] for call in view.calls if call[0] == "show_status"]
    assert u"Channel gallery of inception4c: 50%, batch 1 of 2" in statuses
    assert statuses[-1] == u"Channel gallery of inception4c: the view's own words for its gallery"
    with io.open(os.path.join(str(tmp_path), "inceptionism.log"), encoding="utf-8") as handle:
        assert "channel gallery of inception4c shown (1 channels)" in handle.read()
    session.close()
