"""The warm worker (warm.py): the engine stays loaded between plug-in runs, behind a private
Unix-domain socket, and behaves for each plug-in exactly as a worker on pipes."""
import contextlib
import os
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time

import pytest

from inceptionism import client, errors, protocol, warm
from protocol_helpers import HERE

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not warm.supported(), reason="no Unix-domain sockets here")]
CORE = os.path.join(HERE, "..", "..", "core")
IMAGE = protocol.image_description(48, 40, 3, "u8")
PIXELS = os.urandom(48 * 40 * 3)


def dream(settings):
    return {"type": "dream", "settings": dict({"layer": "conv2", "octaves": 1}, **settings),
            "image": IMAGE}


def gone(pid):
    """True once pid has exited (a zombie waiting for init counts as gone)."""
    try:
        with open("/proc/%d/status" % pid) as status:
            return "\nState:\tZ" in status.read()
    except IOError:
        return True


def sockets():
    folder = os.path.join(os.environ["INCEPTIONISM_HOME"], "run")
    return [name for name in os.listdir(folder) if name.endswith(".sock")]


def wait_until(condition, seconds=20.0):
    deadline = time.time() + seconds
    while time.time() < deadline and not condition():
        time.sleep(0.1)
    return condition()


@pytest.fixture
def warm_env(tmp_path, monkeypatch):
    """A data folder of its own (so its own socket), random weights, this checkout's engine;
    every warm worker started here is stopped afterwards."""
    home = tmp_path / "home"  # short: a socket path has about 100 bytes
    monkeypatch.setenv("INCEPTIONISM_HOME", str(home))
    monkeypatch.setenv("INCEPTIONISM_RANDOM_WEIGHTS", "1")
    monkeypatch.setenv("PYTHONPATH", CORE)
    started = []
    yield started
    for pid in started:
        if not gone(pid):
            os.kill(pid, signal.SIGKILL)


def start(started, keep_warm=30, options=()):
    """A started plug-in side client whose worker relays to the warm worker."""
    worker = client.WorkerClient([sys.executable, "-m", "inceptionism.worker",
                                  "--keep-warm", str(keep_warm)] + list(options))
    worker.start()
    started.append(worker.hello["pid"])
    return worker


@contextlib.contextmanager
def running(started, keep_warm=30):
    worker = start(started, keep_warm)
    try:
        yield worker
    finally:
        worker.close()


def test_the_second_plugin_run_finds_the_engine_already_loaded(warm_env):
    with running(warm_env) as first:
        first.request(dream({"iterations": 1}), PIXELS)
        warm_pid = first.hello["pid"]
    assert warm_pid != first.process.pid  # the plug-in's worker only relayed
    with running(warm_env) as second:
        assert second.hello["pid"] == warm_pid
        header, data = second.request(dream({"iterations": 1}), PIXELS)
        assert header["type"] == "result" and len(data) == len(PIXELS)
    assert first.process.returncode == 0 and second.process.returncode == 0  # reaped relays


def test_only_this_user_can_reach_the_warm_worker(warm_env):
    with running(warm_env) as worker:
        (name,) = sockets()
        folder = os.path.join(os.environ["INCEPTIONISM_HOME"], "run")
        path = os.path.join(folder, name)
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
        assert stat.S_ISSOCK(os.stat(path).st_mode) and stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert worker.request({"type": "ping"})[0]["type"] == "pong"


def test_a_cancel_passes_through_and_the_warm_worker_serves_on(warm_env):
    with running(warm_env) as worker:
        with pytest.raises(errors.Cancelled):
            worker.request(dream({"iterations": 200}), PIXELS,
                           on_progress=lambda *event: worker.cancel())
        assert worker.request({"type": "ping"})[0]["type"] == "pong"


def test_a_killed_plugin_stops_its_dream_but_not_the_warm_worker(warm_env):
    worker = start(warm_env)
    with pytest.raises(errors.InceptionismError):
        worker.request(dream({"iterations": 200}), PIXELS,
                       on_progress=lambda *event: worker.process.kill())
    worker.close()
    with running(warm_env) as again:
        assert again.hello["pid"] == worker.hello["pid"]
        assert again.request({"type": "ping"})[0]["type"] == "pong"
    with open(os.path.join(os.environ["INCEPTIONISM_HOME"], "inceptionism.log")) as log:
        assert "dream #1 error cancelled" in log.read()


def test_the_warm_worker_leaves_after_its_idle_time_and_removes_its_socket(warm_env):
    with running(warm_env, keep_warm=1) as worker:
        worker.request({"type": "ping"})
    assert wait_until(lambda: gone(worker.hello["pid"]))
    assert sockets() == []  # the start lock stays: removing a lock file races with its users


