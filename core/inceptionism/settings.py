"""Every user-facing setting, declared once.

The GIMP 3 dialog, the GIMP 2.10 dialog, the command line and the worker's validation are
all built from SETTINGS, so the three front ends never drift apart. Standard library only
and Python 2.7 compatible (the plug-ins import it).

Names are GIMP 3 property names (lower case, hyphens); the CLI uses them as --long-options
and the engine as keyword arguments with underscores (see python_name).
"""
from collections import namedtuple

from . import catalogue, looks

PROCEDURES = ("dream", "visualize", "zoom", "animate")

# kind: "int", "float", "bool", "choice" or "string".
# choices: for "choice", a list of (nick, label). procedures: where the setting appears.
# advanced: shown under "Advanced" in the dialogs (True, or the procedures where it is).
# low/high: inclusive bounds for numbers.
Setting = namedtuple("Setting", "name kind default low high label help choices procedures advanced")


def _setting(name, kind, default, label, help, low=None, high=None, choices=None,
             procedures=PROCEDURES, advanced=False):
    return Setting(name, kind, default, low, high, label, help, choices, tuple(procedures), advanced)


def _layer_choices():
    return [(layer.name, u"%s \u2014 %s (%s)" % (layer.name, layer.look, model))
            for model in catalogue.model_names() for layer in catalogue.network(model).layers]


def _model_choices():
    auto = u"Best installed: %s" % u", else ".join(
        catalogue.short_title(name) for name in catalogue.FALLBACK)
    return [(catalogue.AUTO, auto)] + [(model, catalogue.network(model).title)
                                       for model in catalogue.model_names()]


DREAMING = ("dream", "zoom", "animate")
# Under "Advanced" where the artist's words (looks.py) set them, up front where they do not.
WORDED = looks.PROCEDURES

def _word_settings():
    """A choice for each of the artist's words; the Blend with slider right after the Second
    depth it weighs."""
    for word in looks.WORDS:
        yield _setting(word.name, "choice", looks.CUSTOM, word.label, word.help,
                       choices=looks.choices(word.name), procedures=looks.PROCEDURES)
        if word.name == "depth-2":
            yield _setting("blend", "float", 0.5, "Blend with",
                           "How much of the second depth (layer-2) the dream takes: 0 none of "
                           "it, 1 only it.", low=0.0, high=1.0, procedures=DREAMING)


SETTINGS = list(_word_settings()) + [
    _setting("flicker", "choice", looks.CUSTOM, looks.FLICKER.label, looks.FLICKER.help,
             choices=looks.choices("flicker"), procedures=("animate",)),
    _setting("coherence", "float", 0.9, "Coherence",
             "How much of the last frame's dream, carried along the motion, each frame starts "
             "from (0: independent frames, 1: all of it).", low=0.0, high=1.0,
             procedures=("animate",), advanced=True),
] + [
    _setting("model", "choice", catalogue.AUTO, "Network",
             "The ImageNet network that dreams. auto: GoogLeNet (the original Inceptionism "
             "look) where it is installed, else EfficientNet-Lite0, which comes with the engine.",
             choices=_model_choices(), advanced=WORDED),
    _setting("layer", "choice", "inception4c", "Layer (what it sees)",
             "Low layers give strokes and ornaments, high layers eyes, animals and buildings.",
             choices=_layer_choices(), procedures=DREAMING, advanced=WORDED),
    _setting("layer-2", "choice", looks.NONE, "Second layer (mix)",
             "A second layer of the same network dreamed at once, weighted by Blend with "
             "(none: the first layer alone).",
             choices=[(looks.NONE, "None (one layer)")] + _layer_choices(), procedures=DREAMING,
             advanced=WORDED),
    _setting("channel", "int", -1, "Channel", "One feature channel of the layer only (-1: all).",
             low=-1, high=4095, procedures=DREAMING, advanced=True),
    _setting("octaves", "int", 4, "Octaves (detail sizes)",
             "How many scales the dream works at; more octaves give larger shapes.",
             low=1, high=8, procedures=DREAMING, advanced=WORDED),
    _setting("octave-scale", "float", 1.4, "Octave scale",
             "Size ratio between two octaves.", low=1.1, high=2.0, procedures=DREAMING,
             advanced=True),
    _setting("iterations", "int", 10, "Iterations per octave",
             "More iterations make the dream stronger and take longer.",
             low=1, high=200, procedures=DREAMING, advanced=WORDED),
    _setting("step-size", "float", 0.01, "Strength per step",
             "How far each iteration pushes the pixels (fraction of the full range).",
             low=0.0005, high=0.1, procedures=DREAMING, advanced=WORDED),
    _setting("jitter", "int", 32, "Jitter (pixels)",
             "Random shift before each step; hides the network's grid.",
             low=0, high=128, procedures=DREAMING, advanced=True),
    _setting("tile-size", "int", 512, "Tile size (pixels)",
             "Large images are dreamed in tiles of this size to bound memory.",
             low=64, high=4096, procedures=DREAMING, advanced=True),
    _setting("preserve-colors", "bool", False, "Keep original colours",
             "Change only the brightness, keep the colours of the source.", procedures=DREAMING),
    _setting("class-name", "string", "banana", "ImageNet class",
             "What the network should paint: a class name such as banana, or its number (0-999).",
             procedures=("visualize",)),
    _setting("start", "choice", "noise", "Start from",
             "Pure noise, or the pixels of the active layer.",
             choices=[("noise", "Noise"), ("layer", "The active layer")],
             procedures=("visualize", "zoom")),
    _setting("width", "int", 512, "Width (from noise)", "Width of the picture when starting from noise.",
             low=32, high=4096, procedures=("visualize", "zoom")),
    _setting("height", "int", 512, "Height (from noise)", "Height of the picture when starting from noise.",
             low=32, high=4096, procedures=("visualize", "zoom")),
    _setting("steps", "int", 256, "Steps", "Optimisation steps; more steps, clearer objects.",
             low=1, high=4096, procedures=("visualize",)),
    _setting("prior-strength", "float", 1.0, "Natural-image prior",
             "How strongly neighbouring pixels are kept alike (0: raw pixels, 1: natural).",
             low=0.0, high=1.0, procedures=("visualize",), advanced=True),
    _setting("frames", "int", 24, "Frames", "How many frames the dive has.",
             low=2, high=1000, procedures=("zoom",)),
    _setting("zoom", "float", 1.05, "Zoom per frame", "How much each frame zooms into the centre.",
             low=1.0, high=1.5, procedures=("zoom",)),
    _setting("rotate", "float", 0.0, "Rotation per frame (degrees)", "Turns the dive as it goes.",
             low=-45.0, high=45.0, procedures=("zoom",), advanced=True),
    _setting("pan-x", "float", 0.0, "Pan across per frame (pixels)",
             "Shifts the dive sideways as it goes (negative: to the left).",
             low=-64.0, high=64.0, procedures=("zoom",), advanced=True),
    _setting("pan-y", "float", 0.0, "Pan down per frame (pixels)",
             "Shifts the dive up or down as it goes (negative: upwards).",
             low=-64.0, high=64.0, procedures=("zoom",), advanced=True),
    _setting("frame-ms", "int", 80, "Frame time (ms)", "How long each frame shows in the GIF.",
             low=10, high=5000, procedures=("zoom",)),
    _setting("frame-range", "string", ":", "Frame range",
             "Only these frames, A:B counted as a Python slice: from frame A (the first is 0) up "
             "to but not including frame B; either may be left out (10: is from the 11th frame "
             "on).", procedures=("animate",)),
    _setting("seed", "int", 0, "Random seed",
             "The same seed on the same device gives the same picture.", low=0, high=2 ** 31 - 1),
]

