"""What the GIMP 3 and GIMP 2.10 front ends share, so each stays a thin layer over its GIMP.

Standard library only, Python 2.7 and 3.x. Knows the worker, the settings and how results and
errors are worded; knows nothing about GIMP.
"""
import io
import json
import os
import threading
import time
from collections import namedtuple

from . import animation, catalogue, client, errors, looks, paths, preview, protocol, settings

MENU_PATH = "<Image>/Filters/Artistic/Inceptionism"
RECIPE_PARASITE = "inceptionism-recipe"
# PDB name -> (settings procedure, menu label, what it does): both GIMPs register these.
PROCEDURES = {
    "python-fu-inceptionism-dream": (
        "dream", "_Dream...",
        "Let an ImageNet network dream on the layer: it paints more of what it sees."),
    "python-fu-inceptionism-visualize": (
        "visualize", "_Visualize class...",
        "Paint what an ImageNet network imagines for one of its classes, from noise or the layer."),
    "python-fu-inceptionism-zoom": (
        "zoom", "_Zoom dive...",
        "Dream, zoom into the centre, dream again: each frame a layer of a new image, ready to "
        "export as an animated GIF."),
    "python-fu-inceptionism-animate": (
        "animate", "Dream _animation...",
        "Dream on every layer of the image as a frame of an animation (the bottom layer first), "
        "the dream following the motion: a new image of dreamed frames, names and timings kept."),
}
# The procedures that take a guide layer (after the settings' arguments), and how it is shown.
GUIDED = ("dream",)
GUIDE_ARGUMENT = ("guide", "Guide layer",
                  "Optional: a layer whose features the dream grows (it paints what the guide "
                  "shows, at the first layer of a mix); none dreams freely.")
# A guide is read no larger than this (the engine looks at it at about 224 pixels).
GUIDE_SIDE = 448
# PDB name -> (name, label, what it holds) of the image a procedure hands back to scripts.
RETURNS = {
    "python-fu-inceptionism-zoom": ("image", "Image", "The dive's frames, one layer each"),
    "python-fu-inceptionism-animate": ("image", "Image", "The dreamed frames, one layer each"),
}

# Interleaved pixels as on the wire: channels 1-4, dtype "u8", "u16" or "f32", data bytes.
Pixels = namedtuple("Pixels", "width height channels dtype data")
# A dream's guide: the name of the layer it comes from (for the recipe) and its Pixels.
Guide = namedtuple("Guide", "name pixels")

# How a result layer is named: the procedure's title, then what distinguishes one run from another.
_NAMING = {
    "dream": (u"Dream", lambda s: [layers_text(s),
                                   u"%d\u00d7%d" % (s["octaves"], s["iterations"])]),
    "visualize": (u"Visualize", lambda s: [s["class-name"]]),
    "zoom": (u"Zoom dive", lambda s: [s["layer"], u"%d frames" % s["frames"]]),
    "animate": (u"Dream animation", lambda s: [s["layer"], u"flicker %s" % s["flicker"]]),
}
_RECIPE_KEYS = ("procedure", "version", "settings", "random_weights", "device", "guide")
# Errors the artist can fix in the dialog, or a timeout (a busy engine or computer): no point in
# sending them to install.py --check.
_ARTIST_FIXABLE = ("bad-input", "bad-settings", "out-of-memory", "cancelled", "worker-timeout")
# Errors that stop every dream until the installation is mended: a dialog greys out its button.
CANNOT_RUN = ("missing-weights", "bad-weights", "worker-missing", "version-mismatch")
# Errors only the plug-in side sees (the worker cannot log its own death): logged here.
_CLIENT_SIDE = ("worker-missing", "worker-crashed", "worker-timeout", "version-mismatch", "protocol")


def default_plugin_dir():
    """The folder holding worker.json: the one above this package in both installed layouts."""
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_worker_config(plugin_dir):
    """worker.json as a dict with "command" (argv list) and "log" (the worker's log file)."""
    path = os.path.join(plugin_dir, "worker.json")
    try:
        with io.open(path, encoding="utf-8") as handle:
            config = json.load(handle)
        if not config["command"] or not isinstance(config["command"], list):
            raise ValueError("no command")
    except (IOError, OSError) as exc:
        raise errors.InceptionismError("worker-missing", None, "cannot read %s: %s" % (path, exc))
    except (ValueError, KeyError, TypeError) as exc:
        raise errors.InceptionismError("worker-missing", None, "%s is damaged: %s" % (path, exc))
    config.setdefault("log", paths.log_path())
    return config


