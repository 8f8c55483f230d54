"""A worker told to use a cluster (worker.json's command ends in --cluster ADDRESS, as
install.py --cluster-address writes it) that cannot: Ray missing from the engine's venv, or a
cluster that is not there or does not answer. Dream animation then says so in one line, in
bounded time, and the worker goes on serving; none of it reads as a broken install."""
import socket
import sys
import time

import pytest

from inceptionism import cluster, errors, plugin_support
from protocol_helpers import real_worker_session
from test_animate_worker import LIGHT, frame

pytestmark = pytest.mark.slow
WITHOUT_RAY = "import sys; sys.modules['ray'] = None; from inceptionism import worker; " \
              "sys.exit(worker.main())"  # import ray fails, as in a venv without the extra


def failed_animation(session):
    """The error Dream animation's two frames end in, and the worker's answer to a ping after."""
    with pytest.raises(errors.InceptionismError) as failure:
        session.animate(dict(LIGHT, flicker="free"), 2, frame)
    return failure.value, session.worker.request({"type": "ping"})[0]["type"]


def assert_told_in_one_line(failure, words, log):
    text = plugin_support.user_message(failure, str(log))
    assert failure.code == "bad-settings" and words in failure.message, failure.message
    assert "\n" not in failure.message
    assert "install.py --check" not in text and "not installed. Run install.py" not in text


def cluster_session(tmp_path, monkeypatch, command):
    session = real_worker_session(tmp_path, monkeypatch, tmp_path / "log.txt")
    session.config["command"] = command
    return session


def test_ray_missing_from_the_engines_venv_names_install_py_cluster(tmp_path, monkeypatch):
    command = [sys.executable, "-c", WITHOUT_RAY, "--cluster", "local:2"]
    with cluster_session(tmp_path, monkeypatch, command) as session:
        failure, pong = failed_animation(session)
    assert_told_in_one_line(failure, "Ray is not installed in the engine's venv: run python3 "
                                     "install.py --cluster", tmp_path / "log.txt")
    assert "local:2" in failure.message and pong == "pong"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_cluster_that_is_not_there_is_told_at_once(tmp_path, monkeypatch):
    pytest.importorskip("ray", reason="the cluster extra is part of the test venv (--dev)")
    address = "ray://127.0.0.1:%d" % free_port()  # nothing listens there
    command = [sys.executable, "-m", "inceptionism.worker", "--cluster", address]
    with cluster_session(tmp_path, monkeypatch, command) as session:
        session.check_ready("animate", dict(LIGHT, flicker="free"))
        started = time.monotonic()
        failure, pong = failed_animation(session)
        seconds = time.monotonic() - started
    assert_told_in_one_line(failure, "Cannot reach the Ray cluster at %s: " % address,
                            tmp_path / "log.txt")
    assert seconds < cluster.CONNECT_S and pong == "pong"  # not Ray's own half minute


def test_a_cluster_that_does_not_answer_is_given_up_after_the_time_allowed(tmp_path,
                                                                          monkeypatch):
    """Something takes the connection and says nothing (a Ray head that hangs, a firewall that
    swallows it): the message comes once INCEPTIONISM_CLUSTER_CONNECT_S have passed."""
    pytest.importorskip("ray", reason="the cluster extra is part of the test venv (--dev)")
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        address = "ray://127.0.0.1:%d" % silent.getsockname()[1]
        monkeypatch.setenv("INCEPTIONISM_CLUSTER_CONNECT_S", "3")
        command = [sys.executable, "-m", "inceptionism.worker", "--cluster", address]
        with cluster_session(tmp_path, monkeypatch, command) as session:
            session.check_ready("animate", dict(LIGHT, flicker="free"))
            failure, pong = failed_animation(session)
    assert_told_in_one_line(failure, "Cannot reach the Ray cluster at %s: no answer within 3 s"
                            % address, tmp_path / "log.txt")
    assert pong == "pong"


def test_bounded_gives_up_on_time_and_undoes_a_late_connection():
    disconnected = []

    def slow_connect():
        time.sleep(1.0)
    with pytest.raises(errors.InceptionismError) as failure:
        cluster.bounded(slow_connect, lambda: disconnected.append(True), 0.2, None,
                        "too slow", "busy")
    assert failure.value.message == "too slow"
    assert failure.value.code == "bad-settings"
    with pytest.raises(errors.InceptionismError) as again:  # not beside the one still running
        cluster.bounded(lambda: None, lambda: None, 5, None, "too slow", "busy")
    assert again.value.message == "busy"
    time.sleep(1.5)
    assert disconnected == [True]
    with pytest.raises(errors.Cancelled):
        cluster.bounded(slow_connect, lambda: None, 30, lambda: True, "too slow", "busy")
    time.sleep(1.5)
    cluster.bounded(lambda: None, lambda: disconnected.append(False), 5, None, "too slow",
                    "busy")
    assert disconnected == [True]
