"""What spreading an animation over a Ray cluster costs and gains, as ratios within one run.

    python3 bench/cluster_speed.py [--sides 256 512] [--frames 8] [--flicker-frames 24]

- Overhead: an animation of independent frames (coherence 0) on local:1 (one Ray worker, torch
  on one thread): the steady seconds between two frames arriving here, against the seconds the
  worker's engine spent on each (measured there, in the same minutes, so the load of other
  processes weighs on both alike); the rest is Ray's: moving frames, scheduling, streaming.
  Goal: under 5 % of a frame's time at 512². The plain local engine (one thread, run just
  before) and the worker's one-off start are printed beside it.
- Throughput: local:2 against local:1 (frames per second, steady), each worker on one thread
  (--threads 0: on the cores shared out among the workers, as --cluster does). The plain local
  run (on as many threads) is the mean of one before and one after the cluster's runs.
- Flicker at chunk boundaries: bench/flicker.py's moving camera and instability, each
  transition scored; those across a join (into a chunk's first frame, and into and out of the
  frames blended from two chunks) against those inside a chunk, for several lead-ins and
  crossfades. Goal: joins within 10 % of inside. Beside it, how far the chunked frames are from
  one machine's run of the whole clip (torch on one thread in both, as the tests compare them):
  the mean difference of the worst frame and of all frames, in 1/255, over the chunks whose
  lead-in was not cut short by the clip's start (a chunk that reaches back to frame 0 dreams
  exactly one machine's frames).
The machine's load average is printed: other processes share the cores, so only ratios from
one run mean anything. Random networks: no pretrained weights can be had here.
"""
import argparse
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "core"))
sys.path.insert(0, HERE)
from inceptionism import cluster, protocol  # noqa: E402
from inceptionism.engine import Engine  # noqa: E402
import flicker  # noqa: E402  (its camera and instability)

SPEED_RECIPE = {"model": "googlenet", "layer": "inception3b", "octaves": 2, "iterations": 4,
                "coherence": 0.0, "seed": 0}


def source_frames(side, count):
    camera = flicker.Camera(side, count)
    return camera, [camera.frame(k) for k in range(count)]


def steady(stamps):
    """Seconds per frame from the first frame's arrival to the last's."""
    return (stamps[-1] - stamps[0]) / max(1, len(stamps) - 1)


def local_run(frames, values, dreamed=None, threads=1):
    """(seconds per frame steady, seconds to the first frame); dreamed: a dict to fill."""
    torch.set_num_threads(threads)
    engine = Engine(device="cpu", random_weights=True)
    engine.network(values.get("model", "googlenet"), [values["layer"]])  # before the clock
    stamps, started, dreamed = [], time.perf_counter(), {} if dreamed is None else dreamed

    def keep(index, pixels, reused):
        stamps.append(time.perf_counter())
        dreamed[index] = pixels
    engine.animate(((pixels, None) for pixels in frames),
                   protocol.checked_settings("animate", values), len(frames), on_frame=keep)
    return steady(stamps), stamps[0] - started


def cluster_run(address, frames, values, chunk_frames, lead_in, crossfade=0, threads=1):
    """(seconds per frame steady, seconds to the first frame, dreamed frames, the engine's
    seconds per frame after the first, torch threads per worker); threads None: the cores
    shared out among the workers."""
    dreamed, stamps, engine_seconds = {}, [], []
    values = protocol.checked_settings("animate", values)
    with cluster.Cluster(address, device="cpu", random_weights=True, threads=threads) as workers:
        started = time.perf_counter()

        def keep(index, pixels, seconds):
            dreamed[index] = pixels
            stamps.append(time.perf_counter())
            engine_seconds.append(seconds)
        plan = cluster.Plan(len(frames), chunk_frames, lead_in, crossfade)
        cluster.animate_on_cluster(workers, iter(frames), plan, values, None,
                                   lambda index: None, keep)
    return (steady(stamps), stamps[0] - started, [dreamed[k] for k in range(len(frames))],
            float(np.mean(engine_seconds[1:])), workers.engine_options["threads"])