def run(procedure, settings, pixels, on_progress=None, config=None, on_frame=None, guide=None):
    """Run one procedure in a fresh worker and return (meta, Pixels); the worker is always closed.

    pixels may be None (starting from noise); on_progress(fraction, text) is told how far it got;
    on_frame(index, Pixels) receives each frame of a zoom dive as soon as it is done; guide: a
    dream's Guide (the layer whose features it grows), or None.
    """
    with Session(config) as session:
        return session.run(procedure, settings, pixels, on_progress, on_frame, guide)


class Session(object):
    """One worker, started on first use and kept until close(): a dialog's previews and the run
    that follows share it, so only the first of them waits for the engine to start. cancel()
    may come from another thread (a dialog's Cancel) at any time, the engine's start included."""

    def __init__(self, config=None):
        self.config = config or load_worker_config(default_plugin_dir())
        self.worker = None
        self._lock = threading.Lock()
        self._starting = None  # the WorkerClient whose hello is awaited
        self._abandoned = None  # the one cancel() stopped while it started

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    @property
    def hello(self):
        """The running worker's hello (its devices and which networks it has), or None."""
        return self.worker.hello if self.worker is not None else None

    def check_ready(self, procedure, values):
        """Start the worker if needed and raise at once what would stop values' run: the
        network file missing, the engine missing (a script gets it before any pixel is read)."""
        if self.worker is None:
            self.worker = self._started_worker()
        problem = self.problem(procedure, values)
        if problem is not None:
            raise problem

    def installed(self, start=None):
        """The networks the running worker can dream with (its hello), or None before it has
        said hello: what the shared rule (looks.settle) chooses auto's network among. start: a
        procedure's name, to start the worker first if need be (a failure to start is raised,
        and logged as that procedure's)."""
        if start:
            self._started_hello(start)
        if self.hello is None:
            return None
        return set(name for name, state in self.hello.get("models", {}).items()
                   if state != "missing")

    def problem(self, procedure, values):
        """The error a run of values would meet at once, from the worker's hello; None if none
        is known (the worker has not said hello yet, or it has the network)."""
        if self.hello is None:
            return None
        try:
            model = settings.validate(procedure, values, installed=self.installed())["model"]
        except ValueError:
            return None  # the run itself says what is wrong with the settings
        if self.hello.get("models", {}).get(model) != "missing":
            return None
        title = catalogue.network(model).title
        return errors.missing_weights(title, "the engine's hello says the %s weights are missing"
                                      % model)

    def run(self, procedure, settings, pixels, on_progress=None, on_frame=None, guide=None):
        """(meta, Pixels) of procedure on pixels (None: from noise); see run(). A guide's pixels
        follow the picture's in the payload ("guide": their description); the meta's guide
        names its layer, so the recipe records it."""
        message = {"type": procedure, "settings": self._settled(procedure, settings)}
        if guide is not None:
            message["guide"] = _description(guide.pixels)
        meta, result = self._request(message, pixels, on_progress, on_frame,
                                     guide.pixels.data if guide is not None else b"")
        if guide is not None:
            meta = dict(meta, guide=dict(meta.get("guide") or {}, layer=_text(guide.name)))
        if procedure in preview.ESTIMATED:
            preview.remember_speed(meta)
        return meta, result

    def animate(self, settings, count, read_frame, mask=None, on_progress=None, on_frame=None):
        """(meta, last Pixels) of an animation of count frames, read_frame(index) -> Pixels
        each; mask: the selection (1-channel Pixels of a frame's size) or None.

        Streams: the first frame goes with the request, each next one when the last dreamed one
        has come back to on_frame(index, Pixels), so only two frames are ever on their way.
        """
        message = {"type": "animate", "count": count,
                   "settings": self._settled("animate", settings)}
        # A worker with a cluster takes every frame at once, to spread them over it.
        given = count if self._started_hello().get("cluster") else 1
        first = read_frame(0)
        data = [first.data] + [read_frame(index).data for index in range(1, given)]
        message["frames"] = given
        if mask is not None:
            message["mask"] = _description(mask)
            data.append(mask.data)  # the mask follows the frames
        first = first._replace(data=b"".join(data))

        def arrived(index, pixels):
            # The dreamed frame is kept first: sending the next one fails if the worker just died.
            if on_frame is not None:
                on_frame(index, pixels)
            if index + given < count:
                following = read_frame(index + given)
                self.worker.stream({"type": "frame", "index": index + given,
                                    "image": _description(following)}, following.data)
        return self._request(message, first, on_progress, arrived)

    def animate_layers(self, settings, frames, read_frame, mask, on_progress, on_frame, made):
        """animate() for an image's layers (animation.Frame each, the first frame first): they are
        checked first, and a failure says how many dreamed frames the new image keeps (made():
        how many it holds); returns the meta."""
        animation.check_frames(frames)
        try:
            return self.animate(settings, len(frames), read_frame, mask, on_progress, on_frame)[0]
        except errors.InceptionismError as exc:
            raise animation.kept(exc, made(), len(frames))

    def preview(self, settings, pixels, full_size=None, on_progress=None,
                side=preview.PREVIEW_SIDE):
        """(meta, 8-bit RGB Pixels at most side on a side): a quick dream of the pixels shrunk.

        full_size: (width, height) of the selection when pixels are already a smaller copy of it
        (GIMP reads them at preview size); the octaves the shrinking stands for are left out.
        """
        width, height = full_size or (pixels.width, pixels.height)
        values = preview.preview_settings(settings, width, height, side,
                                          self.installed(start="preview"))
        message = {"type": "preview", "settings": values, "side": side}
        meta, result = self._request(message, pixels, on_progress, None)
        preview.remember_speed(meta)
        return meta, result

    def gallery(self, model, layer, on_progress=None, build=True):
        """(meta, 8-bit RGB Pixels) of the layer's labelled channel gallery, which the engine
        builds once and keeps (a cancelled build resumes); with build False, (meta, None) when
        it is not kept yet."""
        message = {"type": "gallery", "model": model, "layer": layer, "build": build}
        return self._request(message, None, on_progress, None)

    def cancel(self):
        """Stop what runs now and return at once: a request is cancelled (the worker stays), an
        engine still starting is stopped (its start raises Cancelled)."""
        with self._lock:
            starting, worker = self._starting, self.worker
            if starting is not None:
                self._abandoned = starting
        if starting is not None:
            starting.abort()
        elif worker is not None:
            worker.cancel()

    def close(self):
        if self.worker is not None:
            self.worker.close()
            self.worker = None

    def _request(self, message, pixels, on_progress, on_frame, after=b""):
        """after: bytes that follow the picture's in the payload (a guide's)."""
        payload = b""
        if pixels is not None:
            message["image"] = _description(pixels)
            payload = pixels.data
        payload = [payload, after] if after else payload
        try:
            if self.worker is None:
                self.worker = self._started_worker()
            header, data = self.worker.request(message, payload, _progress_to(on_progress),
                                               on_frame=_frames_to(on_frame))
            return header["meta"], _result_pixels(header, data) if "image" in header else None
        except errors.InceptionismError as exc:
            if exc.code in _CLIENT_SIDE:
                _log_failure(self.config["log"], message["type"], exc)
                self.close()  # a worker that crashed, hung or babbled is not asked again
            raise

    def _settled(self, procedure, values):
        """values checked (a bad one is refused before any worker starts), then settled with
        the networks the worker's hello lists (the worker starts first if need be)."""
        if self.worker is None:  # a running worker's hello is known: one validation is enough
            protocol.checked_settings(procedure, values)
        return protocol.checked_settings(procedure, values,
                                         installed=self.installed(start=procedure))

    def _started_hello(self, procedure="animate"):
        """The worker's hello, starting the worker first if need be (for procedure)."""
        try:
            if self.worker is None:
                self.worker = self._started_worker()
        except errors.InceptionismError as exc:
            if exc.code in _CLIENT_SIDE:
                _log_failure(self.config["log"], procedure, exc)
            raise
        return self.worker.hello or {}

    def _started_worker(self):
        worker = client.WorkerClient(self.config["command"])
        with self._lock:
            self._starting = worker
        try:
            worker.start()
            if self._abandoned is worker:  # cancelled just as its hello came
                raise errors.Cancelled()
        except BaseException as exc:
            worker.close()
            if self._abandoned is worker:
                raise errors.Cancelled(None, "cancelled while the engine started (%r)" % (exc,))
            raise
        finally:
            with self._lock:
                self._starting = None
        return worker


