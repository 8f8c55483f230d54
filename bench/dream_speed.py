"""How fast the engine dreams, against the plain reference and the machine's own ceiling.

    python bench/dream_speed.py            the issue's default dream (10 iterations), 3 rounds
    python bench/dream_speed.py --quick    1 iteration, 2 rounds: minutes, not hours, on 2 cores

Prints, for the default dream (GoogLeNet, inception4c, 4 octaves x 1.4) at each size: seconds of
the engine and of the plain reference (bench/reference_dream.py: the same recipe, tiles included,
with none of the speed tricks, the network stopped at the dreamed layer; and the same run to the
classifier, a second column; run in the same process, in turns), the
network's achieved GFLOP/s (FLOPs counted, forward + backward) against a matrix product
measured in the same run, and the objective the engine reaches against the reference's
on the same picture and seed. Then what each optimisation gives (the engine less that one),
the peak memory of an 8000 x 8000 dream and the worker's cold and warm start (each in its own
process). Random weights throughout: speed does not depend on what the weights are.
"""
import argparse
import copy
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "core"))
import torch  # noqa: E402

from inceptionism import dream, models, settings  # noqa: E402
from measure import (ceilings, ceilings_line, counted_flops, dtype_name,  # noqa: E402
                     interleaved, load_average, machine, on_meta)
from reference_dream import ReferenceNetwork  # noqa: E402
import variants  # noqa: E402

MODEL, LAYER = "googlenet", "inception4c"


def default_recipe(iterations):
    values = settings.defaults("dream")
    return dream.Recipe(values["octaves"], values["octave-scale"], iterations,
                        values["step-size"], values["jitter"], values["tile-size"])


class Bench(object):
    """The engine and the plain references, built once, dreaming the same pictures in turns."""

    def __init__(self, recipe):
        self.recipe = recipe
        self.full = models.build(MODEL, random_weights=True)
        self.network = models.Network(MODEL, self.full, [LAYER])
        self.judge = ReferenceNetwork(MODEL, copy.deepcopy(self.full), LAYER)
        whole = ReferenceNetwork(MODEL, copy.deepcopy(self.full), LAYER, cut=False)
        self.contenders = {"engine": variants.Engine(self.network, LAYER, recipe),
                           "reference": variants.Reference(self.judge, recipe),
                           "whole": variants.Reference(whole, recipe)}

    def size_row(self, side, repeat, peaks):
        image = variants.photo_like(side)
        seconds, dreamed = interleaved(dict((name, lambda run=run: run(image))
                                            for name, run in self.contenders.items()), repeat)
        flops = self.flops(side)
        reached = dict((name, self.objective(picture)) for name, picture in dreamed.items())
        rate = dict((name, flops / seconds[name] / 1e9) for name in ("engine", "reference"))
        return ["%d²" % side, "%.2f" % seconds["engine"], "%.2f" % seconds["reference"],
                "%.2fx" % (seconds["reference"] / seconds["engine"]), "%.2f" % seconds["whole"],
                "%.2fx" % (seconds["whole"] / seconds["engine"]), "%.0f" % rate["engine"],
                "%.0f%%" % (100 * rate["engine"] / peaks[self.network.compute_dtype]),
                "%.0f%%" % (100 * rate["engine"] / peaks[torch.float32]),
                "%.0f" % rate["reference"],
                "%.0f%%" % (100 * rate["reference"] / peaks[torch.float32]),
                "%.3f" % (reached["engine"] / reached["reference"]),
                "%.2f" % (1e6 * seconds["engine"] / self.pixel_steps(side)), load_average()]

    def flops(self, side):
        """FLOPs of the default dream of a side x side picture: the cut reference's, counted on
        the meta device. Both rates are that work over their time: the engine's own count would
        flatter it (its first convolution's gradient does 1.3x that layer's FLOPs, regrouped
        into a faster shape: space_to_depth.py)."""
        image = on_meta(variants.photo_like(side))
        reference = variants.Reference(ReferenceNetwork(MODEL, on_meta(self.full), LAYER),
                                       self.recipe)
        return counted_flops(lambda: reference(image))

    def objective(self, picture):
        return self.judge.jittered_objective(picture, self.recipe.jitter)

    def pixel_steps(self, side):
        sizes = dream.octave_sizes((side, side), self.recipe.octaves, self.recipe.octave_scale,
                                   self.network.min_size)
        return self.recipe.iterations * sum(h * w for h, w in sizes)