def transitions(camera, sources, dreams):
    """Each transition's instability (flicker.scores' terms, divided by the mean detail)."""
    details = [flicker.as_float(d) - flicker.as_float(s) for s, d in zip(sources, dreams)]
    strength = float(np.mean([np.abs(d).mean() for d in details]))
    changes = []
    for k in range(len(details) - 1):
        moved, inside = camera.undo(details[k], k)
        changes.append(float(np.abs(details[k + 1] - moved)[inside].mean()) / strength)
    return changes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sides", type=int, nargs="*", default=[256, 512])
    parser.add_argument("--frames", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads per worker (0: the cores shared out among them)")
    parser.add_argument("--flicker-frames", type=int, default=50)
    parser.add_argument("--flicker-side", type=int, default=128)
    parser.add_argument("--chunk", type=int, default=10, help="frames per chunk for the flicker")
    parser.add_argument("--joins", nargs="*", default=["0/0", "%d/0" % cluster.LEAD_IN,
                                                       "0/%d" % cluster.CROSSFADE,
                                                       "%d/%d" % (cluster.LEAD_IN,
                                                                  cluster.CROSSFADE),
                                                       "24/%d" % cluster.CROSSFADE,
                                                       "36/%d" % cluster.CROSSFADE],
                        help="LEAD_IN/CROSSFADE pairs to score the flicker of")
    args = parser.parse_args(argv)
    os.environ["INCEPTIONISM_RANDOM_WEIGHTS"] = "1"
    print("load average at the start: %.1f %.1f %.1f on %d cores"
          % (os.getloadavg() + (os.cpu_count(),)), flush=True)
    local = cluster.Cluster("local:%d" % os.cpu_count(), device="cpu")  # as local:N starts it
    speed = dict(SPEED_RECIPE, jitter=16)
    threads = args.threads or None
    print("\n| Side | plain local s/frame | local:1 s/frame | its engine s/frame | Ray overhead | "
          "local:1 start s | local:2 s/frame | local:2 / local:1 throughput | torch threads: "
          "plain, local:1, local:2 (each) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for side in args.sides:
        _, frames = source_frames(side, args.frames)
        plain = threads or os.cpu_count()  # as local:1's one worker (this Ray has them all)
        before, _ = local_run(frames, speed, threads=plain)
        one, one_start, _, engine, one_threads = cluster_run("local:1", frames, speed,
                                                             args.frames, 0, 0, threads)
        two, _, _, _, two_threads = cluster_run("local:2", frames, speed, args.frames // 2, 0, 0,
                                                threads)
        after, _ = local_run(frames, speed, threads=plain)
        alone = (before + after) / 2
        print("| %d² | %.3f | %.3f | %.3f | %+.1f %% | %.1f | %.3f | %.2f | %d, %d, %d |"
              % (side, alone, one, engine, 100.0 * (one - engine) / engine, one_start, two,
                 one / two, plain, one_threads, two_threads), flush=True)

    values = {"layer": flicker.RECIPE["layer"], "octaves": flicker.RECIPE["octaves"],
              "iterations": flicker.RECIPE["iterations"], "step-size": flicker.RECIPE["step-size"],
              "seed": 0, "jitter": max(1, args.flicker_side // 8), "flicker": "smooth"}
    camera, sources = source_frames(args.flicker_side, args.flicker_frames)
    boundaries = set(range(args.chunk - 1, args.flicker_frames - 1, args.chunk))
    alone = {}
    local_run(sources, values, alone)
    print("\nflicker at %d² over %d frames (Flicker smooth), chunks of %d frames on local:2 "
          "(a join: the transitions into a chunk's first frame and through its blended ones):"
          % (args.flicker_side, args.flicker_frames, args.chunk))
    print("| Lead-in | Crossfade | inside chunks | across joins | join / inside | worst join "
          "/ inside | mean detail | against one machine: worst frame, all frames (/255) |")
    print("|---|---|---|---|---|---|---|---|")
    for join in args.joins:
        lead_in, crossfade = [int(part) for part in join.split("/")]
        plan = cluster.Plan(args.flicker_frames, args.chunk, lead_in, crossfade)
        joins = set(k for k in range(args.flicker_frames - 1)
                    if k in boundaries or plan.blended(k) or plan.blended(k + 1))
        dreams = cluster_run("local:2", sources, values, args.chunk, lead_in, crossfade)[2]
        changes = transitions(camera, sources, dreams)
        inside = np.mean([c for k, c in enumerate(changes) if k not in joins])
        across = [c for k, c in enumerate(changes) if k in joins]
        detail = np.mean([np.abs(flicker.as_float(d) - flicker.as_float(s)).mean()
                          for s, d in zip(sources, dreams)])
        started_late = [k for k in range(args.flicker_frames)
                        if plan.chunk(k // args.chunk)[0] > 0]  # not reaching back to frame 0
        apart = [np.abs(dreams[k].astype(float) - alone[k].astype(float)).mean()
                 for k in started_late] or [0.0]
        print("| %d | %d | %.3f | %.3f | %.2f | %.2f | %.4f | %.2f, %.2f |"
              % (lead_in, crossfade, inside, np.mean(across), np.mean(across) / inside,
                 max(across) / inside, detail, max(apart), np.mean(apart)), flush=True)
    print("\nload average at the end: %.1f %.1f %.1f" % os.getloadavg())
    local.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