def gray(pixels):
    """8-bit RGB Pixels as gray (Rec. 709 luma), for an image whose layers take one byte a pixel."""
    data = bytearray(pixels.data)
    luma = bytearray((54 * r + 183 * g + 19 * b + 128) >> 8
                     for r, g, b in zip(data[0::3], data[1::3], data[2::3]))
    return pixels._replace(channels=1, data=bytes(luma))


def _description(pixels):
    return protocol.image_description(pixels.width, pixels.height, pixels.channels, pixels.dtype)


def shrunk_rgb(rows, width, channels, small_width):
    """8-bit RGB Pixels small_width wide from rows of 8-bit pixels (1 to 4 channels) width wide,
    each column the nearest one: a preview's picture, for a GIMP (2.10) that cannot read a layer
    shrunk, from the rows it shows. Gray becomes RGB, alpha is left out."""
    colour = 3 if channels >= 3 else 1
    starts = [(column * width // small_width) * channels for column in range(small_width)]
    data = bytearray()
    for row in rows:
        row = bytearray(row)
        for start in starts:
            data += row[start:start + colour] * (3 // colour)
    return Pixels(small_width, len(rows), 3, "u8", bytes(data))


def layer_name(meta):
    """The new layer's name, e.g. u"Dream \u00b7 inception4c \u00b7 4\u00d710"."""
    title, details = _NAMING[meta["procedure"]]
    name = u" \u00b7 ".join([title] + [_text(part) for part in details(meta["settings"])])
    return name + u" (random weights)" if meta.get("random_weights") else name


def layers_text(values):
    """u"inception4c" or, for a mix, u"inception4c + 30% inception5a"."""
    second = values.get("layer-2", looks.NONE)
    if second == looks.NONE:
        return values["layer"]
    return u"%s + %d%% %s" % (values["layer"], round(100 * values["blend"]), second)


def gallery_channel_at(x, y, meta):
    """The channel whose cell of a channel gallery (meta: its "cell" [width, height], "columns"
    and "channels") holds the pixel (x, y), or None outside every cell."""
    (width, height), columns = meta["cell"], meta["columns"]
    column, row = int(x) // width, int(y) // height
    channel = row * columns + column
    inside = x >= 0 and y >= 0 and column < columns
    return channel if inside and channel < meta["channels"] else None


def frame_layer_name(index, frame_ms):
    """u"Frame 1 (80ms) (replace)" for frame index 0: GIF export reads each frame's delay and
    disposal from its layer's name."""
    return u"Frame %d (%dms) (replace)" % (index + 1, frame_ms)


def procedure_help(procedure):
    """The procedure's help text: each setting's label and what it does."""
    return "\n".join("%s: %s" % (s.label, s.help) for s in settings.for_procedure(procedure))


def check_source(is_layer, is_group, is_indexed):
    """Raise bad-input, in the artist's words, when a drawable is nothing to dream from."""
    if not is_layer:
        raise _bad_input("Dreams are painted from a layer. "
                         "Select a layer, not a channel or a mask.")
    if is_group:
        raise _bad_input("This is a layer group. Select one of its layers, "
                         "or merge the group into one layer first.")
    check_image(is_indexed)


def check_image(is_indexed):
    """Raise bad-input when the image cannot take a new picture (even one painted from noise)."""
    if is_indexed:
        raise _bad_input(u"Indexed-colour images cannot be dreamed on. "
                         u"Convert the image first: Image \u25b8 Mode \u25b8 RGB.")


def starts_from_layer(values):
    """True when a procedure's picture starts from the layer's pixels (Dream always does)."""
    return values.get("start", "layer") == "layer"


def destination(procedure, values):
    """Where a result goes, the same in both GIMPs: "new-image" (a zoom dive's frames fill a new
    image, which the procedure returns), "new-animation" (a new image of the dreamed frames of
    the image's layers, named as they are), "above-source" (a new layer right above the layer it
    was dreamed from) or "from-noise" (a new layer, painted from noise, above the active one)."""
    if procedure == "zoom":
        return "new-image"
    if procedure == "animate":
        return "new-animation"
    return "above-source" if starts_from_layer(values) else "from-noise"


def selection_misses_layer():
    """The error for a selection that leaves nothing of the layer to dream on."""
    return _bad_input(u"The selection does not touch this layer. "
                      u"Select part of the layer, or Select \u25b8 None to dream on all of it.")


def _bad_input(message):
    return errors.InceptionismError("bad-input", message)


def recipe_json(meta):
    """What made the layer, as JSON text for the "inceptionism-recipe" parasite."""
    recipe = dict((key, meta[key]) for key in _RECIPE_KEYS if key in meta)
    return json.dumps(recipe, sort_keys=True)


def user_message(exc, log_file=None):
    """One message in plain words for any failure, naming the log and, if useful, the check."""
    if isinstance(exc, errors.Cancelled):
        return _text(exc.message)
    if isinstance(exc, errors.InceptionismError):
        text, code = _text(exc.message), exc.code
    else:
        text, code = u"%s (%s)" % (errors.CODES["internal"], _text(repr(exc))), "internal"
    advice = errors.advice(code, "gimp")
    text += u" " + _text(advice) if advice else u""
    text += u" Details are in the log: %s." % _text(log_file or paths.log_path())
    if code not in _ARTIST_FIXABLE and not advice:
        text += u" To check the installation, run: python3 install.py --check"
    return text


def progress_title(procedure, values, pixels, installed=None):
    """u"Dream\u2026 about 40 s on cpu": the menu label, with the time a dream of this size took
    here before (preview.estimate), for the progress bar before the first step reports; and
    the line that says which network stands in (installed: the worker's hello's networks)."""
    pdb_name = [name for name, entry in PROCEDURES.items() if entry[0] == procedure][0]
    title = PROCEDURES[pdb_name][1].replace("_", "").replace("...", u"\u2026")
    known = None
    if procedure in preview.ESTIMATED and pixels is not None:
        try:
            known = preview.estimate(values, pixels.width, pixels.height)
        except ValueError:
            pass  # the run itself says what is wrong with the settings
    note = stand_in_note(procedure, values, installed)
    if known is not None:
        title = u"%s %s on %s" % (title, preview.duration_text(known[0]),
                                  known[1] or u"this computer")
    return u"%s (%s)" % (title, note) if note else title


def stand_in_note(procedure, values, installed=None):
    """looks.stand_in_note for values as a front end holds them (settled or not), or None:
    "GoogLeNet is not installed yet: dreaming with EfficientNet-Lite0, ..." (installed: the
    worker's hello's networks, None: the files here)."""
    try:
        return looks.stand_in_note(settings.validate(procedure, values, installed=installed),
                                   installed)
    except ValueError:
        return None  # the run itself says what is wrong with the settings


def progress_text(stage, eta_s):
    """u"octave 2 of 4, about 12 s left" from a progress frame's stage and estimate."""
    if eta_s is None or eta_s < 1:
        return _text(stage)
    left = u"about %d s left" % eta_s if eta_s < 90 else u"about %d min left" % round(eta_s / 60.0)
    return u", ".join(part for part in (_text(stage), left) if part)


def _progress_to(on_progress):
    if on_progress is None:
        return None
    return lambda fraction, stage, eta_s: on_progress(fraction, progress_text(stage, eta_s))


def _frames_to(on_frame):
    if on_frame is None:
        return None
    return lambda header, data: on_frame(header["index"], _result_pixels(header, data))


def _result_pixels(header, data):
    image = header["image"]
    try:
        expected = protocol.image_bytes(image)
    except ValueError as exc:
        raise protocol.ProtocolError("result: %s" % (exc,))
    if expected != len(data):
        raise protocol.ProtocolError("result image %r needs %d bytes, got %d"
                                     % (image, expected, len(data)))
    return Pixels(image["width"], image["height"], image["channels"], image["dtype"], data)


def _log_failure(log_file, procedure, exc):
    paths.append_log(u"%s plug-in: %s failed: %s: %s\n%s\n" % (
        time.strftime("%Y-%m-%d %H:%M:%S"), procedure, exc.code, _text(exc.message),
        _text(exc.detail)), log_file)


def _text(value):
    """Unicode text from str, bytes or numbers alike (Python 2.7 mixes them freely)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, type(u"")) else type(u"")(value)
