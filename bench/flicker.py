"""How much a dreamed animation flickers, and what the sequence dream costs.

    python3 bench/flicker.py [--side 128] [--frames 24] [--device auto] [--model googlenet]
                             [--gif docs/images/flicker.gif]

A photo-like picture is panned and zoomed over the frames, so the true motion between two frames
is known exactly. Instability is the mean absolute difference between consecutive dreamed
details (dream minus source) after undoing that motion, divided by the mean absolute detail:
0 for a dream stuck to the moving picture, about 1.4 for unrelated dreams of the same strength.
Three ways of dreaming the frames are compared at the same strength:
- independent frames (coherence 0);
- pytorch-deepdream's linear blend (--blend 0.85: each frame is 0.85 x itself + 0.15 x the last
  dreamed frame, then dreamed in full);
- ours (animate.py, Flicker "smooth" unless --flicker says otherwise).
Matched strength: each method's step is tuned until its mean absolute detail is within 10 % of
that of independent frames (the detail is printed beside each instability).
Speed: a warm frame's seconds (the flow, the carried start and the fewer iterations) against a
cold frame's, at that detail, timed in turn round after round (bench/measure.py: the load of a
shared machine changes from minute to minute), medians.
Memory: the process's peak resident memory after --memory-frames frames at --memory-side,
against its peak after the first tenth of them (a light recipe: only growth is measured).
--model: GoogLeNet dreams with random weights (its file cannot be had everywhere), a network
that comes with the engine (EfficientNet-Lite0) with its trained ones; --layer defaults to the
network's own default layer.
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "core"))
from inceptionism import animate, catalogue, images, looks  # noqa: E402
from inceptionism.engine import Engine  # noqa: E402
from measure import interleaved  # noqa: E402

BLEND = 0.85
STRENGTH_TOLERANCE = 0.10
RECIPE = {"octaves": 3, "iterations": 10, "step-size": 0.01}


def photo_like(side, seed=0):
    """A [3, side, side] picture with a photograph's 1/f spectrum and a few hard-edged shapes."""
    rng = np.random.RandomState(seed)
    fy = np.fft.fftfreq(side)[:, None]
    fx = np.fft.fftfreq(side)[None, :]
    falloff = 1.0 / np.maximum(np.hypot(fx, fy), 1.0 / side)
    planes = []
    for _ in range(3):
        spectrum = falloff * np.exp(2j * np.pi * rng.rand(side, side))
        plane = np.real(np.fft.ifft2(spectrum))
        planes.append((plane - plane.mean()) / (4 * plane.std()) + 0.5)
    picture = np.stack(planes)
    y, x = np.mgrid[0:side, 0:side]
    for _ in range(12):
        cy, cx, radius = rng.rand() * side, rng.rand() * side, rng.uniform(0.03, 0.12) * side
        inside = (y - cy) ** 2 + (x - cx) ** 2 < radius ** 2
        picture[:, inside] = picture[:, inside] * 0.4 + rng.rand(3, 1) * 0.6
    return torch.from_numpy(np.clip(picture, 0, 1).astype(np.float32))


class Camera(object):
    """Frame k is the window theta_k of a larger picture: it pans and zooms in as k grows."""

    def __init__(self, side, frames, pan=0.012, zoom=1.01):
        self.side, self.frames = side, frames
        self.big = photo_like(side * 2)[None]
        self.pan, self.zoom = pan, zoom

    def theta(self, k):
        """Frame coordinates (-1..1) -> the big picture's, as a 3 x 3 matrix."""
        scale = 0.5 / self.zoom ** k
        return torch.tensor([[scale, 0.0, -0.2 + self.pan * k],
                             [0.0, scale, -0.1 + 0.5 * self.pan * k], [0.0, 0.0, 1.0]])

    def frame(self, k):
        """Frame k as 8-bit H x W x 3 pixels."""
        grid = F.affine_grid(self.theta(k)[None, :2], [1, 3, self.side, self.side],
                             align_corners=False)
        rgb = F.grid_sample(self.big, grid, mode="bilinear", align_corners=False)
        return images.encode(rgb[0].permute(1, 2, 0).numpy(), np.uint8)

    def undo(self, detail, k):
        """detail of frame k moved to where its pixels are in frame k + 1, and where that is
        known (inside frame k, away from its border)."""
        motion = torch.linalg.inv(self.theta(k)) @ self.theta(k + 1)
        grid = F.affine_grid(motion[None, :2], [1, 3, self.side, self.side], align_corners=False)
        moved = F.grid_sample(torch.from_numpy(detail).permute(2, 0, 1)[None], grid,
                              mode="bicubic", align_corners=False)[0].permute(1, 2, 0).numpy()
        inside = (grid[0].abs() < 0.9).all(dim=-1).numpy()
        return moved, inside


