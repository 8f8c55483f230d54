"""Worker start times as a plug-in sees them, alone in its own process.

python bench/cold_start.py  prints one JSON line: seconds from starting the worker to its hello
(torch imported, engine made), to the first progress event of a small default dream (network
built, first step done), and, for a second dream on the same running worker, from its request to
its first progress event (what a worker kept warm between dreams would give).
"""
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "core"))

from inceptionism import client, protocol  # noqa: E402

SIDE = 128


def first_progress(worker, started):
    """Seconds from started to the first progress event of a small default dream."""
    seen = []
    image = protocol.image_description(SIDE, SIDE, 3, "u8")
    worker.request({"type": "dream", "settings": {}, "image": image}, os.urandom(SIDE * SIDE * 3),
                   on_progress=lambda *report: seen or seen.append(time.perf_counter() - started))
    return seen[0]


def main():
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "core"), INCEPTIONISM_RANDOM_WEIGHTS="1")
    started = time.perf_counter()
    with client.WorkerClient([sys.executable, "-m", "inceptionism.worker"], env=env) as worker:
        hello = time.perf_counter() - started
        cold = first_progress(worker, started)
        warm = first_progress(worker, time.perf_counter())
    print(json.dumps({"hello_s": hello, "first_progress_s": cold, "warm_first_progress_s": warm}))


if __name__ == "__main__":
    main()
