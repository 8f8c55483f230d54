"""The warm worker (warm.py): the engine stays loaded between plug-in runs, behind a private
Unix-domain socket, and behaves for each plug-in exactly as a worker on pipes."""
import contextlib
import os
import signal
import stat
import sys
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
