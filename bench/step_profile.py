"""Where one gradient step of the default dream spends its time, by kind of operation.

python bench/step_profile.py [--side 512] [--steps 5]

One 512-pixel tile (what the engine runs at every size), the engine's network (cut, folded,
channels_last, bfloat16 where native), profiled by torch's profiler over a few steps after
warm-up. Prints each group's share of the step and the convolutions' own GFLOP/s against the
matrix-product ceilings that apply (float32, and bfloat16 where the engine computes in it)
measured in the same run: it says whether what is left of the ceiling is lost in the
convolutions or in the operations between them.
"""
import argparse
import collections
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "core"))
sys.path.insert(0, HERE)

import torch  # noqa: E402
from torch.profiler import ProfilerActivity, profile  # noqa: E402

from inceptionism import dream, models, objectives  # noqa: E402
from measure import (ceilings, counted_flops, dtype_name, load_average, machine,  # noqa: E402
                     on_meta)
import variants  # noqa: E402

MODEL, LAYER = "googlenet", "inception4c"
# aten operations by what they are; the rest (casts, concatenation, normalisation) is "other".
GROUPS = {"convolutions": ("aten::mkldnn_convolution", "aten::convolution_backward",
                           "aten::_convolution", "aten::convolution", "aten::conv2d"),
          "max pools": ("aten::max_pool2d_with_indices", "aten::max_pool2d_with_indices_backward",
                        "aten::max_pool2d"),
          "ReLUs": ("aten::relu_", "aten::clamp_min_", "aten::threshold_backward")}


def group_of(name):
    for group, names in GROUPS.items():
        if name in names:
            return group
    return "other"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=512)
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()
    print(machine())
    network = models.Network(MODEL, models.build(MODEL, random_weights=True), [LAYER])
    picture, objective = torch.rand(1, 3, args.side, args.side), objectives.layer_l2(LAYER)

    def step(net, pixels):
        return dream.gradient(pixels, net, objective, args.side)

    counted = variants.direct_first_convolution(on_meta(network))  # the work, not the shortcut
    counted.compute_dtype = torch.float32  # the same FLOPs; autocast knows no meta device
    flops = counted_flops(lambda: step(counted, on_meta(picture)))
    peaks = ceilings(network.compute_dtype)
    for _ in range(2):
        step(network, picture)
    with profile(activities=[ProfilerActivity.CPU]) as profiler:
        for _ in range(args.steps):
            step(network, picture)
    seconds = collections.Counter()
    for event in profiler.key_averages():
        seconds[group_of(event.key)] += event.self_cpu_time_total / 1e6 / args.steps
    total = sum(seconds.values())
    print("one step at %d², %s, %d steps, load %s: %.3f s, %.1f GFLOP (convolutions, forward "
          "and backward)" % (args.side, network.compute_dtype, args.steps, load_average(), total,
                             flops / 1e9))
    for group, spent in seconds.most_common():
        print("  %-13s %5.1f %%  %.3f s" % (group, 100 * spent / total, spent))
    for label, spent in (("the whole step", total), ("the convolutions alone",
                                                     seconds["convolutions"])):
        rate = flops / spent / 1e9
        print("%s: %.0f GFLOP/s = %s" % (label, rate, ", ".join(
            "%.0f %% of the %s ceiling (%.0f)" % (100 * rate / peak, dtype_name(dtype), peak)
            for dtype, peak in sorted(peaks.items(), key=lambda item: item[0] == torch.float32))))


if __name__ == "__main__":
    sys.exit(main())
