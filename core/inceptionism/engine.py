"""The engine the worker and the command line share: pixels and settings in, pixels and meta out.

An Engine keeps its networks loaded between calls, so a worker that serves many dreams pays for
torch and the weights once. It owns the policy around the recipe: settings validation, device
choice, falling back to smaller tiles and then the CPU when a GPU runs out of memory, and
turning any failure an artist can act on into an InceptionismError.
"""
import os
import time

import numpy as np
import torch

from . import (__version__, catalogue, classes, dream, gallery, images, looks, models,
               objectives, protocol, visualize, zoom)
from .errors import InceptionismError

# A guide picture is looked at about as large as the networks were trained to see.
GUIDE_SIDE = 224

# The smallest tile the out-of-memory fallback tries before leaving the GPU.
SMALLEST_TILE = 128


class Engine(object):
    """Dreams with cached networks; device "auto" picks cuda, then mps, then the CPU."""

    def __init__(self, device="auto", weights=None, random_weights=None, log=None):
        """weights: {model: state-dict file} to use instead of the installed files."""
        self.device = pick_device(device)
        self.weights = dict(weights or {})
        self.random_weights = models.random_weights_requested(random_weights)
        self.log = log or (lambda message: None)
        self._full_networks = {}
        self._networks = {}

    def installed(self):
        """The networks this engine can dream with (looks.settle's fallback chooses among them):
        every one with random weights, else those installed and those given a weights file."""
        if self.random_weights:
            return set(catalogue.model_names())
        return catalogue.installed_networks() | set(self.weights)

    def info(self):
        states = dict((name, self._weights_state(name)) for name in catalogue.model_names())
        return {"devices": available_devices(), "device": str(self.device), "models": states,
                "random_weights": self.random_weights}

    def dream(self, pixels, values, mask=None, guide=None, progress=None, should_stop=None):
        """(pixels of the same shape and dtype, meta) for settings.SETTINGS "dream" values."""
        started = time.monotonic()
        values = protocol.checked_settings("dream", values, installed=self.installed())
        image, source = images.to_working(pixels)
        plane = None if mask is None else images.mask_plane(mask, *image.shape[-2:])
        dreamed, device, speed = self._dream(image, values, plane, guide, progress, should_stop)
        if values["preserve-colors"]:
            dreamed = images.preserve_colors(image, dreamed)
        result = images.from_working(dreamed, source)
        if plane is not None:
            result = images.blend(pixels, result, plane)
        meta = dict(self._meta(values, device, started), speed=speed)
        if guide is not None:  # what the dream grew, for the recipe
            meta["guide"] = {"width": guide.shape[1], "height": guide.shape[0]}
        return result, meta

    def preview(self, pixels, values, side, progress=None, should_stop=None):
        """(8-bit RGB pixels no larger than side on either axis, meta): the dream of a shrunken
        copy, quick enough to show in a dialog. values are used as given (the caller lightens
        them); meta's speed says how fast this device dreamed."""
        started = time.monotonic()
        values = protocol.checked_settings("dream", values, installed=self.installed())
        image, _ = images.to_working(pixels)
        height, width = image.shape[-2:]
        scale = min(1.0, float(side) / max(height, width))
        small = dream.resize(image, (max(1, int(round(height * scale))),
                                     max(1, int(round(width * scale)))))
        dreamed, device, speed = self._dream(small, values, None, None, progress, should_stop)
        if values["preserve-colors"]:
            dreamed = images.preserve_colors(small, dreamed)
        rgb8 = images.Source(3, np.dtype(np.uint8), None)
        return images.from_working(dreamed, rgb8), dict(self._meta(values, device, started),
                                                        speed=speed)

    def visualize(self, values, pixels=None, progress=None, should_stop=None):
        """(pixels, meta): what the network thinks a class looks like, from noise or from pixels.

        From noise the picture has the settings' width and height; the result has the kind
        (channels, dtype) of pixels when they are given, else 8-bit RGB.
        """
        started = time.monotonic()
        values = protocol.checked_settings("visualize", values, installed=self.installed())
        index = classes.find_class(values["class-name"], values["model"])
        start, source = self._start(values, pixels)
        network = self.network(values["model"], [catalogue.LOGITS])
        picture = visualize.visualize(
            network, objectives.class_logit(index),
            (values["height"], values["width"]) if start is None else tuple(start.shape[-2:]),
            values["steps"], values["prior-strength"], values["seed"],
            None if start is None else start.to(self.device), progress, should_stop)
        meta = self._meta(values, self.device, started)
        meta.update(class_index=index, class_name=classes.categories(values["model"])[index])
        return images.from_working(picture.cpu(), source), meta

    def zoom(self, values, pixels=None, on_frame=None, progress=None, should_stop=None):
        """Dream, zoom into the centre, dream again: on_frame(index, pixels) for each frame as it
        is done (so a cancelled dive keeps them); returns (last frame, meta)."""
        started = time.monotonic()
        values = protocol.checked_settings("zoom", values, installed=self.installed())
        start, source = self._start(values, pixels)
        if start is None:
            start = zoom.noise_start(values["height"], values["width"], values["seed"])
        frames, done = values["frames"], []

        def dream_frame(index, picture):
            def frame_progress(fraction, stage, eta):
                if progress is not None:
                    progress((index + fraction) / frames,
                             "frame %d of %d, %s" % (index + 1, frames, stage), None)
            dreamed = self._dream(picture, dict(values, seed=values["seed"] + index), None,
                                  None, frame_progress, should_stop)[0]
            return images.preserve_colors(picture, dreamed) if values["preserve-colors"] else dreamed

        def keep(index, picture):
            done.append(images.from_working(picture, source))
            if on_frame is not None:
                on_frame(index, done[-1])

        zoom.zoom_dive(start, dream_frame, frames, values["zoom"], values["rotate"], keep,
                       (values["pan-x"], values["pan-y"]))
        return done[-1], self._meta(values, self.device, started)

    def animate(self, frames, values, count=None, mask=None, on_frame=None, progress=None,
                should_stop=None, first=0):
        """Dream a sequence of frames so that the dream follows the motion (animate.py); meta.

        frames: an iterable of (pixels, done), done being the frame's dream from an earlier run
        (reused as it is: a resumed sequence goes on from it) or None. Frames stream: one is
        read, dreamed and handed to on_frame(index, pixels, reused) before the next is read.
        count: how many frames there are (for progress); mask: the selection, for every frame.
        first: the index of the first frame (a cluster's chunk starts mid-sequence): each frame's
        randomness comes from its index.
        """
        from . import animate  # OpenCV's optical flow: loaded only for animations
        started = time.monotonic()
        values = protocol.checked_settings("animate", values, installed=self.installed())
        sequence = animate.Sequence(values["coherence"])
        warm = dict(values, iterations=animate.warm_iterations(values["iterations"],
                                                               values["coherence"]))
        clock = {"dreamed": 0, "seconds": 0.0, "frames": 0, "device": self.device}
        for index, (pixels, done) in enumerate(frames, first):
            image, source = images.to_working(pixels)
            rgb = image[0].permute(1, 2, 0).numpy()
            start, is_warm, gray = sequence.start(rgb)
            if index == first and values["coherence"] > 0 and not animate.follows_motion(rgb):
                self.log(animate.TOO_SMALL_TEXT % (rgb.shape[1], rgb.shape[0],
                                                   animate.MIN_FLOW_SIDE))
            if done is not None and not _dream_of(done, pixels):
                self.log("The kept dream of frame %d does not match its source frame (another "
                         "size or kind): it is dreamed again." % (index + 1))
                done = None
            if done is None:
                frame_started = time.monotonic()
                frame_values = dict(warm if is_warm else values,
                                    seed=animate.frame_seed(values["seed"], index))
                done = self._animation_frame(
                    pixels, image, source, start, frame_values, mask,
                    _frame_progress(progress, index, count, clock), should_stop, clock)
                clock["dreamed"] += 1
                clock["seconds"] += time.monotonic() - frame_started
                reused = False
            else:
                reused = True
            dreamed = images.to_working(done)[0][0].permute(1, 2, 0).numpy()
            sequence.finish(gray, rgb, dreamed)
            clock["frames"] = index + 1
            if on_frame is not None:
                on_frame(index, done, reused)
        meta = self._meta(values, clock["device"], started)
        meta.update(frames=clock["frames"], dreamed_frames=clock["dreamed"],
                    warm_iterations=warm["iterations"])
        return meta

    def _animation_frame(self, pixels, image, source, start, values, mask, progress,
                         should_stop, clock):
        """One frame's dream from its start picture, as Engine.dream makes it from its pixels."""
        plane = None if mask is None else images.mask_plane(mask, *image.shape[-2:])
        start = torch.from_numpy(start).permute(2, 0, 1)[None].contiguous()
        dreamed, clock["device"], _ = self._dream(start, values, plane, None, progress,
                                                  should_stop)
        if values["preserve-colors"]:
            dreamed = images.preserve_colors(image, dreamed)
        result = images.from_working(dreamed, source)
        return result if plane is None else images.blend(pixels, result, plane)

    def gallery(self, model, layer, progress=None, should_stop=None, build=True):
        """(the layer's channel gallery as 8-bit RGB, meta): a labelled picture of what each
        channel paints, made once per machine, network, weights and layer and kept in the data
        folder (gallery.py); meta's "cell" [width, height], "columns" and "channels" say where
        channel c sits. With build False, (None, {"kept": False}) unless it is kept."""
        started = time.monotonic()
        try:
            catalogue.layer_of(model, layer)
        except (KeyError, ValueError) as exc:
            raise InceptionismError("bad-settings", "%s." % (exc,))
        weights = "random" if self.random_weights else os.path.basename(
            models.weights_path(model, self.weights.get(model)))
        network = self.network(model, [layer])
        tiles = gallery.pictures(network, layer, gallery.cache_dir(model, layer, weights),
                                 progress, should_stop, build=build)
        if tiles is None:
            return None, {"model": model, "layer": layer, "kept": False}
        sheet, cell = gallery.grid(tiles)
        return sheet, {"model": model, "layer": layer, "kept": True, "channels": len(tiles),
                       "cell": list(cell),
                       "columns": min(gallery.COLUMNS, len(tiles)), "tile": gallery.TILE,
                       "engine_version": __version__, "random_weights": self.random_weights,
                       "device": str(self.device),
                       "seconds": round(time.monotonic() - started, 3)}

    def _dream(self, image, values, plane, guide, progress, should_stop):
        """(the dreamed [1, 3, H, W] tensor on the CPU, the device that made it, its speed).

        speed: {"seconds", "pixel_steps"} of the ascent alone (no network building),
        "octaves": [pixels, steps, seconds] of each octave's steady steps, from which a dialog
        estimates how long a dream of another size takes on this device (preview.py), and
        "compute_dtype": what the convolutions computed in (models.fast_dtype).
        """
        recipe = dream.Recipe(values["octaves"], values["octave-scale"], values["iterations"],
                              values["step-size"], values["jitter"], values["tile-size"])
        speed = {}

        def attempt(device, tile_size):
            network = self.network(values["model"], _dreamed_layers(values), device)
            objective = self._objective(network, values, guide)
            steps = [time.monotonic()]

            def timed(*report):
                steps.append(time.monotonic())
                if progress is not None:
                    progress(*report)

            dreamed = dream.deep_dream(image.to(device), network, objective,
                                       recipe._replace(tile_size=tile_size), values["seed"],
                                       None if plane is None else plane.to(device), timed,
                                       should_stop).cpu()
            sizes = dream.octave_sizes(tuple(image.shape[-2:]), recipe.octaves,
                                       recipe.octave_scale, network.min_size)
            speed.update(compute_dtype=str(network.compute_dtype).replace("torch.", ""),
                         seconds=round(steps[-1] - steps[0], 4),
                         pixel_steps=recipe.iterations * sum(h * w for h, w in sizes),
                         octaves=steady_step_times(steps, sizes, recipe.iterations))
            return dreamed

        dreamed, device = with_memory_fallback(attempt, self.device, values["tile-size"], self.log)
        return dreamed, device, speed

    def _start(self, values, pixels):
        """(start tensor or None for noise, Source for the result's kind)."""
        if values["start"] == "layer":
            if pixels is None:
                raise InceptionismError("bad-input", "Starting from the layer needs the layer's "
                                        "pixels; choose to start from noise instead.")
            return images.to_working(pixels)
        like = pixels if pixels is not None else np.zeros((1, 1, 3), np.uint8)
        images.check_pixels(like)
        opaque = images.FULL_SCALE[like.dtype] if like.shape[2] in (2, 4) else None
        alpha = None if opaque is None else np.full((values["height"], values["width"], 1),
                                                    opaque, like.dtype)
        return None, images.Source(like.shape[2], like.dtype, alpha)

    def _meta(self, values, device, started):
        return dict(values, engine_version=__version__, random_weights=self.random_weights,
                    device=str(device), seconds=round(time.monotonic() - started, 3))

    def network(self, model, layers, device=None):
        """The model cut after layers, on device (default: the engine's), built once and kept."""
        device = torch.device(device or self.device)
        key = (model, tuple(sorted(layers)), str(device))
        if key not in self._networks:
            network = models.Network(model, self._full_network(model, device), layers)
            self.log("%s cut after %s computes in %s on %s" % (
                model, ", ".join(layers), str(network.compute_dtype).replace("torch.", ""),
                device))
            self._networks[key] = network
        return self._networks[key]

    def _full_network(self, model, device):
        key = (model, str(device))
        if key not in self._full_networks:
            built = models.build(model, self.weights.get(model), self.random_weights, self.log)
            self._full_networks[key] = built.to(device)
        return self._full_networks[key]

    def _weights_state(self, model):
        if self.random_weights:
            return "random"
        installed = os.path.isfile(models.weights_path(model, self.weights.get(model)))
        return "present" if installed else "missing"

    def _objective(self, network, values, guide):
        """The first layer's objective (a channel, a guide or the whole layer), mixed with the
        second layer's when there is one (the guide and the channel apply to the first)."""
        first = self._first_objective(network, values, guide)
        if values["layer-2"] == looks.NONE:
            return first
        return objectives.mix(first, values["layer-2"], values["blend"])

    def _first_objective(self, network, values, guide):
        layer, channel = values["layer"], values["channel"]
        if guide is not None:
            if channel >= 0:
                raise InceptionismError("bad-settings", "Choose either a channel or a guide "
                                        "picture, not both (set channel to -1).")
            return objectives.guide(layer, guide_activations(network, guide, layer))
        if channel < 0:
            return objectives.layer_l2(layer)
        if channel >= network.channels[layer]:
            raise InceptionismError("bad-settings", "Layer %s has %d channels: choose a channel "
                                    "from 0 to %d." % (layer, network.channels[layer],
                                                       network.channels[layer] - 1))
        return objectives.layer_l2(layer, channel)


