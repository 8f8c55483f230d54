"""The `inceptionism` command: dream on picture files, visualise a class, dive, list the layers.

Each command's options are built from settings.for_procedure(...), so the command line offers
exactly what the GIMP dialogs offer. Mistakes are reported as one line on stderr, never a traceback.
"""
import argparse
import os
import shutil
import subprocess
import sys

from tqdm import tqdm

from . import __version__, catalogue, errors, protocol, settings
from .errors import InceptionismError
from .objectives import parse_target

# images and engine import torch: they load only when a dream runs, so `layers` answers at once.


class _Parser(argparse.ArgumentParser):
    """argparse that reports a mistake as one line, like every other error here."""

    def error(self, message):
        self.exit(2, "%s: %s (see --help)\n" % (self.prog, message))


def build_parser():
    parser = _Parser(prog="inceptionism", description="DeepDream (Inceptionism) on pictures.")
    parser.add_argument("--version", action="version", version="inceptionism " + __version__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    dream = commands.add_parser("dream", help="dream on a picture",
                                description="Make the network see more of what it sees in IN.")
    dream.add_argument("input", metavar="IN", help="the picture to dream on")
    dream.add_argument("output", metavar="OUT",
                       help="where to write the result (PNG keeps 16 bits)")
    for setting in settings.for_procedure("dream"):
        _add_setting(dream, setting)
    _add_engine_options(dream)
    dream.add_argument("--mask", metavar="FILE", help="a gray picture: white dreams, black stays")
    dream.add_argument("--guide", metavar="FILE", help="a picture whose features the dream grows")
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
        description="Write numbered frames OUT-0000.png ... and the animated OUT (a .gif; also an "
                    ".mp4 beside it when ffmpeg is installed).")
    zoom.add_argument("input", metavar="IN", nargs="?", help="the picture to dive into")
    zoom.add_argument("output", metavar="OUT", help="the animated GIF to write")
    zoom.add_argument("--noise", action="store_true", help="start from pure noise instead of IN")
    for setting in settings.for_procedure("zoom"):
        if setting.name != "start":
            _add_setting(zoom, setting)
    _add_engine_options(zoom)
    zoom.set_defaults(run=run_zoom)

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
    extra = {"layer": " Also LAYER:CHANNEL, e.g. inception4c:12; see `inceptionism layers`."
             }.get(setting.name, extra)
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
        values["layer"], channel = parse_target(values["layer"])
        if channel is not None:
            values["channel"] = channel
    return protocol.checked_settings(procedure, values, changed=list(values))


def run_dream(args):
    values = dream_values(args)
    pixels = _read(args.input, "picture")
    mask = _mask(_read(args.mask, "mask")) if args.mask else None
    guide = _read(args.guide, "guide picture") if args.guide else None
    engine = _engine(args, values)
    with _ProgressBar() as bar:
        result, meta = engine.dream(pixels, values, mask=mask, guide=guide, progress=bar.update)
    _write(args.output, result)
    _done(args.output, meta, meta["layer"])
    return 0


def run_visualize(args):
    values = given_values("visualize", args)
    if args.start_picture:
        values["start"] = "layer"
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
    pixels = None if args.noise else _read(args.input, "picture")
    stem = os.path.splitext(args.output)[0]
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
            images.write_animation(args.output, frames, values["frame-ms"])
            _say("%s: %d frames%s" % (args.output, len(frames), _mp4(stem, args.output)))
    _done(args.output, meta, meta["layer"])
    return 0


def _mp4(stem, gif):
    """Also an MP4 of the frames when a system ffmpeg exists; the words that say so."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return ""
    command = [ffmpeg, "-y", "-loglevel", "error", "-i", stem + "-%04d.png", "-pix_fmt", "yuv420p",
               "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", stem + ".mp4"]
    return " and %s.mp4" % stem if subprocess.call(command) == 0 else " (ffmpeg failed: no MP4)"


def _engine(args, values):
    from .engine import Engine
    model = values.get("model", settings.BY_NAME["model"].default)
    return Engine(device=args.device, random_weights=True if args.random_weights else None,
                  weights={model: args.weights} if args.weights else None, log=_say)


def _write(path, pixels):
    from . import images
    try:
        images.write_image(path, pixels)
    except (IOError, OSError, ValueError) as error:
        raise InceptionismError("bad-input", "Cannot write %s: %s" % (path, _reason(error)))


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
                                % (what, path, _reason(error)))


def _mask(pixels):
    """A gray mask's values 0..1 (a colour mask counts by its brightness)."""
    from . import images
    rgb, _ = images.to_working(pixels)
    return images.luminance(rgb[0].permute(1, 2, 0).numpy())


def _reason(error):
    return getattr(error, "strerror", None) or str(error).splitlines()[0]


def run_layers(args):
    manifest = catalogue.load_manifest()
    for model in [args.model] if args.model else catalogue.model_names():
        print("%s: %s" % (model, manifest["models"][model]["title"]))
        for layer in catalogue.LAYERS[model]:
            default = "  (default)" if layer.name == catalogue.DEFAULT_LAYER[model] else ""
            print("  %-12s %s%s" % (layer.name, layer.look, default))
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
