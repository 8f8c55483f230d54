"""Each network's default dream at one size, in turns in one process: seconds, and the ratio to
GoogLeNet's in the same run; with the FLOPs of one forward pass to its default layer.

    python bench/network_speed.py [--side 768] [--repeat 3] [--models googlenet efficientnet_lite0]

The weights do not change the time: every network runs with random weights here, so GoogLeNet
(whose file cannot be downloaded everywhere) is measured beside EfficientNet-Lite0. Set
INCEPTIONISM_COMPUTE_DTYPE=float32 ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 for an AVX2
machine's float32 path.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch
from torch.utils.flop_counter import FlopCounterMode

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "core"))
from inceptionism import catalogue  # noqa: E402
from inceptionism.engine import Engine  # noqa: E402


def forward_gflops(engine, model, side):
    layer = catalogue.network(model).default_layer
    network = engine.network(model, [layer])
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        network(network.normalise(torch.rand(1, 3, side, side)))
    return counter.get_total_flops() / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=768)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--models", nargs="+", default=["googlenet", "efficientnet_lite0"])
    args = parser.parse_args()
    engine = Engine(device="cpu", random_weights=True)
    picture = (np.random.RandomState(0).rand(args.side, args.side, 3) * 255).astype(np.uint8)
    times = dict((model, []) for model in args.models)
    for model in args.models:  # a first, uncounted dream builds each network
        engine.dream(picture[:64, :64], {"model": model})
    for _ in range(args.repeat):
        for model in args.models:
            started = time.monotonic()
            _, meta = engine.dream(picture, {"model": model})
            times[model].append(time.monotonic() - started)
    reference = statistics.median(times[args.models[0]])
    print("%d x %d, the default dream (%s), %d runs each in turns, torch %s, computing in %s"
          % (args.side, args.side, "4 octaves x 10 steps", args.repeat, torch.__version__,
             meta["speed"]["compute_dtype"]))
    print("| network | layer | forward GFLOP | median s | min-max s | time / %s |"
          % args.models[0])
    print("|---|---|---|---|---|---|")
    for model in args.models:
        median = statistics.median(times[model])
        print("| %s | %s | %.1f | %.2f | %.2f-%.2f | %.2f |" % (
            model, catalogue.network(model).default_layer,
            forward_gflops(engine, model, args.side), median, min(times[model]),
            max(times[model]), median / reference))


if __name__ == "__main__":
    main()