def as_float(pixels):
    return pixels.astype(np.float32) / 255.0


def scores(camera, sources, dreams):
    """(instability, mean absolute detail) of a sequence of dreamed frames."""
    details = [as_float(d) - as_float(s) for s, d in zip(sources, dreams)]
    strength = float(np.mean([np.abs(d).mean() for d in details]))
    changes = []
    for k in range(len(details) - 1):
        moved, inside = camera.undo(details[k], k)
        changes.append(np.abs(details[k + 1] - moved)[inside].mean())
    return float(np.mean(changes)) / strength, strength


class Methods(object):
    """The three ways of dreaming the frames; each returns the dreamed frames."""

    def __init__(self, engine, sources, values):
        self.engine, self.sources, self.values = engine, sources, values

    def sequence(self, values):
        dreams = []
        self.engine.animate(((s, None) for s in self.sources), values, len(self.sources),
                            on_frame=lambda index, pixels, reused: dreams.append(pixels))
        return dreams

    def independent(self, step):
        return self.sequence(dict(self.values, coherence=0.0, **{"step-size": step}))

    def ours(self, step, flicker):
        return self.sequence(dict(self.values, flicker=flicker, **{"step-size": step}))

    def blend(self, step):
        dreams, last = [], None
        for index, source in enumerate(self.sources):
            start = source if last is None else images.encode(
                BLEND * as_float(source) + (1 - BLEND) * as_float(last), np.uint8)
            dreamed, _ = self.engine.dream(start, dict(
                self.values, seed=animate.frame_seed(self.values["seed"], index),
                **{"step-size": step}))
            dreams.append(dreamed)
            last = dreamed
        return dreams


def matched(run, camera, sources, target, step, tries):
    """run(step) with the step tuned until the mean detail is within tolerance of target:
    (step, dreams, instability, detail)."""
    for attempt in range(1, tries + 1):
        dreams = run(step)
        instability, detail = scores(camera, sources, dreams)
        print("  step %.5f: detail %.4f (target %.4f), instability %.3f"
              % (step, detail, target, instability), flush=True)
        if abs(detail / target - 1) <= STRENGTH_TOLERANCE * 0.8 or attempt == tries:
            return step, dreams, instability, detail
        step *= (target / detail) ** 1.2  # a little past proportional: detail grows sub-linearly


def frame_seconds(engine, sources, values, repeat):
    """(cold, warm) median seconds of dreaming the second frame: on its own, and warm from the
    first frame's dream (reused as done, so only the second frame is dreamed)."""
    first = []
    engine.animate([(sources[0], None)], values, 1, on_frame=lambda i, p, r: first.append(p))
    first = first[0]
    times, _ = interleaved({
        "cold": lambda: engine.animate([(sources[0], first), (sources[1], None)],
                                       dict(values, coherence=0.0), 2),
        "warm": lambda: engine.animate([(sources[0], first), (sources[1], None)], values, 2),
    }, repeat)
    return times["cold"], times["warm"]


