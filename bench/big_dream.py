"""Peak memory and time of one large dream through the engine, alone in its own process.

python bench/big_dream.py 8000 [--iterations 1]  prints one JSON line: the side, the seconds,
the process's peak resident memory and what it held before the dream (torch and the network).
Memory does not depend on the iterations, so one iteration measures the peak of any dream.
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "core"))

import numpy as np  # noqa: E402

from inceptionism import settings  # noqa: E402
from inceptionism.engine import Engine  # noqa: E402
from measure import memory_status  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("side", type=int)
    parser.add_argument("--iterations", type=int, default=1)
    args = parser.parse_args()
    engine = Engine(device="cpu", random_weights=True)
    values = settings.validate("dream", {"iterations": args.iterations},
                               installed=engine.installed())
    engine.network(values["model"], [values["layer"]])  # built before: counted in "before"
    pixels = np.random.RandomState(0).randint(0, 256, (args.side, args.side, 3), dtype=np.uint8)
    before = memory_status("VmRSS")
    started = time.perf_counter()
    engine.dream(pixels, values)
    seconds = time.perf_counter() - started
    print(json.dumps({"side": args.side, "iterations": args.iterations, "seconds": seconds,
                      "peak_bytes": memory_status("VmHWM"), "before_bytes": before}))


if __name__ == "__main__":
    main()
