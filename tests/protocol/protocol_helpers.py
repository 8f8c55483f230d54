"""What the protocol tests share: fake worker commands, tiny requests, the no-zombie check."""
import errno
import os
import sys

import pytest

from inceptionism import plugin_support, protocol

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE_WORKER = os.path.join(HERE, "fake_worker.py")
TINY = protocol.image_description(4, 3, 4, "u8")
TINY_PIXELS = bytes(bytearray(range(48)))


def fake_command(mode="engine"):
    return [sys.executable, FAKE_WORKER, mode]


def dream_request(iterations=4, image=TINY):
    return {"type": "dream", "settings": {"iterations": iterations}, "image": image}


def assert_reaped(process):
    """The worker has exited and been waited for: no zombie, no orphan."""
    assert process.returncode is not None
    with pytest.raises(OSError) as gone:
        os.kill(process.pid, 0)
    assert gone.value.errno == errno.ESRCH


def real_worker_session(home, monkeypatch, log):
    """A plugin_support.Session on a real worker (random weights) of this checkout's engine,
    with its data folder at home and its log at log."""
    monkeypatch.setenv("INCEPTIONISM_HOME", str(home))
    monkeypatch.setenv("INCEPTIONISM_RANDOM_WEIGHTS", "1")
    monkeypatch.setenv("PYTHONPATH", os.path.join(HERE, "..", "..", "core"))
    return plugin_support.Session({"command": [sys.executable, "-m", "inceptionism.worker"],
                                   "log": str(log)})
