"""Fake workers, a private data folder and a check that no worker process is left behind."""
import errno
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE_WORKER = os.path.join(HERE, "fake_worker.py")


def fake_command(mode="engine"):
    return [sys.executable, FAKE_WORKER, mode]


def assert_reaped(process):
    """The worker has exited and been waited for: no zombie, no orphan."""
    assert process.returncode is not None
    with pytest.raises(OSError) as gone:
        os.kill(process.pid, 0)
    assert gone.value.errno == errno.ESRCH


@pytest.fixture
def worker_env(tmp_path, monkeypatch):
    """The environment of a worker with its own log; tests add FAKE_STEP_S / FAKE_FAILURE."""
    monkeypatch.setenv("INCEPTIONISM_HOME", str(tmp_path))
    env = dict(os.environ)
    for name in ("FAKE_STEP_S", "FAKE_FAILURE"):
        env.pop(name, None)
    return env
