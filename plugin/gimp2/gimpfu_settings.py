# -*- coding: utf-8 -*-
"""The settings table as gimpfu sees it: each setting's PF_* parameter for register(), and the
values gimpfu hands back (from its dialog, the last values or a script) turned into settings.
GIMP 2.10 only (Python 2.7); installed in the front end's lib folder beside the stdlib modules."""
import math

from gimpfu import (PF_DRAWABLE, PF_IMAGE, PF_LAYER, PF_OPTION, PF_SLIDER, PF_SPINNER, PF_STRING,
                    PF_TOGGLE)
from inceptionism import errors, plugin_support, protocol, settings

_text_type = type(u"")


def utf8(text):
    """GIMP 2.10 takes UTF-8 byte strings; pygimp refuses non-ASCII unicode."""
    return text.encode("utf-8") if isinstance(text, _text_type) else text


def slider_step(setting):
    """A power of ten giving at least a hundred steps over the setting's range."""
    return 10.0 ** math.floor(math.log10((setting.high - setting.low) / 100.0))


# Setting kind -> its gimpfu parameter tuple (PF type, name, description, default[, extra]).
PARAMETERS = {
    "choice": lambda s: (PF_OPTION, s.name, s.label, [n for n, _ in s.choices].index(s.default),
                         [utf8(label) for _, label in s.choices]),
    "int": lambda s: (PF_SPINNER, s.name, s.label, s.default, (s.low, s.high, 1)),
    "float": lambda s: (PF_SLIDER, s.name, s.label, s.default, (s.low, s.high, slider_step(s))),
    "bool": lambda s: (PF_TOGGLE, s.name, s.label, s.default),
    "string": lambda s: (PF_STRING, s.name, s.label, utf8(s.default)),
}

# Setting kind -> the setting's value from what gimpfu passes (a dialog's spinner gives a float,
# a combo box the index of the chosen label, a toggle an int when called from a script).
VALUES = {
    "choice": lambda s, v: option_nick(s, v),
    "int": lambda s, v: int(round(v)),
    "float": lambda s, v: float(v),
    "bool": lambda s, v: bool(v),
    "string": lambda s, v: v.decode("utf-8") if isinstance(v, bytes) else v,
}


def parameters(procedure):
    """The image and drawable first (gimpfu adds them only for old-style menu labels), a
    Dream's optional guide layer last (None from a script: no guide)."""
    guide = [(PF_LAYER,) + plugin_support.GUIDE_ARGUMENT[:2] + (None,)]
    return ([(PF_IMAGE, "image", "Input image", None),
             (PF_DRAWABLE, "drawable", "Input drawable", None)] +
            [PARAMETERS[s.kind](s) for s in settings.for_dialog(procedure)] +
            (guide if procedure in plugin_support.GUIDED else []))


def option_nick(setting, index):
    if not 0 <= index < len(setting.choices):
        raise errors.InceptionismError("bad-settings", "Choose a %s from the list, not option %d."
                                       % (setting.label, index))
    return setting.choices[index][0]


def values_of(procedure, values):
    return dict((s.name, VALUES[s.kind](s, value))
                for s, value in zip(settings.for_procedure(procedure), values))


def gimpfu_value(setting, value):
    """What gimpfu's own widget would hand back for a setting's value (an option's index)."""
    if setting.kind == "choice":
        return [nick for nick, _ in setting.choices].index(value)
    return utf8(value)


def settled(procedure, values, installed=None):
    """The values after the shared rule (looks.settle). This dialog cannot react while the
    artist edits it, so every value other than its registered default counts as chosen (GIMP's
    remembered last values too): an Advanced value wins over the words, and a layer left at its
    default follows the chosen network. installed: the networks auto chooses among (those the
    worker's hello lists: a remote worker's are not the files here)."""
    return protocol.checked_settings(procedure, values,
                                     settings.chosen_in_dialog(procedure, values), installed)


def guide_of(procedure, values, drawable):
    """The guide layer passed after the settings, or None: none given, or the dreamed layer
    itself (gimpfu's layer selector cannot be left empty, so choosing it means no guide)."""
    guide = (values[len(settings.for_procedure(procedure)):] or [None])[0]
    return guide if guide is not None and guide.ID != drawable.ID else None
