"""Workers that misbehave on purpose: `python fake_worker.py MODE`.

engine: the real worker serving fake_engine.FakeEngine; silent: never says hello;
crash-at-start: dies with a message on stderr; garbage: prints text instead of frames;
truncated: stops in the middle of a frame; other-protocol: says hello in another protocol version;
huge-hello: a hello that declares a 16 GiB payload, then silence.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "core"))

from inceptionism import PROTOCOL_VERSION, protocol, worker  # noqa: E402
from fake_engine import FakeEngine  # noqa: E402


def silent():
    time.sleep(3600)


def crash_at_start():
    sys.stderr.write("Traceback: the fake worker could not import its engine\n")
    sys.exit(3)


def garbage():
    sys.stdout.write("Loading the network, please wait...\n")
    sys.stdout.flush()
    time.sleep(3600)


def truncated():
    out = os.fdopen(1, "wb")
    out.write(protocol.PREFIX.pack(protocol.MAGIC, 100, 0) + b'{"type": "hel')
    out.flush()


def other_protocol():
    protocol.write_frame(os.fdopen(1, "wb"), {"type": "hello", "protocol": PROTOCOL_VERSION + 1,
                                              "version": "99.0"})
    sys.stdin.read()


def huge_hello():
    out = os.fdopen(1, "wb")
    body = b'{"type": "hello", "protocol": %d}' % PROTOCOL_VERSION
    out.write(protocol.PREFIX.pack(protocol.MAGIC, len(body), 16 << 30) + body + b"\0" * 4096)
    out.flush()
    time.sleep(3600)


MODES = {"engine": lambda: sys.exit(worker.serve_stdio(FakeEngine)), "silent": silent,
         "crash-at-start": crash_at_start, "garbage": garbage, "truncated": truncated,
         "other-protocol": other_protocol, "huge-hello": huge_hello}

if __name__ == "__main__":
    MODES[sys.argv[1]]()