def test_an_engine_that_cannot_start_says_why_and_the_next_run_tries_afresh(warm_env):
    for attempt in range(2):
        with pytest.raises(errors.InceptionismError) as raised:
            start(warm_env, options=["--device", "cuda:7"])
        assert raised.value.code == "bad-settings" and "cuda:7" in raised.value.message, attempt
    with open(os.path.join(os.environ["INCEPTIONISM_HOME"], "inceptionism.log")) as log:
        assert log.read().count("could not start") == 2


# ---- several plug-ins at once

def test_an_idle_connection_does_not_keep_other_plugins_waiting(warm_env):
    """A Dream dialog keeps its connection while it is open; another run is served at once."""
    with running(warm_env) as dialog:
        other = client.WorkerClient(dialog.command, start_timeout=20)
        try:
            other.start()
            assert other.hello["pid"] == dialog.hello["pid"]
            header, _ = other.request(dream({"iterations": 1}), PIXELS)
            assert header["type"] == "result"
        finally:
            other.close()
        assert dialog.request({"type": "ping"})[0]["type"] == "pong"


def test_a_second_dream_waits_its_turn_and_says_so(warm_env):
    """While one plug-in dreams, another's dream waits with a "waiting" text (no timeout, even
    with a short silence limit) and runs once the first is done."""
    first, second = start(warm_env), start(warm_env)
    second.idle_timeout = 5.0
    stages, results = [], []

    def second_dream():
        try:
            results.append(second.request(dream({"iterations": 2}), PIXELS,
                                          on_progress=lambda f, stage, eta: stages.append(stage)))
        except errors.InceptionismError as exc:
            results.append(exc)

    thread = threading.Thread(target=second_dream)

    def on_first_progress(fraction, stage, eta_s):
        if not thread.is_alive() and not results:
            thread.start()
        if any(stage.startswith("waiting") for stage in stages):
            first.cancel()

    try:
        big = protocol.image_description(400, 400, 3, "u8")
        with pytest.raises(errors.Cancelled):  # 200 steps on 400 x 400: long enough to queue
            first.request(dict(dream({"iterations": 200}), image=big), os.urandom(400 * 400 * 3),
                          on_progress=on_first_progress)
        thread.join(60)
        assert stages[0] == "waiting for the other dream (1 ahead)"
        (header, data), = results
        assert header["type"] == "result" and len(data) == len(PIXELS)
    finally:
        first.close()
        second.close()


# ---- trust

def test_the_data_folder_run_folder_and_log_are_private_whatever_the_umask(warm_env):
    old = os.umask(0)
    try:
        with running(warm_env) as worker:
            worker.request({"type": "ping"})
    finally:
        os.umask(old)
    home = os.environ["INCEPTIONISM_HOME"]
    assert stat.S_IMODE(os.stat(home).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(os.path.join(home, "run")).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(os.path.join(home, "inceptionism.log")).st_mode) == 0o600


def test_a_run_folder_others_may_write_to_is_not_used(warm_env):
    """Another user could swap the socket there: the plug-in is served on its own pipes."""
    home = os.environ["INCEPTIONISM_HOME"]
    os.makedirs(os.path.join(home, "run"))
    os.chmod(os.path.join(home, "run"), 0o777)
    with running(warm_env) as worker:
        assert worker.hello["pid"] == worker.process.pid  # no relay: the worker itself
    with open(os.path.join(home, "inceptionism.log")) as log:
        assert "others may write to" in log.read()


def test_a_data_folder_the_group_may_write_to_is_tightened_not_refused(tmp_path):
    """umask 002 (common on Debian and Ubuntu) made earlier data folders 0775."""
    data = tmp_path / "data"
    data.mkdir()
    os.chmod(str(data), 0o775)
    warm.private_folder(str(data / "run" / "worker.sock"))
    assert stat.S_IMODE(os.stat(str(data)).st_mode) == 0o755
    assert stat.S_IMODE(os.stat(str(data / "run")).st_mode) == 0o700


def test_a_run_folder_of_another_user_is_refused(tmp_path, monkeypatch):
    path = str(tmp_path / "run" / "worker.sock")
    os.makedirs(os.path.dirname(path), 0o700)
    monkeypatch.setattr(os, "getuid", lambda: os.stat(str(tmp_path)).st_uid + 1)
    with pytest.raises(warm.Unusable) as refused:
        warm.private_folder(path)
    assert "belongs to another user" in str(refused.value)


def test_both_ends_check_the_other_ends_user(tmp_path, monkeypatch):
    """The relay refuses a worker of another user, the worker a relay of another user."""
    path = str(tmp_path / "run" / "worker.sock")
    listener, inode = warm.listen(path)
    logged = []
    serving = threading.Thread(target=warm.serve, args=(
        listener, path, inode, 5, lambda frames_in, frames_out: pytest.fail("served"),
        logged.append))
    serving.daemon = True
    monkeypatch.setattr(warm, "peer_uid", lambda connection: os.getuid() + 1)
    serving.start()
    with pytest.raises(warm.Unusable):
        warm._connect(path)
    assert wait_until(lambda: any("refused a connection from user" in line for line in logged))
    serving.join(10)