def _dream_of(done, pixels):
    """Whether done can be the dream of pixels: pixels the engine takes, of the same size."""
    try:
        images.check_pixels(done)
    except InceptionismError:
        return False
    return done.shape[:2] == pixels.shape[:2]


def _frame_progress(progress, index, count, clock):
    """The engine's progress for one frame of a sequence: "frame k of n, octave ..." with the
    time left from the frames dreamed so far (the first frame's own estimate until then)."""
    if progress is None:
        return None

    def report(fraction, stage, eta):
        total = count or index + 1
        if clock["dreamed"]:
            per_frame = clock["seconds"] / clock["dreamed"]
            eta = per_frame * (1.0 - fraction) + per_frame * max(0, total - index - 1)
        elif eta is not None:
            eta = eta + (eta / max(1.0 - fraction, 1e-3)) * max(0, total - index - 1)
        progress(min(1.0, (index + fraction) / total),
                 "frame %d of %s, %s" % (index + 1, count or "?", stage), eta)
    return report


def _dreamed_layers(values):
    """The layers a dream's network must compute: the layer, and the mix's second one."""
    second = values["layer-2"]
    return [values["layer"]] + ([second] if second not in (looks.NONE, values["layer"]) else [])


def steady_step_times(stamps, sizes, iterations):
    """[pixels, steps, seconds] of each octave from the time stamps of its steps (the start,
    then the end of every step). An octave's first step is left out where it has others: it
    also pays for setting up the new size (the convolution libraries' plans, first touches)."""
    rows = []
    for octave, (height, width) in enumerate(sizes):
        first, last = octave * iterations, (octave + 1) * iterations
        skip = 1 if iterations > 1 else 0
        rows.append([height * width, iterations - skip,
                     round(stamps[last] - stamps[first + skip], 4)])
    return rows


