"""Relays racing for the warm worker, and what may sit at the socket path: two relays started
in the same instant share one warm worker (the start lock), a worker leaving never removes a
socket that is not its own, and a stale link or folder at the socket path costs no wait."""
import io
import os
import subprocess
import sys
import time

import pytest

from inceptionism import protocol, warm
from protocol_helpers import HERE
from warm_processes import warm_workers_of

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not warm.supported(), reason="no Unix-domain sockets here")]
DRIVER = os.path.join(HERE, "relay_driver.py")
RACES = 20
IDLE_S = "0.5"


def frames(*headers):
    stream = io.BytesIO()
    for header in headers:
        protocol.write_frame(stream, header)
    return stream.getvalue()


def replies(data):
    stream = io.BytesIO(data)
    return [header for header, _ in iter(lambda: protocol.read_frame(stream), None)]


def relays_at_once(env, count=2):
    """Start count relays that connect in the same instant; each pings; their replies."""
    start_at = "%.3f" % (time.time() + 0.6)
    processes = [subprocess.Popen([sys.executable, DRIVER, start_at, IDLE_S], env=env,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for _ in range(count)]
    results = []
    for process in processes:
        out, err = process.communicate(frames({"type": "ping", "id": 1}, {"type": "shutdown"}),
                                       timeout=60)
        assert process.returncode == 0, err.decode()
        results.append(replies(out))
    return results


def wait_until(condition, seconds=20.0):
    deadline = time.time() + seconds
    while time.time() < deadline and not condition():
        time.sleep(0.05)
    return condition()


def test_two_relays_started_together_share_one_warm_worker_every_time(tmp_path):
    for race in range(RACES):
        home = str(tmp_path / str(race))
        env = dict(os.environ, INCEPTIONISM_HOME=home, INCEPTIONISM_RANDOM_WEIGHTS="1")
        first, second = relays_at_once(env)
        assert [h["type"] for h in first] == [h["type"] for h in second] == ["hello", "pong"], race
        assert first[0]["pid"] == second[0]["pid"], "race %d: two warm workers" % race
        with open(os.path.join(home, "inceptionism.log")) as log:
            assert log.read().count("warm worker listening") == 1, race
        assert wait_until(lambda: not warm_workers_of(home)), "race %d: a worker stayed" % race
        assert [name for name in os.listdir(os.path.join(home, "run"))
                if name.endswith(".sock")] == [], race


def test_a_leaving_worker_removes_only_its_own_socket(tmp_path):
    path = str(tmp_path / "run" / "worker.sock")
    listener, inode = warm.listen(path)
    os.unlink(path)  # what a second relay's worker did before the start lock
    newer, _ = warm.listen(path)  # another worker's socket now has the name
    try:
        warm.remove_if_ours(path, inode)  # still listening: our inode cannot have been reused
        assert os.path.exists(path)
    finally:
        listener.close()
        newer.close()


@pytest.mark.parametrize("what", ["dangling link", "empty folder", "stale file"])
def test_whatever_is_left_at_the_socket_path_is_cleared_without_a_wait(tmp_path, what):
    home = str(tmp_path / "home")
    env = dict(os.environ, INCEPTIONISM_HOME=home, INCEPTIONISM_RANDOM_WEIGHTS="1")
    path = socket_path_for(env)
    os.makedirs(os.path.dirname(path), 0o700)
    if what == "dangling link":
        os.symlink(str(tmp_path / "nowhere"), path)
    elif what == "empty folder":
        os.mkdir(path)
    else:
        open(path, "w").close()
    started = time.time()
    (replies_,) = relays_at_once(env, count=1)
    assert [h["type"] for h in replies_] == ["hello", "pong"]
    assert time.time() - started < warm.LISTEN_TIMEOUT_S


def test_a_folder_with_files_at_the_socket_path_is_explained_and_the_plugin_served(tmp_path):
    """The relay cannot clear it (it may hold someone's files): it says so in the log and
    serves the plug-in on its own pipes."""
    home = str(tmp_path / "home")
    env = dict(os.environ, INCEPTIONISM_HOME=home, INCEPTIONISM_RANDOM_WEIGHTS="1")
    path = socket_path_for(env)
    os.makedirs(path)
    open(os.path.join(path, "keep-me"), "w").close()
    (replies_,) = relays_at_once(env, count=1)
    assert [h["type"] for h in replies_] == ["hello", "pong"]
    assert os.path.exists(os.path.join(path, "keep-me"))
    with open(os.path.join(home, "inceptionism.log")) as log:
        assert "is a folder with files in it" in log.read()


def socket_path_for(env):
    """The socket path a relay with env uses (socket_path reads the environment)."""
    code = ("import sys; sys.path.insert(0, %r); from inceptionism import warm; "
            "print(warm.socket_path(['--device', 'auto']))" % os.path.join(HERE, "..", "..", "core"))
    return subprocess.check_output([sys.executable, "-c", code], env=env).decode().strip()