def test_a_module_in_the_current_folder_never_runs_in_the_warm_worker(warm_env, tmp_path):
    """GIMP starts plug-ins in whatever folder it was started from; a queue.py there must not
    pass for the standard library's (install.py starts the relay with -I, the relay the warm
    worker with -I in the data folder)."""
    folder = tmp_path / "artist"
    folder.mkdir()
    marker = tmp_path / "shadowed"
    for name in ("queue", "argparse", "inceptionism"):
        (folder / (name + ".py")).write_text("open(%r, 'w').close()\n" % str(marker))
    worker = client.WorkerClient([sys.executable, "-I", "-m", "inceptionism.worker",
                                  "--keep-warm", "30"])
    here = os.getcwd()
    os.chdir(str(folder))
    try:
        worker.start()
    finally:
        os.chdir(here)
    try:
        warm_env.append(worker.hello["pid"])
        assert worker.request({"type": "ping"})[0]["type"] == "pong"
        assert os.readlink("/proc/%d/cwd" % worker.hello["pid"]) == os.environ["INCEPTIONISM_HOME"]
    finally:
        worker.close()
    assert not marker.exists()


def test_a_home_folder_of_100_characters_still_gets_a_warm_worker(warm_env, tmp_path,
                                                                   monkeypatch):
    """The data folder's run/ is too deep for a socket there: the socket goes into
    $XDG_RUNTIME_DIR/inceptionism, and the second run finds the engine loaded."""
    home = str(tmp_path / "h")
    home += "o" * (100 - len(home))
    monkeypatch.setenv("HOME", home)
    for name in ("INCEPTIONISM_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    runtime = tempfile.mkdtemp(prefix="xdg-")
    monkeypatch.setenv("XDG_RUNTIME_DIR", runtime)
    try:
        with running(warm_env) as first:
            first.request({"type": "ping"})
        assert first.hello["pid"] != first.process.pid  # relayed to a warm worker
        folder = os.path.join(runtime, "inceptionism")
        assert [name for name in os.listdir(folder) if name.endswith(".sock")]
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
        with running(warm_env) as second:
            assert second.hello["pid"] == first.hello["pid"]
    finally:
        for pid in warm_env:
            if not gone(pid):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(runtime, ignore_errors=True)


def test_without_a_runtime_folder_the_socket_goes_to_a_private_folder_in_the_temporary_one(
        tmp_path, monkeypatch):
    monkeypatch.setenv("INCEPTIONISM_HOME", str(tmp_path / ("d" * 100)))
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    shared = tempfile.mkdtemp(prefix="s-")  # short, as /tmp is
    try:
        os.chmod(shared, 0o1777)  # as /tmp: anyone may write, nobody may move another's
        monkeypatch.setattr(tempfile, "tempdir", shared)
        path = warm.socket_path(["--device", "cpu"])
        assert os.path.dirname(path) == os.path.join(shared, "inceptionism-%d" % os.getuid())
        warm.private_folder(path)
        assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
        os.chmod(os.path.dirname(path), 0o777)
        with pytest.raises(warm.Unusable):
            warm.private_folder(path)
    finally:
        shutil.rmtree(shared)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / ("t" * 100)))
    assert warm.socket_path(["--device", "cpu"]) is None


def test_a_silent_animation_loses_its_turn_and_the_next_dream_runs(warm_env, monkeypatch):
    """A plug-in that starts an animation and then sends no frame holds the engine: after
    FRAME_WAIT_S (lowered here) its request ends with bad-input saying so, and the dream that
    waited its turn behind it runs."""
    monkeypatch.setenv("INCEPTIONISM_FRAME_WAIT_S", "3")
    silent, waiting = start(warm_env), start(warm_env)
    stages, results = [], []

    def queued_dream():
        try:
            results.append(waiting.request(dream({"iterations": 1}), PIXELS, on_progress=lambda
                                           fraction, stage, eta: stages.append(stage)))
        except errors.InceptionismError as exc:
            results.append(exc)
    thread = threading.Thread(target=queued_dream)
    animation = {"type": "animate", "count": 3, "image": IMAGE,
                 "settings": {"layer": "conv2", "octaves": 1, "iterations": 1}}
    try:
        with pytest.raises(errors.InceptionismError) as stalled:
            silent.request(animation, PIXELS, on_frame=lambda header, data: thread.start())
        assert stalled.value.code == "bad-input"
        assert stalled.value.message.startswith("No frame of the animation came for 3 s")
        thread.join(60)
        assert "waiting for the other dream (1 ahead)" in stages
        (header, data), = results
        assert header["type"] == "result" and len(data) == len(PIXELS)
    finally:
        silent.close()
        waiting.close()
