"""How fast pixels cross the protocol: a large image to a worker and back, in MB/s.

Run with the engine venv: python bench/protocol_throughput.py [--width 4000 --height 3000]
The worker is tests/protocol/fake_worker.py (the real worker serving an engine that echoes), so
the figure is the protocol's and the worker's pixel handling, not the dream's. Target: >= 200 MB/s.
It also reports the ratio to a bare pipe copy of the same bytes, the ceiling on this machine.
"""
import argparse
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "core"))

from inceptionism import client, protocol  # noqa: E402

FAKE_WORKER = os.path.join(ROOT, "tests", "protocol", "fake_worker.py")
PIPE_COPY = "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read(%d)); sys.stdout.flush()"


def protocol_round_trip(worker, image, pixels):
    started = time.perf_counter()
    header, payload = worker.request({"type": "dream", "settings": {"iterations": 1}, "image": image},
                                     pixels)
    seconds = time.perf_counter() - started
    assert payload == pixels, "the pixels came back changed"
    return seconds


def bare_pipe_round_trip(pixels):
    """The same bytes through a child's stdin and back, with no framing or decoding."""
    child = subprocess.Popen([sys.executable, "-c", PIPE_COPY % len(pixels)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    started = time.perf_counter()
    writer = threading.Thread(target=lambda: (child.stdin.write(pixels), child.stdin.close()))
    writer.start()
    echoed = child.stdout.read(len(pixels))
    seconds = time.perf_counter() - started
    writer.join(), child.wait(), child.stdout.close()
    assert echoed == pixels
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--height", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    image = protocol.image_description(args.width, args.height, 4, "u8")
    pixels = os.urandom(protocol.image_bytes(image))
    megabytes = 2 * len(pixels) / 1e6  # there and back
    with client.WorkerClient([sys.executable, FAKE_WORKER, "engine"]) as worker:
        protocol_round_trip(worker, image, pixels)  # warm: imports numpy and torch in the worker
        framed = min(protocol_round_trip(worker, image, pixels) for _ in range(args.repeat))
    bare = min(bare_pipe_round_trip(pixels) for _ in range(args.repeat))
    print("%dx%d RGBA u8, %.0f MB there and back, best of %d" % (args.width, args.height, megabytes,
                                                                  args.repeat))
    print("%-34s %8.0f MB/s" % ("protocol round trip (worker echo)", megabytes / framed))
    print("%-34s %8.0f MB/s" % ("bare pipe copy", megabytes / bare))
    print("%-34s %8.2f" % ("protocol / bare pipe", bare / framed))


if __name__ == "__main__":
    main()
