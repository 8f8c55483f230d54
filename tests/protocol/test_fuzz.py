"""A fuzz test of the frame reader and the request checks: random and mutated frames (fixed
seed) into a worker session; every reply must be a frame (an error for what it cannot use), no
thread may die, and memory must stay bounded."""
import io
import json
import random
import resource
import threading

from inceptionism import protocol, worker
from fake_engine import FakeEngine
from protocol_helpers import TINY, TINY_PIXELS

CASES = 3000
SEED = 16
RSS_GROWTH_LIMIT_KB = 200 * 1024

VALID = [({"type": "ping", "id": 1}, b""),
         ({"type": "layers", "id": 2}, b""),
         ({"type": "dream", "id": 3, "settings": {"iterations": 1}, "image": TINY}, TINY_PIXELS),
         ({"type": "preview", "id": 4, "settings": {"iterations": 1}, "side": 8, "image": TINY},
          TINY_PIXELS),
         ({"type": "cancel", "id": 3}, b""),
         ({"type": "shutdown"}, b"")]
ODD_VALUES = [None, True, -1, 0, 1.5, -1e308, 1e308, 2 ** 64, "", "A", "x" * 5000, [], [1, [2]],
              {}, {"width": 1}, float("nan"), float("inf")]


def encoded(header, payload):
    stream = io.BytesIO()
    protocol.write_frame(stream, header, payload)
    return stream.getvalue()


def mutated(rng):
    """One frame (or a few bytes) from a valid one: a field changed, bytes flipped, cut, or a
    lying length."""
    header, payload = rng.choice(VALID)
    header = json.loads(json.dumps(header))
    choice = rng.randrange(7)
    if choice == 0:
        header[rng.choice(list(header) + ["id", "type", "image", "settings", "side"])] = \
            rng.choice(ODD_VALUES)
    elif choice == 1 and "image" in header:
        header["image"][rng.choice(["width", "height", "channels", "dtype"])] = rng.choice(ODD_VALUES)
    elif choice == 2 and "settings" in header:
        header["settings"][rng.choice(["iterations", "layer", "octaves", "seed", "x"])] = \
            rng.choice(ODD_VALUES)
    data = bytearray(encoded(header, payload))
    if choice == 3:
        for _ in range(rng.randrange(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif choice == 4:
        data = data[:rng.randrange(len(data))]
    elif choice == 5:
        data[4:16] = protocol.PREFIX.pack(protocol.MAGIC, rng.randrange(1 << 32),
                                          rng.choice([0, 1, 48, 1 << 20, 1 << 34, 1 << 64 - 1]))[4:]
    elif choice == 6:
        data = bytearray(rng.getrandbits(8) for _ in range(rng.randrange(40)))
    return bytes(data)


def served(raw):
    """The frames a worker session writes for raw input, and the exceptions its threads raised."""
    failures = []
    hook, threading.excepthook = threading.excepthook, failures.append
    try:
        out = io.BytesIO()
        session = worker.Session(io.BytesIO(raw), out)
        session.engine = FakeEngine(lambda text: None)
        session.serve(session.engine.info())
    finally:
        threading.excepthook = hook
    stream = io.BytesIO(out.getvalue())
    return [header for header, _ in iter(lambda: protocol.read_frame(stream), None)], failures


def test_random_and_mutated_frames_get_frames_back_and_memory_stays_bounded(tmp_path, monkeypatch):
    monkeypatch.setenv("INCEPTIONISM_HOME", str(tmp_path))
    rng = random.Random(SEED)
    served(encoded(*VALID[2]))  # imports and first allocations, before the baseline
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kinds = set()
    for case in range(CASES):
        raw = b"".join(mutated(rng) for _ in range(rng.randrange(1, 4)))
        frames, failures = served(raw)
        assert failures == [], "case %d: a thread died: %r" % (case, failures)
        assert frames[0]["type"] == "hello", case
        for header in frames[1:]:
            assert header["type"] in ("error", "pong", "layers", "result", "progress", "log"), case
            if header["type"] == "error":
                assert header["code"] != "internal", (case, header)
                assert len(header["message"]) < 1000 and len(header["detail"]) < 2000, case
            kinds.add(header["type"] if header["type"] != "error" else header["code"])
    assert {"bad-input", "protocol", "pong", "result"} <= kinds  # the cases reach every part
    growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline
    assert growth < RSS_GROWTH_LIMIT_KB, "memory grew by %d kB" % growth