def peak_rss_mb():
    """The process's peak resident memory so far (VmHWM), in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def memory(engine, model, side, count):
    """(peak MiB after count // 10 frames, peak MiB after count frames) of a streamed sequence."""
    camera = Camera(side, count, pan=0.002, zoom=1.001)
    peaks = {}

    def keep(index, pixels, reused):
        if index + 1 in (count // 10, count):
            peaks[index + 1] = peak_rss_mb()
    engine.animate(((camera.frame(k), None) for k in range(count)),
                   {"model": model, "layer": catalogue.network(model).layers[1].name,
                    "octaves": 1, "iterations": 1, "flicker": "smooth"},
                   count, on_frame=keep)
    return peaks[count // 10], peaks[count]


def side_by_side_gif(path, rows, frame_ms=100, scale=1):
    """An animated GIF: the source and each method's frames side by side."""
    from PIL import Image
    pictures = []
    for frames in zip(*rows):
        strip = np.concatenate(frames, axis=1)
        picture = Image.fromarray(strip)
        if scale != 1:
            picture = picture.resize((strip.shape[1] * scale, strip.shape[0] * scale))
        pictures.append(picture)
    pictures[0].save(path, save_all=True, append_images=pictures[1:], duration=frame_ms, loop=0)


def compare(args, camera, sources, methods, step):
    """The flicker table (and the GIF); returns ours' matched step."""
    print("independent frames:", flush=True)
    free = methods.independent(step)
    free_instability, target = scores(camera, sources, free)
    print("  step %.5f: detail %.4f, instability %.3f" % (step, target, free_instability))
    print("linear blend %.2f:" % BLEND, flush=True)
    blend = matched(methods.blend, camera, sources, target, step, args.tries)
    print("ours (flicker %s):" % args.flicker, flush=True)
    ours = matched(lambda s: methods.ours(s, args.flicker), camera, sources, target, step,
                   args.tries)

    print("\n| Frames dreamed | Instability | Mean detail | vs independent | Step |")
    print("|---|---|---|---|---|")
    print("| independent | %.3f | %.4f | 1.00 | %.4f |" % (free_instability, target, step))
    for name, (method_step, _, instability, detail) in (
            ("linear blend %.2f" % BLEND, blend), ("ours (%s)" % args.flicker, ours)):
        print("| %s | %.3f | %.4f | %.2f | %.4f |" % (name, instability, detail,
                                                       detail / target, method_step))
    print("\nours / blend instability: %.2f (goal: at most 0.50)" % (ours[2] / blend[2]))
    if args.gif:
        side_by_side_gif(args.gif, [sources, free, blend[1], ours[1]])
        print("side by side (source, independent, blend, ours): %s" % args.gif)
    return ours[0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=128)
    parser.add_argument("--frames", type=int, default=24)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--flicker", default="smooth", choices=[n for n, _, _ in looks.FLICKERS])
    parser.add_argument("--model", default="googlenet", choices=catalogue.model_names())
    parser.add_argument("--layer", help="default: the network's default layer")
    parser.add_argument("--octaves", type=int, default=RECIPE["octaves"])
    parser.add_argument("--iterations", type=int, default=RECIPE["iterations"])
    parser.add_argument("--tries", type=int, default=4, help="step tunings per method at most")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the speed comparison")
    parser.add_argument("--memory-side", type=int, default=256)
    parser.add_argument("--memory-frames", type=int, default=200)
    parser.add_argument("--gif", help="write the side-by-side animation here")
    parser.add_argument("--parts", nargs="+", default=["flicker", "speed", "memory"],
                        choices=["flicker", "speed", "memory"], help="what to measure")
    args = parser.parse_args(argv)

    trained = catalogue.comes_with_engine(args.model)
    engine = Engine(device=args.device, random_weights=not trained)
    camera = Camera(args.side, args.frames)
    sources = [camera.frame(k) for k in range(args.frames)]
    layer = args.layer or catalogue.network(args.model).default_layer
    values = {"model": args.model, "layer": layer, "octaves": args.octaves,
              "iterations": args.iterations, "seed": 0, "jitter": max(1, args.side // 8)}
    methods = Methods(engine, sources, values)
    step = RECIPE["step-size"]
    print("%d frames of %d² on %s, %s %s, %d octaves x %d iterations, %s weights"
          % (args.frames, args.side, engine.device, args.model, layer, args.octaves,
             args.iterations, "trained" if trained else "random"), flush=True)

    ours_step = step
    if "flicker" in args.parts:
        ours_step = compare(args, camera, sources, methods, step)
    if "speed" in args.parts:  # the seconds do not depend on the step; ours' is used
        cold, warm = frame_seconds(engine, sources, dict(values, flicker=args.flicker,
                                                         **{"step-size": ours_step}), args.repeat)
        print("speed: cold frame %.3f s, warm frame %.3f s: warm/cold %.2f (goal: at most "
              "0.60); warm frames take %d of %d iterations"
              % (cold, warm, warm / cold, animate.warm_iterations(
                  args.iterations, looks.settle({"flicker": args.flicker}, ["flicker"])["coherence"]),
                 args.iterations))
    if "memory" in args.parts and args.memory_frames:
        early, late = memory(engine, args.model, args.memory_side, args.memory_frames)
        print("memory: peak %.0f MiB after %d frames of %d², %.0f MiB after %d: growth %.1f %%"
              % (early, args.memory_frames // 10, args.memory_side, late, args.memory_frames,
                 100.0 * (late - early) / early))
    return 0


if __name__ == "__main__":
    sys.exit(main())
