"""What the protocol tests share: fake worker commands, tiny requests, the no-zombie check."""
import errno
import os
import sys

import pytest

from inceptionism import protocol

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
