"""The `inceptionism` command: dream on picture files, visualise a class, dive, list the layers.

Each command's options are built from settings.for_procedure(...), so the command line offers
exactly what the GIMP dialogs offer. Mistakes are reported as one line on stderr, never a traceback.
"""
import argparse
import json
import os
import sys
import time
import traceback

from tqdm import tqdm

from . import __version__, catalogue, cluster, errors, looks, outputs, paths, protocol, settings
from .errors import InceptionismError
from .objectives import parse_layers

# images and engine import torch: they load only when a dream runs, so `layers` answers at once.

VIDEO_NAMES = ("mp4", "webm", "mov")
DEFAULT_FRAME_MS = 100  # video.DEFAULT_FRAME_MS, without importing PyAV for --help
# An animation's dreamed frames wait here until OUT is written (so a rerun can go on).
WORK_SUFFIX = ".inceptionism-frames"
WORK_KEY = "settings.json"


class _Parser(argparse.ArgumentParser):
    """argparse that reports a mistake as one line, like every other error here."""

    def error(self, message):
        self.exit(2, "%s: %s (see --help)\n" % (self.prog, message))


def build_parser():
    parser = _Parser(prog="inceptionism", description="DeepDream (Inceptionism) on pictures.")
    parser.add_argument("--version", action="version", version="inceptionism " + __version__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    dream = commands.add_parser(
        "dream", help="dream on a picture, or on many", usage="%(prog)s [options] IN OUT\n"
        "       %(prog)s [options] --out-dir DIR IN [IN ...]",
        description="Make the network see more of what it sees in IN. With --out-dir, dream on "
                    "every IN with one engine, each into DIR/NAME.png; pictures already there are "
                    "skipped (a rerun finishes a batch), and a picture that cannot be read is "
                    "reported at the end without stopping the others.")
    dream.add_argument("pictures", metavar="IN",  nargs="+",
                       help="the picture to dream on, then where to write the result (PNG keeps "
                            "16 bits); with --out-dir, the pictures to dream on")
    dream.add_argument("--out-dir", metavar="DIR", help="dream on each IN into this folder")
    for setting in settings.for_procedure("dream"):
        _add_setting(dream, setting)
    _add_engine_options(dream)
    dream.add_argument("--mask", metavar="FILE", help="a gray picture: white dreams, black stays")
    dream.add_argument("--guide", metavar="FILE", help="a picture whose features the dream grows")
    cluster.add_options(dream, chunks=False)
    dream.set_defaults(run=run_dream)

    visualize = commands.add_parser(
        "visualize", help="paint what the network thinks an ImageNet class looks like",
        description="Paint an ImageNet class (e.g. --class-name banana) from noise, or over --from IN.")
    visualize.add_argument("output", metavar="OUT", help="where to write the picture")
    visualize.add_argument("--from", dest="start_picture", metavar="IN",
                           help="start from this picture instead of noise")
    for setting in settings.for_procedure("visualize"):
        if setting.name != "start":
            _add_setting(visualize, setting)
    _add_engine_options(visualize)
    visualize.set_defaults(run=run_visualize)

    zoom = commands.add_parser(
        "zoom", help="the endless zoom dive: dream, zoom in, dream again",
        description="Write numbered frames OUT-0000.png ... , the animated OUT (a .gif) and an "
                    "MP4 video beside it.")
    zoom.add_argument("input", metavar="IN", nargs="?", help="the picture to dive into")
    zoom.add_argument("output", metavar="OUT", help="the animated GIF to write")
    zoom.add_argument("--noise", action="store_true", help="start from pure noise instead of IN")
    for setting in settings.for_procedure("zoom"):
        if setting.name != "start":
            _add_setting(zoom, setting)
    _add_engine_options(zoom)
    zoom.set_defaults(run=run_zoom)

    animate = commands.add_parser(
        "animate", help="dream on a video or an animation, the dream following the motion",
        description="Dream on every frame of IN into OUT. Each is a video (%s), an animated GIF "
                    "or WebP, or a folder of numbered pictures. The frame rate, each frame's "
                    "time and a video's sound are kept. Dreamed frames are kept in "
                    "OUT%s until OUT is written, so the same command run again after Ctrl+C or "
                    "a crash goes on where it stopped." % (", ".join(VIDEO_NAMES), WORK_SUFFIX))
    animate.add_argument("input", metavar="IN", help="the video, animation or folder of frames")
    animate.add_argument("output", metavar="OUT", help="the video, animation or folder to write")
    for setting in settings.for_procedure("animate", cli=True):
        _add_setting(animate, setting)
    animate.add_argument("--frame-ms", type=int, default=None, metavar="MS",
                         help="how long each frame of a folder shows (default: %d)"
                         % DEFAULT_FRAME_MS)
    animate.add_argument("--mask", metavar="FILE", help="a gray picture: white dreams, black "
                         "stays, the same for every frame")
    _add_engine_options(animate)
    cluster.add_options(animate, chunks=True)
    animate.set_defaults(run=run_animate)
    channels = commands.add_parser(
        "channels", help="a gallery of what each channel of a layer paints",
        description="Write OUT: a small picture of what each channel of --layer paints, labelled "
                    "with its channel number (for --layer LAYER:CHANNEL or --channel). Made once "
                    "per network and layer, then kept in the data folder; a cancelled build "
                    "resumes. Random weights paint noise.")
    channels.add_argument("output", metavar="OUT", help="the gallery picture to write")
    channels.add_argument("--layer", required=True, help="the layer, e.g. inception4c")
    _add_engine_options(channels)
    channels.set_defaults(run=run_channels)

    layers = commands.add_parser("layers", help="list the networks and their layers")
    layers.add_argument("--model", choices=catalogue.model_names(), help="only this network")
    layers.set_defaults(run=run_layers)
    return parser


def _add_engine_options(parser):
    parser.add_argument("--device", default="auto", help="auto (GPU if any), cpu, cuda, cuda:1, mps")
    parser.add_argument("--weights", metavar="FILE", help="the network's weights file (.pth) to "
                        "use instead of the installed one")
    parser.add_argument("--random-weights", action="store_true",
                        help="use a random network (for testing; no real dreams)")


def _add_setting(parser, setting):
    """One --option for a settings.Setting; unset options are left for validate to default."""
    flag = "--" + setting.name
    if setting.kind == "bool":
        parser.add_argument(flag, action="store_true", default=argparse.SUPPRESS, help=setting.help)
        return
    extra = ""
    if setting.kind == "choice":
        extra = " One of: %s." % ", ".join(nick for nick, _ in setting.choices)
    extra = {"layer": " Also LAYER:CHANNEL, e.g. inception4c:12, or a mix of two layers, e.g. "
                      "0.7*inception4c+0.3*inception5a (sets --layer-2 and --blend); see "
                      "`inceptionism layers`."}.get(setting.name, extra)
    parser.add_argument(flag, metavar=setting.kind.upper() if setting.kind != "choice" else None,
                        default=argparse.SUPPRESS,
                        help="%s%s (default: %s)" % (setting.help, extra, setting.default))


def given_values(procedure, args):
    """The settings of procedure that the user gave on the command line."""
    return dict((s.name, getattr(args, settings.python_name(s.name)))
                for s in settings.for_procedure(procedure)
                if hasattr(args, settings.python_name(s.name)))


def dream_values(args, procedure="dream"):
    """The settings of a dream or dive, settled by the shared rule (settings.validate): the
    options given are the user's choices, so a network given alone brings its layer."""
    values = given_values(procedure, args)
    if "layer" in values:
        layers = parse_layers(values.pop("layer"))
        if "layer-2" in layers and set(values) & set(("layer-2", "blend")):
            raise InceptionismError("bad-settings", "Give a mix either in --layer or with "
                                    "--layer-2 and --blend, not both.")
        values.update(layers)
    return settled(procedure, values, args)


def settled(procedure, values, args):
    """values settled with the options given as the user's choices; a line when a network
    stands in for one not installed."""
    installed = set(catalogue.model_names()) if args.random_weights else None
    values = protocol.checked_settings(procedure, values, list(values), installed)
    note = looks.stand_in_note(values, installed)
    if note:
        _say(note)
    return values


def run_dream(args):
    if args.out_dir:
        return run_batch(args)
    if len(args.pictures) != 2:
        raise InceptionismError("bad-settings", "Give the picture to dream on and where to write "
                                "the result (IN OUT), or --out-dir DIR and the pictures.")
    if args.cluster:
        raise InceptionismError("bad-settings", "--cluster spreads many pictures: give them "
                                "with --out-dir DIR.")
    args.input, args.output = args.pictures
    values = dream_values(args)
    _check_out([args.output], _dream_inputs(args, [args.input]), picture=True)
    pixels = _read(args.input, "picture")
    mask = _mask(_read(args.mask, "mask")) if args.mask else None
    guide = _read(args.guide, "guide picture") if args.guide else None
    engine = _engine(args, values)
    with _ProgressBar() as bar:
        result, meta = engine.dream(pixels, values, mask=mask, guide=guide, progress=bar.update)
    _write(args.output, result)
    _done(args.output, meta, meta["layer"])
    return 0


def run_batch(args):
    """Dream on each picture into args.out_dir with one engine; pictures already done are
    skipped, and a picture that cannot be dreamed on is reported at the end."""
    values = dream_values(args)
    outputs.make_folder(args.out_dir, "--out-dir folder")
    targets = batch_targets(args.pictures, args.out_dir)
    _check_out([target for _, target in targets], _dream_inputs(args, args.pictures))
    mask = _mask(_read(args.mask, "mask")) if args.mask else None
    guide = _read(args.guide, "guide picture") if args.guide else None
    engine, failed, skipped = None, [], 0
    if args.cluster:
        failed, skipped = _batch_on_cluster(args, values, targets, mask, guide)
        targets = []
    for picture, target in targets:
        if os.path.exists(target):
            skipped += 1
            continue
        try:
            pixels = _read(picture, "picture")
            engine = engine or _engine(args, values)
            with _ProgressBar() as bar:
                result, meta = engine.dream(pixels, values, mask=mask, guide=guide,
                                            progress=bar.update)
            _write(target, result)
            _done(target, meta, meta["layer"])
        except InceptionismError as error:
            if error.code not in ("bad-input", "out-of-memory"):
                raise  # the same for every picture: no point in going on
            failed.append((picture, error.message))
    if skipped:
        _say("%d picture(s) already in %s were skipped (remove them to dream them again)"
             % (skipped, args.out_dir))
    for picture, message in failed:
        _say("not dreamed: %s: %s" % (picture, message))
    return 1 if failed else 0


def _batch_on_cluster(args, values, targets, mask, guide):
    """run_batch's (failed, skipped) with the pictures dreamed on the --cluster."""
    todo = [(picture, target) for picture, target in targets if not os.path.exists(target)]

    def write(target, result, meta):
        _write(target, result)
        _done(target, meta, meta["layer"])
    with _ProgressBar() as bar:
        failed = cluster.batch_command(args, values, todo, lambda p: _read(p, "picture"), mask,
                                       guide, write, bar.update, _say)
    return failed, len(targets) - len(todo)


def batch_targets(pictures, out_dir):
    """[(picture, DIR/NAME.png)]; bad-settings when two pictures would land in one file."""
    targets, seen = [], {}
    for picture in pictures:
        name = os.path.splitext(os.path.basename(picture))[0] + ".png"
        if name in seen and seen[name] != picture:
            raise InceptionismError("bad-settings", "%s and %s would both be written to %s; "
                                    "rename one of them." % (seen[name], picture, name))
        seen[name] = picture
        targets.append((picture, os.path.join(out_dir, name)))
    return targets


def _check_out(outs, inputs, folders=(), picture=False):
    """Before anything is read: no OUT is an input or inside a folder of them (refuse_overlap),
    each OUT's folder can take it, and a picture's name says a kind of picture."""
    from . import images
    outputs.refuse_overlap(outs, inputs, folders)
    for out in outs:
        outputs.check_folder(out)
        if picture:
            images.check_picture_name(out)


def _dream_inputs(args, pictures):
    """What a dream reads, as refuse_overlap takes it: the pictures, the mask, the guide."""
    return ([("picture to dream on", picture) for picture in pictures]
            + [("mask", args.mask), ("guide picture", args.guide)])


def run_animate(args):
    from . import video
    given = given_values("animate", args)
    if "coherence" in given and given.get("flicker", "custom") != "custom":
        raise InceptionismError("bad-settings", "Give either --flicker or --coherence, not both.")
    values = dream_values(args, "animate")
    work_path = args.output + WORK_SUFFIX
    inputs = [("source of the frames", args.input), ("mask", args.mask)]
    frames_folder = [("folder of frames to dream on",
                      args.input if os.path.isdir(args.input) else None)]
    outputs.refuse_overlap([work_path], inputs, frames_folder)
    _check_out([args.output], inputs + [("work folder", work_path)],
               frames_folder + [("work folder", work_path)])
    video.check_target(args.output)  # a mistake in OUT is told before the dreaming
    span = frame_span(getattr(args, "frame_range", ":"))
    clip = video.Clip(args.input).cut(*span)
    timing = video.steady(clip.timing, args.frame_ms or DEFAULT_FRAME_MS)
    mask = _mask(_read(args.mask, "mask")) if args.mask else None
    work = WorkFolder(work_path, animation_key(args.input, values, args.mask,
                                               (clip.first, clip.first + clip.count)))
    if work.kept:
        _say("going on from %d dreamed frame(s) kept in %s" % (work.kept, work.path))

    def frames():
        for index, pixels in enumerate(clip):
            yield pixels, work.frame(index)

    try:
        with _ProgressBar() as bar:
            if args.cluster:
                meta = cluster.animate_command(args, clip, values, mask, work, bar.update, _say)
            else:
                meta = _engine(args, values).animate(frames(), values, clip.count, mask,
                                                      on_frame=work.keep, progress=bar.update)
        writer = video.Writer(args.output, timing,
                              audio_from=args.input if clip.kind == "video" else None,
                              audio_span=clip.span_seconds())
        for index in range(meta["frames"]):
            writer.add(work.frame(index))
        writer.close()
    except (KeyboardInterrupt, InceptionismError):
        if work.kept:
            _say("%d dreamed frame(s) are kept in %s: run the same command again to go on"
                 % (work.kept, work.path))
        raise
    work.remove()
    _done(args.output, meta, "%s, %d frames%s (%d dreamed now)"
          % (meta["layer"], meta["frames"], "" if span == (0, None) else
             " (%d:%d of %s)" % (clip.first, clip.first + clip.count, args.input),
             meta["dreamed_frames"]))
    return 0


def frame_span(text):
    """(start, stop or None) of --frame-range A:B, 0-based and half-open like a Python slice;
    bad-settings in the user's words for anything else."""
    start, colon, stop = text.partition(":")
    try:
        span = (int(start) if start.strip() else 0, int(stop) if stop.strip() else None)
    except ValueError:
        span = None
    if not colon or span is None or span[0] < 0 or (span[1] is not None and span[1] <= span[0]):
        raise InceptionismError("bad-settings", "--frame-range takes A:B, whole numbers from 0 "
                                "with A before B (e.g. 10:20, 10: or :20), not %r." % text)
    return span


def animation_key(input_path, values, mask_path, frames):
    """What a kept frame was dreamed from: the same key, the frame can be reused; frames:
    (first, stop) of the frame range."""
    def stamp(path):
        if path is None:
            return None
        facts = os.stat(path)
        return [os.path.abspath(path), facts.st_size, facts.st_mtime]
    return {"input": stamp(input_path), "mask": stamp(mask_path), "settings": values,
            "frames": list(frames), "version": __version__}


class WorkFolder(object):
    """The dreamed frames of an animation not yet written, as frame-NNNNN.png, with the key
    they were dreamed for; frames dreamed for another key are discarded, never reused.

    The folder is the command's own: a link, a file, or a folder of other files at its name is
    refused; frames are opened without following links, and only the frames and the key are
    ever removed. A kept frame that cannot be read is dreamed again, with a warning."""

    def __init__(self, path, key):
        self.path = path
        self.key = json.loads(json.dumps(key))
        self.kept = 0
        self._check()
        if os.path.isdir(path) and self._stored_key() != self.key:
            self.remove()
        outputs.make_folder(path, "folder of dreamed frames")
        outputs.write_whole(os.path.join(path, WORK_KEY), self._write_key)
        while os.path.lexists(self._name(self.kept)):
            self.kept += 1

    def frame(self, index):
        """The kept dream of frame index, or None (a cluster keeps frames out of order)."""
        from . import images
        self._check()
        path = self._name(index)
        if not os.path.lexists(path):
            return None
        try:
            with outputs.open_own(path) as handle:
                return images.read_image(path, handle)
        except (InceptionismError, IOError, OSError, ValueError, RuntimeError) as error:
            _say("the kept frame %s cannot be read (%s): it is dreamed again"
                 % (path, getattr(error, "message", None) or outputs.reason(error)))
            self._discard(path)
            return None

    def keep(self, index, pixels, reused):
        if not reused:
            self._check()
            _write(self._name(index), pixels)
            self.kept = max(self.kept, index + 1)

    def remove(self):
        """Remove the frames and the key written here, then the folder if nothing else is in it."""
        self._check()
        for name in os.listdir(self.path):
            if name == WORK_KEY or (name.startswith("frame-") and name.endswith(".png")):
                outputs.remove_own_file(os.path.join(self.path, name))
        if not os.listdir(self.path):
            os.rmdir(self.path)

    def _check(self):
        """bad-input unless the folder is missing or is a folder of this command's."""
        if not os.path.lexists(self.path):
            return
        if os.path.islink(self.path) or not os.path.isdir(self.path):
            raise InceptionismError(
                "bad-input", "%s is %s, where this command keeps the dreamed frames in a folder "
                "of its own; remove it or choose another OUT." % (
                    self.path, "a link" if os.path.islink(self.path) else "a file"))
        names = os.listdir(self.path)
        if names and WORK_KEY not in names:
            raise InceptionismError("bad-input", "%s holds files this command did not write; "
                                    "move them away or choose another OUT." % self.path)

    def _discard(self, path):
        """Make room for a frame dreamed again: a file of ours or an empty folder goes."""
        if os.path.isdir(path) and not os.path.islink(path):
            try:
                os.rmdir(path)
            except OSError:
                raise InceptionismError("bad-input", "%s is a folder with files in it, where a "
                                        "dreamed frame belongs; move it away." % path)
        outputs.remove_own_file(path)

    def _write_key(self, path):
        with outputs.open_new(path) as handle:
            handle.write(json.dumps(self.key, sort_keys=True).encode("utf-8"))

    def _stored_key(self):
        try:
            with outputs.open_own(os.path.join(self.path, WORK_KEY)) as handle:
                return json.loads(handle.read().decode("utf-8"))
        except (InceptionismError, IOError, OSError, ValueError):
            return None

    def _name(self, index):
        return os.path.join(self.path, "frame-%05d.png" % index)


def run_visualize(args):
    values = given_values("visualize", args)
    if args.start_picture:
        values["start"] = "layer"
    _check_out([args.output], [("picture to start from", args.start_picture)], picture=True)
    values = settled("visualize", values, args)
    pixels = _read(args.start_picture, "picture") if args.start_picture else None
    with _ProgressBar() as bar:
        result, meta = _engine(args, values).visualize(values, pixels, progress=bar.update)
    _write(args.output, result)
    _done(args.output, meta, "class %d (%s)" % (meta["class_index"], meta["class_name"]))
    return 0


def run_zoom(args):
    from . import images
    if bool(args.input) == bool(args.noise):
        raise InceptionismError("bad-settings", "Give either a picture to dive into or --noise.")
    values = dict(dream_values(args, "zoom"), start="noise" if args.noise else "layer")
    stem = os.path.splitext(args.output)[0]
    _check_out([args.output, stem + ".mp4"]
               + ["%s-%04d.png" % (stem, index) for index in range(values["frames"])],
               [("picture to dive into", args.input)])
    images.check_picture_name(args.output)
    pixels = None if args.noise else _read(args.input, "picture")
    frames = []

    def write_frame(index, frame):
        frames.append(frame)
        _write("%s-%04d.png" % (stem, index), frame)

    try:
        with _ProgressBar() as bar:
            _, meta = _engine(args, values).zoom(values, pixels, on_frame=write_frame,
                                                  progress=bar.update)
    finally:  # a cancelled dive still gets its animation, of the frames it made
        if frames:
            outputs.write_whole(args.output, lambda part: images.write_animation(
                part, frames, values["frame-ms"]))
            _write_mp4(stem + ".mp4", frames, values["frame-ms"])
            _say("%s: %d frames and %s.mp4" % (args.output, len(frames), stem))
    _done(args.output, meta, meta["layer"])
    return 0


def _write_mp4(path, frames, frame_ms):
    """The dive as an MP4 video, written with PyAV (no ffmpeg needed)."""
    from . import video
    writer = video.Writer(path, video.Timing(None, [frame_ms]))
    for frame in frames:
        writer.add(frame)
    writer.close()


def run_channels(args):
    try:
        model = catalogue.find_layer(args.layer)[0]
    except ValueError as exc:
        raise InceptionismError("bad-settings", "%s." % (exc,))
    _check_out([args.output], [], picture=True)
    with _ProgressBar() as bar:
        sheet, meta = _engine(args, {"model": model}).gallery(model, args.layer,
                                                               progress=bar.update)
    _write(args.output, sheet)
    _done(args.output, meta, "%s, %d channels" % (args.layer, meta["channels"]))
    return 0



def _engine(args, values):
    from .engine import Engine
    model = values.get("model", settings.BY_NAME["model"].default)
    return Engine(device=args.device, random_weights=True if args.random_weights else None,
                  weights={model: args.weights} if args.weights else None, log=_say)


def _write(path, pixels):
    """Write a picture whole (outputs.write_whole): a file that exists is a finished one."""
    from . import images
    try:
        outputs.write_whole(path, lambda part: images.write_image(part, pixels))
    except ValueError as error:
        raise outputs.cannot_write(path, error)


def _done(path, meta, what):
    _say("%s: %s %s in %.1f s on %s%s"
         % (path, meta["model"], what, meta["seconds"], meta["device"],
            " (RANDOM weights)" if meta["random_weights"] else ""))


def _read(path, what):
    from . import images
    try:
        return images.read_image(path)
    except (IOError, OSError, ValueError, RuntimeError) as error:
        raise InceptionismError("bad-input", "Cannot read the %s %s: %s"
                                % (what, path, outputs.reason(error)))


def _mask(pixels):
    """A gray mask's values 0..1 (a colour mask counts by its brightness)."""
    from . import images
    rgb, _ = images.to_working(pixels)
    return images.luminance(rgb[0].permute(1, 2, 0).numpy())


def run_layers(args):
    for model in [args.model] if args.model else catalogue.model_names():
        network = catalogue.network(model)
        print("%s: %s" % (model, network.title))
        for layer in network.layers:
            default = "  (default)" if layer.name == network.default_layer else ""
            print("  %-14s %s%s" % (layer.name, layer.look, default))
    return 0


def _say(message):
    tqdm.write(message, file=sys.stderr)


class _ProgressBar(object):
    """A tqdm bar on stderr that the engine's progress(fraction, stage, eta) moves; it appears
    with the first step, so a mistake found before dreaming prints no empty bar."""

    def __enter__(self):
        self.bar = None
        return self

    def update(self, fraction, stage, eta):
        if self.bar is None:
            self.bar = tqdm(total=1000, file=sys.stderr, leave=False,
                            bar_format="{desc} {percentage:3.0f}%|{bar}| {elapsed}<{remaining}")
        self.bar.set_description_str(stage, refresh=False)
        self.bar.update(int(round(fraction * 1000)) - self.bar.n)
        if fraction >= 1.0:
            self.bar.refresh()  # tqdm skips redraws less than 0.1 s apart: show the end

    def __exit__(self, *exc_info):
        if self.bar is not None:
            self.bar.close()


def _worded(error):
    """The error's message, with the command line's own advice and the detail it refers to."""
    advice = errors.advice(error.code, "cli")
    if not advice:
        return error.message
    return "%s %s. %s" % (error.message, error.detail.rstrip("."), advice)


def command():
    """The `inceptionism` command: main(), then out of the process at once. Python's teardown
    of a process that loaded torch takes 0.4 s (freeing every module's objects) after the
    command has written its files and said its last word; it is skipped, unless Ray was loaded
    (its exit hooks tell a cluster that this driver has gone)."""
    code = main()
    if "ray" in sys.modules:
        return code
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except InceptionismError as error:
        sys.stderr.write("inceptionism: %s\n" % _worded(error))
        return 130 if error.code == "cancelled" else 1
    except KeyboardInterrupt:
        sys.stderr.write("inceptionism: cancelled\n")
        return 130
    except MemoryError:
        sys.stderr.write("inceptionism: %s\n" % errors.CODES["out-of-memory"])
        return 1
    except Exception:  # a bug: one line here, its traceback in the log
        return _internal_error(args)


INTERNAL_TEXT = "internal error (%s); the details are in %s"


def _internal_error(args):
    """Say in one line that the command failed on a bug; the traceback goes to the engine's log
    (hostile input has its own bad-input or bad-settings message, never this one)."""
    error = sys.exc_info()[1]
    paths.append_log("%s inceptionism %s: %s\n%s" % (
        time.strftime("%Y-%m-%d %H:%M:%S"), args.command, error, traceback.format_exc()))
    sys.stderr.write("inceptionism: %s\n" % (INTERNAL_TEXT % (
        type(error).__name__, paths.log_path())))
    return 1
