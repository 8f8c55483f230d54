"""What spreading an animation over a Ray cluster costs and gains, as ratios within one run.

    python3 bench/cluster_speed.py [--sides 256 512] [--frames 8] [--flicker-frames 24]

- Overhead: an animation of independent frames (coherence 0) dreamed by the plain local engine
  on one thread, against the same frames on local:1 (one Ray worker, torch on one thread): the steady
  seconds per frame (first frame's arrival to the last's), and the one-off start of the worker.
  Goal: under 5 % of a frame's time at 512².
- Throughput: local:2 against local:1 (frames per second, steady), each worker on one thread.
- Flicker at chunk boundaries: bench/flicker.py's moving camera and instability, each
  transition scored; those across a chunk boundary against those inside a chunk, for lead-ins
  of 0 and more frames. Goal: boundaries within 10 % of inside.
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


def local_run(frames, values):
    torch.set_num_threads(1)
    engine = Engine(device="cpu", random_weights=True)
    engine.network(values["model"], [values["layer"]])  # built before the clock starts
    stamps, started = [], time.perf_counter()
    engine.animate(((pixels, None) for pixels in frames), values, len(frames),
                   on_frame=lambda index, pixels, reused: stamps.append(time.perf_counter()))
    return steady(stamps), stamps[0] - started


def cluster_run(address, frames, values, chunk_frames, lead_in):
    """(seconds per frame steady, seconds to the first frame, {index: dreamed})."""
    dreamed, stamps = {}, []
    values = protocol.checked_settings("animate", values)
    with cluster.Cluster(address, device="cpu", random_weights=True, threads=1) as workers:
        started = time.perf_counter()

        def keep(index, pixels):
            dreamed[index] = pixels
            stamps.append(time.perf_counter())
        cluster.animate_on_cluster(workers, iter(frames), len(frames), values, None,
                                   chunk_frames, lead_in, lambda index: None, keep)
    return steady(stamps), stamps[0] - started, [dreamed[k] for k in range(len(frames))]


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
    parser.add_argument("--sides", type=int, nargs="+", default=[256, 512])
    parser.add_argument("--frames", type=int, default=8)
    parser.add_argument("--flicker-frames", type=int, default=24)
    parser.add_argument("--flicker-side", type=int, default=128)
    parser.add_argument("--chunk", type=int, default=8, help="frames per chunk for the flicker")
    parser.add_argument("--lead-ins", type=int, nargs="+", default=[0, 4, cluster.LEAD_IN])
    args = parser.parse_args(argv)
    os.environ["INCEPTIONISM_RANDOM_WEIGHTS"] = "1"
    print("load average at the start: %.1f %.1f %.1f on %d cores"
          % (os.getloadavg() + (os.cpu_count(),)), flush=True)
    import ray
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             _node_ip_address="127.0.0.1")
    speed = dict(SPEED_RECIPE, jitter=16)
    print("\n| Side | local s/frame | local:1 s/frame | overhead | local:1 start s | "
          "local:2 s/frame | local:2 / local:1 throughput |")
    print("|---|---|---|---|---|---|---|")
    for side in args.sides:
        _, frames = source_frames(side, args.frames)
        alone, _ = local_run(frames, speed)
        one, one_start, _ = cluster_run("local:1", frames, speed, args.frames, 0)
        two, _, _ = cluster_run("local:2", frames, speed, args.frames // 2, 0)
        print("| %d² | %.3f | %.3f | %+.1f %% | %.1f | %.3f | %.2f |"
              % (side, alone, one, 100.0 * (one - alone) / alone, one_start, two, one / two),
              flush=True)

    values = {"layer": flicker.RECIPE["layer"], "octaves": flicker.RECIPE["octaves"],
              "iterations": flicker.RECIPE["iterations"], "step-size": flicker.RECIPE["step-size"],
              "seed": 0, "jitter": max(1, args.flicker_side // 8), "flicker": "smooth"}
    camera, sources = source_frames(args.flicker_side, args.flicker_frames)
    boundaries = set(range(args.chunk - 1, args.flicker_frames - 1, args.chunk))
    print("\nflicker at %d² over %d frames (Flicker smooth), chunks of %d frames on local:2:"
          % (args.flicker_side, args.flicker_frames, args.chunk))
    print("| Lead-in | instability inside chunks | across boundaries | boundary / inside |")
    print("|---|---|---|---|")
    for lead_in in args.lead_ins:
        _, _, dreams = cluster_run("local:2", sources, values, args.chunk, lead_in)
        changes = transitions(camera, sources, dreams)
        inside = np.mean([c for k, c in enumerate(changes) if k not in boundaries])
        across = np.mean([c for k, c in enumerate(changes) if k in boundaries])
        print("| %d | %.3f | %.3f | %.2f |" % (lead_in, inside, across, across / inside),
              flush=True)
    print("\nload average at the end: %.1f %.1f %.1f" % os.getloadavg())
    ray.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
