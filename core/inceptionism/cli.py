"""The `inceptionism` command: dream on picture files, list the layers.

The dream options are built from settings.for_procedure("dream"), so the command line offers
exactly what the GIMP dialogs offer. Mistakes are reported as one line on stderr, never a traceback.
"""
import argparse
import sys

from tqdm import tqdm

from . import __version__, catalogue, settings
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
    dream.add_argument("--device", default="auto", help="auto (GPU if any), cpu, cuda, cuda:1, mps")
    dream.add_argument("--weights", metavar="FILE", help="the network's weights file (.pth) to use "
                       "instead of the installed one")
    dream.add_argument("--random-weights", action="store_true",
                       help="use a random network (for testing; no real dreams)")
    dream.add_argument("--mask", metavar="FILE", help="a gray picture: white dreams, black stays")
    dream.add_argument("--guide", metavar="FILE", help="a picture whose features the dream grows")
    dream.set_defaults(run=run_dream)

    layers = commands.add_parser("layers", help="list the networks and their layers")
    layers.add_argument("--model", choices=catalogue.model_names(), help="only this network")
    layers.set_defaults(run=run_layers)
    return parser


def _add_setting(parser, setting):
    """One --option for a settings.Setting; unset options are left for validate to default."""
    flag = "--" + setting.name
    if setting.kind == "bool":
        parser.add_argument(flag, action="store_true", default=argparse.SUPPRESS, help=setting.help)
        return
    extra = {"layer": " Also LAYER:CHANNEL, e.g. inception4c:12; see `inceptionism layers`.",
             "model": " One of: %s." % ", ".join(catalogue.model_names())}.get(setting.name, "")
    parser.add_argument(flag, metavar=setting.kind.upper() if setting.kind != "choice" else None,
                        default=argparse.SUPPRESS,
                        help="%s%s (default: %s)" % (setting.help, extra, setting.default))


def dream_values(args):
    """The settings the user gave, with the model and layer completed from each other."""
    values = dict((s.name, getattr(args, settings.python_name(s.name)))
                  for s in settings.for_procedure("dream")
                  if hasattr(args, settings.python_name(s.name)))
    if "layer" in values:
        values["layer"], channel = parse_target(values["layer"])
        if channel is not None:
            values["channel"] = channel
        values.setdefault("model", _model_of(values["layer"]))
    elif values.get("model") in catalogue.DEFAULT_LAYER:
        values["layer"] = catalogue.DEFAULT_LAYER[values["model"]]
    return values


def _model_of(layer):
    try:
        return catalogue.find_layer(layer)[0]
    except ValueError as error:
        raise InceptionismError("bad-settings", str(error))


def run_dream(args):
    from . import images
    from .engine import Engine
    values = dream_values(args)
    pixels = _read(args.input, "picture")
    mask = _mask(_read(args.mask, "mask")) if args.mask else None
    guide = _read(args.guide, "guide picture") if args.guide else None
    model = values.get("model", settings.BY_NAME["model"].default)
    engine = Engine(device=args.device, random_weights=True if args.random_weights else None,
                    weights={model: args.weights} if args.weights else None, log=_say)
    with _ProgressBar() as bar:
        result, meta = engine.dream(pixels, values, mask=mask, guide=guide, progress=bar.update)
    try:
        images.write_image(args.output, result)
    except (IOError, OSError, ValueError) as error:
        raise InceptionismError("bad-input", "Cannot write %s: %s" % (args.output, _reason(error)))
    _say("%s: %s %s in %.1f s on %s%s"
         % (args.output, meta["model"], meta["layer"], meta["seconds"], meta["device"],
            " (RANDOM weights)" if meta["random_weights"] else ""))
    return 0


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

    def __exit__(self, *exc_info):
        if self.bar is not None:
            self.bar.close()


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except InceptionismError as error:
        sys.stderr.write("inceptionism: %s\n" % error.message)
        return 130 if error.code == "cancelled" else 1
    except KeyboardInterrupt:
        sys.stderr.write("inceptionism: cancelled\n")
        return 130