# Where a procedure wants another default than the table's (a dive dreams lightly per frame).
PROCEDURE_DEFAULTS = {"zoom": {"octaves": 2, "iterations": 5}}

BY_NAME = dict((s.name, s) for s in SETTINGS)

# Settings only the command line offers: GIMP's Dream animation dreams every layer of an image
# (hide or delete layers there to dream fewer frames).
CLI_ONLY = ("frame-range",)


def python_name(name):
    """'step-size' -> 'step_size': the engine's keyword for a setting."""
    return name.replace("-", "_")


def for_procedure(procedure, cli=False):
    """The settings a procedure takes, in table order, with its own defaults applied and
    advanced a plain True or False; the CLI_ONLY ones only with cli (the command line's
    options), never in the dialogs nor in what the engine is sent."""
    overrides = PROCEDURE_DEFAULTS.get(procedure, {})
    return [s._replace(default=overrides.get(s.name, s.default),
                       advanced=s.advanced is True or procedure in (s.advanced or ()))
            for s in SETTINGS
            if procedure in s.procedures and (cli or s.name not in CLI_ONLY)]


def for_dialog(procedure):
    """for_procedure, with the artist's words defaulting to those that describe the other
    defaults (a dialog leads with "Classic", not "custom"; scripts keep "custom")."""
    table = for_procedure(procedure)
    words = looks.describe(looks.settle(dict((s.name, s.default) for s in table), []))
    return [s._replace(default=words.get(s.name, s.default)) for s in table]


def defaults(procedure):
    return dict((s.name, s.default) for s in for_procedure(procedure))


def validate(procedure, values, changed=None, installed=None):
    """Complete values with defaults, check each one and settle them (looks.settle: the words,
    the network and its layer in step); ValueError in the user's words.

    changed: the names the artist chose; by default those given with a value other than the
    procedure's default (a front end that knows better, like the command line, says so).
    installed: the networks that can dream (looks.settle), by default those installed here.
    """
    if procedure not in PROCEDURES:
        raise ValueError("unknown procedure %r" % (procedure,))
    known = for_procedure(procedure)
    unknown = sorted(set(values) - set(s.name for s in known))
    if unknown:
        raise ValueError("unknown setting(s) for %s: %s" % (procedure, ", ".join(unknown)))
    result = {}
    for setting in known:
        result[setting.name] = _check(setting, values.get(setting.name, setting.default))
    if changed is None:
        changed = [s.name for s in known if s.name in values and result[s.name] != s.default]
    return looks.settle(result, changed, installed)


def chosen_in_dialog(procedure, values):
    """The names whose values differ from the dialog's defaults (for_dialog): what a dialog that
    cannot react (GIMP 2.10's) takes as the artist's choices, remembered last values included."""
    return [s.name for s in for_dialog(procedure) if s.name in values and values[s.name] != s.default]


def _check(setting, value):
    name, kind = setting.name, setting.kind
    if kind == "bool":
        if value in (True, False, 0, 1):
            return bool(value)
        raise ValueError("%s must be true or false, not %r" % (name, value))
    if kind == "choice":
        nicks = [nick for nick, _ in setting.choices]
        if value not in nicks:
            raise ValueError("%s must be one of %s, not %r" % (name, ", ".join(nicks), value))
        return value
    if kind == "string":
        if not isinstance(value, type(u"")) and not isinstance(value, str):
            raise ValueError("%s must be text, not %r" % (name, value))
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError("%s must be a number, not %r" % (name, value))
    if kind == "int":
        if number != int(number):
            raise ValueError("%s must be a whole number, not %r" % (name, value))
        number = int(number)
    if not setting.low <= number <= setting.high:
        raise ValueError("%s must be between %s and %s, not %s"
                         % (name, setting.low, setting.high, value))
    return number
