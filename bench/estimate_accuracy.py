"""How close the Dream dialog's time estimate comes to the dream it announces.

python bench/estimate_accuracy.py [--sizes 400x300,640x420,1024x768] [--random-weights]

For each size, from a cold start (a fresh data folder with no speed.json, a fresh worker), it
does what an artist's dialog does: a preview of the picture, then the estimate the dialog shows
(preview.estimate), then the full dream with the dialog's default settings (the Classic look).
It prints a Markdown table: the estimate, the dream's own time (the engine's ascent, what the
estimate predicts) and the whole request as the plug-in waits for it, and the estimate's error
against the dream. The goal is within +-35 %.
"""
import argparse
import os
import platform
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "core"))

from inceptionism import plugin_support, preview, settings  # noqa: E402

GOAL = 0.35


def picture(width, height):
    """Smooth stripes and a gradient: something for the network to see, the same every run."""
    data = bytearray()
    for y in range(height):
        for x in range(width):
            data.extend(((x * 3 + y) % 256, (y * 2) % 256, (x * y // 64) % 256))
    return plugin_support.Pixels(width, height, 3, "u8", bytes(data))


def one_size(width, height, worker_command):
    """(estimated seconds, dream seconds, request seconds) from a cold start."""
    home = tempfile.mkdtemp(prefix="inceptionism-estimate-")
    os.environ["INCEPTIONISM_HOME"] = home
    try:
        values = settings.validate("dream", dict(
            (s.name, s.default) for s in settings.for_dialog("dream")))
        pixels = picture(width, height)
        config = {"command": worker_command, "log": os.path.join(home, "inceptionism.log")}
        with plugin_support.Session(config) as session:
            session.preview(values, pixels)
            estimated, _ = preview.estimate(values, width, height)
            started = time.perf_counter()
            meta, _ = session.run("dream", values, pixels)
            request = time.perf_counter() - started
        return estimated, meta["speed"]["seconds"], request
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="400x300,640x420,1024x768")
    parser.add_argument("--random-weights", action="store_true",
                        help="random networks (the same speed as the published ones)")
    args = parser.parse_args()
    command = [sys.executable, "-m", "inceptionism.worker", "--device", "cpu"] + (
        ["--random-weights"] if args.random_weights else [])
    os.environ["PYTHONPATH"] = os.path.join(ROOT, "core")
    print("Estimate accuracy on %s (%d CPUs), %s, cold start for each size\n"
          % (platform.processor() or platform.machine(), os.cpu_count(),
             "random weights" if args.random_weights else "installed weights"))
    print("| size | estimate | dream | whole request | error | within +-35 % |")
    print("|---|---|---|---|---|---|")
    for size in args.sizes.split(","):
        width, height = (int(side) for side in size.split("x"))
        estimated, dreamed, request = one_size(width, height, command)
        error = estimated / dreamed - 1
        print("| %d x %d | %.1f s | %.1f s | %.1f s | %+.0f %% | %s |" % (
            width, height, estimated, dreamed, request, 100 * error,
            "yes" if abs(error) <= GOAL else "no"))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
