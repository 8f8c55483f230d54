"""What the artist sees before a long run: a quick small preview and how long the full dream takes.

The preview dreams a copy of the selection shrunk to PREVIEW_SIDE pixels. The octaves the shrinking
already stands for are left out (two are kept: two sizes show how a step's time grows with its
pixels), and the iterations are capped with a longer step for the same strength, so it comes
back in seconds. The time estimate adds up the steps of a dream, each
costing what a step of that size cost this device in its latest dream with the same layer (each
octave's pixels and seconds per step, remembered in speed.json beside the log). Only the latest
counts: in a dialog that is the preview of this very picture, on the machine as busy as it is now,
while older runs were measured under other conditions (other sizes, another load).
Standard library only, Python 2.7 compatible (the plug-ins import it).
"""
import io
import json
import math
import os
import time

from . import looks, paths, settings

PREVIEW_SIDE = 256
KEPT_RUNS = 4  # runs remembered per layer (the estimate trusts the latest)
ESTIMATED = ("dream",)  # the procedures whose time is estimated (their speed is remembered)
PREVIEW_ITERATIONS = 5


def preview_size(width, height, side=PREVIEW_SIDE):
    """(width, height) of the preview: the selection shrunk to fit side, never enlarged."""
    scale = min(1.0, float(side) / max(width, height))
    return max(1, int(round(width * scale))), max(1, int(round(height * scale)))


def preview_settings(values, width, height, side=PREVIEW_SIDE, installed=None):
    """Dream values for the preview of a width x height selection: the same look, lighter
    (installed: the networks auto chooses among, those the worker's hello lists)."""
    values = settings.validate("dream", values, installed=installed)
    shrink = float(max(width, height)) / max(preview_size(width, height, side))
    skipped = int(round(math.log(shrink) / math.log(values["octave-scale"])))
    iterations = min(values["iterations"], PREVIEW_ITERATIONS)
    step = values["step-size"] * values["iterations"] / iterations
    octaves = max(min(2, values["octaves"]), values["octaves"] - skipped)
    lighter = dict(values, octaves=octaves, iterations=iterations,
                   **{"step-size": min(step, settings.BY_NAME["step-size"].high)})
    # The words would set the engine values back: the preview's are its own.
    lighter.update((word.name, looks.CUSTOM) for word in looks.WORDS)
    return lighter


def octave_areas(values, width, height):
    """Pixels of each octave of a dream, smallest first (the engine's sizes, less the network's
    minimum side, which only matters for tiny pictures)."""
    scale = values["octave-scale"]
    return [int(round(height / scale ** k)) * int(round(width / scale ** k))
            for k in reversed(range(values["octaves"]))]


def speed_path():
    return os.path.join(paths.data_dir(), "speed.json")


def _speed_key(values):
    return "%s %s" % (values["model"], values["layer"])


def remember_speed(meta, path=None):
    """Keep what each octave of a finished dream cost per step, for its network and layer."""
    octaves = (meta.get("speed") or {}).get("octaves")
    if not octaves:
        return
    path = path or speed_path()
    known = _read_speeds(path)
    entry = known.setdefault(_speed_key(meta["settings"]), {})
    samples = [[pixels, seconds / steps] for pixels, steps, seconds in octaves if steps]
    entry["runs"] = (_runs(entry) + [samples])[-KEPT_RUNS:]
    entry.pop("samples", None)  # speed.json's older form: samples of every run together
    entry["device"] = meta.get("device")
    entry["measured"] = time.strftime("%Y-%m-%d %H:%M:%S")
    try:
        if not os.path.isdir(os.path.dirname(path)):
            os.makedirs(os.path.dirname(path))
        with io.open(path, "w", encoding="utf-8") as handle:
            handle.write(type(u"")(json.dumps(known, indent=1, sort_keys=True)))
    except (IOError, OSError):
        pass  # an estimate is a nicety: never fail a dream over it


def step_cost(samples):
    """(seconds, seconds per pixel) of one step, fitted to [pixels, seconds per step] samples:
    a step costs a fixed part (small pictures use the processor less well) and a part that
    grows with its pixels. One size measured: all of it grows with the pixels."""
    sizes = [float(p) for p, _ in samples]
    times = [float(t) for _, t in samples]
    if max(sizes) < 1.25 * min(sizes):
        return 0.0, sum(times) / sum(sizes)
    count = float(len(sizes))
    mean_size, mean_time = sum(sizes) / count, sum(times) / count
    spread = sum((p - mean_size) ** 2 for p in sizes)
    per_pixel = sum((p - mean_size) * (t - mean_time) for p, t in zip(sizes, times)) / spread
    fixed = mean_time - per_pixel * mean_size
    if per_pixel <= 0:  # noise hid the growth: proportional errs long, never short
        return 0.0, sum(times) / sum(sizes)
    if fixed < 0:
        return 0.0, sum(p * t for p, t in zip(sizes, times)) / sum(p * p for p in sizes)
    return fixed, per_pixel


def estimate(values, width, height, path=None):
    """(seconds, device) a dream of values on a width x height selection will take, from the
    steps this device last dreamed with its layer; None before any was measured."""
    values = settings.validate("dream", values)
    entry = _read_speeds(path or speed_path()).get(_speed_key(values)) or {}
    runs = _runs(entry)
    if not runs or not runs[-1]:
        return None
    fixed, per_pixel = step_cost(runs[-1])
    seconds = sum(values["iterations"] * (fixed + per_pixel * area)
                  for area in octave_areas(values, width, height))
    return seconds, entry.get("device")


def estimate_text(values, width, height, path=None):
    """u"Full size (1024 x 768): about 40 s on cpu", or how to get an estimate."""
    size = u"Full size (%d \u00d7 %d)" % (width, height)
    known = estimate(values, width, height, path)
    if known is None:
        return size + u": preview once to see how long it takes"
    seconds, device = known
    return u"%s: %s on %s" % (size, duration_text(seconds), device or u"this computer")


def duration_text(seconds):
    """u"about 40 s", u"about 3 min"."""
    if seconds < 90:
        return u"about %d s" % max(1, round(seconds))
    return u"about %d min" % round(seconds / 60.0)


def _runs(entry):
    """The remembered runs of an entry, oldest first, each a list of [pixels, seconds per step]."""
    return entry.get("runs") or ([entry["samples"]] if entry.get("samples") else [])


def _read_speeds(path):
    try:
        with io.open(path, encoding="utf-8") as handle:
            known = json.load(handle)
        return known if isinstance(known, dict) else {}
    except (IOError, OSError, ValueError):
        return {}