def guide_activations(network, guide, layer):
    """The layer's activations for a guide picture shown at about GUIDE_SIDE pixels."""
    images.check_pixels(guide, "guide picture")
    rgb, _ = images.to_working(guide)
    scale = float(GUIDE_SIDE) / max(rgb.shape[-2:])
    size = [max(network.min_size, int(round(side * scale))) for side in rgb.shape[-2:]]
    with torch.no_grad():
        return network(network.normalise(dream.resize(rgb.to(network.mean.device), size)))[layer]


def with_memory_fallback(attempt, device, tile_size, log):
    """(attempt(device, tile) result, device used): on a GPU out of memory, halve the tile down to
    SMALLEST_TILE, then move to the CPU; out of memory on the CPU is an out-of-memory error."""
    device = torch.device(device)
    while True:
        try:
            return attempt(device, tile_size), device
        except (MemoryError, RuntimeError) as error:
            if not _is_out_of_memory(error):
                raise
            if device.type == "cpu":
                raise InceptionismError("out-of-memory", detail=repr(error))
            if device.type == "cuda":
                torch.cuda.empty_cache()
            if tile_size // 2 >= SMALLEST_TILE:
                tile_size //= 2
                log("%s ran out of memory: trying again with %d-pixel tiles" % (device, tile_size))
            else:
                device = torch.device("cpu")
                log("the GPU ran out of memory: dreaming on the CPU instead (slower)")


def _is_out_of_memory(error):
    """CUDA raises OutOfMemoryError, MPS and the CPU allocator a RuntimeError that says so."""
    return (isinstance(error, (MemoryError, torch.OutOfMemoryError))
            or "out of memory" in str(error) or "can't allocate memory" in str(error))


def available_devices():
    """Usable devices, best first: each CUDA GPU, Apple's mps, then the CPU."""
    devices = ["cuda:%d" % index for index in range(torch.cuda.device_count())]
    if torch.backends.mps.is_available():
        devices.append("mps")
    return devices + ["cpu"]


def pick_device(name):
    """The torch.device for "auto" or a device name; bad-settings naming the usable ones."""
    devices = available_devices()
    if name == "auto":
        return torch.device(devices[0])
    try:
        device = torch.device(name)
    except RuntimeError:
        device = None
    wanted = "cuda:0" if str(device) == "cuda" else str(device)
    if device is None or wanted not in devices:
        raise InceptionismError("bad-settings", "Device %r cannot be used here; choose auto or one "
                                "of: %s." % (name, ", ".join(devices)))
    return device