def ablation_rows(side, recipe, repeat, with_compile):
    """Seconds of the engine less each optimisation, as a ratio to the whole engine's."""
    image = variants.photo_like(side)
    contenders = variants.ablations(MODEL, LAYER, recipe, with_compile)
    judge = ReferenceNetwork(MODEL, models.build(MODEL, random_weights=True), LAYER)
    seconds, dreamed = interleaved(dict((name, lambda run=run: run(image))
                                        for name, run in contenders.items()), repeat)
    reached = dict((name, judge.jittered_objective(picture, recipe.jitter))
                   for name, picture in dreamed.items())
    return [[name, "%.2f" % seconds[name], "%.2fx" % (seconds[name] / seconds["engine"]),
             "%.3f" % (reached[name] / reached["engine"])] for name in contenders]


def in_own_process(script, *arguments):
    """The JSON line a bench/ script prints, run in a fresh interpreter."""
    output = subprocess.check_output([sys.executable, os.path.join(HERE, script)]
                                     + [str(a) for a in arguments])
    return json.loads(output.decode().strip().splitlines()[-1])


def table(header, rows):
    widths = [max(len(str(row[i])) for row in [header] + rows) for i in range(len(header))]
    line = lambda cells: "| " + " | ".join(str(c).rjust(w) for c, w in zip(cells, widths)) + " |"
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
                     + [line(row) for row in rows])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="1 iteration, 2 rounds, ablations at 768²")
    parser.add_argument("--sizes", type=int, nargs="+", default=[512, 1024, 2048])
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ablation-side", type=int, default=1024)
    parser.add_argument("--big-side", type=int, default=8000)
    parser.add_argument("--compile", action="store_true", help="add a torch.compile row")
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["sizes", "ablations", "threads", "memory", "start"])
    args = parser.parse_args()
    if args.quick:
        args.iterations, args.repeat, args.ablation_side = 1, 2, 768
    print(machine())
    peaks = ceilings(models.fast_dtype("cpu"))
    print(ceilings_line(peaks))
    recipe = default_recipe(args.iterations)
    print("default dream: %s %s, %d octaves x %g, %d iterations, tile %d, median of %d rounds\n"
          % (MODEL, LAYER, recipe.octaves, recipe.octave_scale, recipe.iterations,
             recipe.tile_size, args.repeat))
    if "sizes" not in args.skip:
        bench = Bench(recipe)
        print("engine computes in %s; the reference (same recipe and tiles, no tricks, float32) "
              "stops at the dreamed layer as the notebook's forward(end=layer) does, the "
              "whole-network reference runs to the classifier; GFLOP/s set against the matmul "
              "peak in the engine's precision and in float32; objective: the jittered objective "
              "each reaches on the same picture and seed" % dtype_name(bench.network.compute_dtype))
        print(table(["size", "engine s", "reference s", "speed-up", "whole-network ref. s",
                     "speed-up", "engine GFLOP/s", "of its peak", "of fp32 peak",
                     "reference GFLOP/s", "of fp32 peak", "objective vs reference",
                     "µs per pixel-step", "load"],
                    [bench.size_row(side, args.repeat, peaks) for side in args.sizes]) + "\n")
    if "ablations" not in args.skip:
        print("What each optimisation gives: the engine less one, at %d² (slower > 1x)"
              % args.ablation_side)
        rows = ablation_rows(args.ablation_side, recipe, args.repeat, args.compile)
        print(table(["engine less", "seconds", "vs engine", "objective vs engine"], rows))
        print("load average %s\n" % load_average())
    if "threads" not in args.skip:
        print("Thread settings: one gradient step at 384², each way of waiting in its own "
              "process, in turns (load average %s)" % load_average())
        settings_rows = in_own_process("thread_policy.py")
        fastest = min(seconds for _, _, seconds in settings_rows)
        print(table(["waiting threads", "threads", "seconds", "vs fastest"],
                    [[policy, threads, "%.2f" % seconds, "%.2fx" % (seconds / fastest)]
                     for policy, threads, seconds in settings_rows]) + "\n")
    if "memory" not in args.skip:
        big = in_own_process("big_dream.py", args.big_side, "--iterations", 1)
        print("%d² default dream, 1 iteration: peak memory %.2f GB (%.2f GB before the dream: "
              "torch and the network), %.0f s" % (big["side"], big["peak_bytes"] / 1e9,
                                                   big["before_bytes"] / 1e9, big["seconds"]))
    if "start" not in args.skip:
        start = in_own_process("cold_start.py")
        for label, key in (("random weights", ""), ("from a weights file", "file_")):
            print("worker cold start, %s: hello %.2f s, first progress %.2f s; warm (second "
                  "dream on the running worker): first progress %.2f s"
                  % (label, start[key + "hello_s"], start[key + "first_progress_s"],
                     start[key + "warm_first_progress_s"]))
    print("load average after: %s" % load_average())


if __name__ == "__main__":
    main()
