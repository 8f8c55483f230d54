#!/usr/bin/env python2
# -*- coding: utf-8 -*-
"""Inceptionism for GIMP 2.10 (Python-Fu): Filters > Artistic > Inceptionism.

Thin on purpose: the parameters come from the shared settings table, the dreaming from the
engine's worker (through plugin_support). This file only moves pixels between GIMP and the
worker and adds the result as a new layer above the source, so the source is never touched and a
cancelled run (GIMP kills the plug-in) leaves the image as it was.

GIMP 2.10 hands plug-ins 8-bit pixels unless they enable precision. This one does not: 16-bit and
float images are dreamed at 8 bits, and the new layer holds 8-bit values.
"""
import math
import os
import sys

LIB_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "inceptionism-gimp2-lib")
sys.path.insert(0, LIB_DIR)  # the installed copy of the stdlib-only modules

import gimp  # noqa: E402
import gimpfu  # noqa: E402
from gimpfu import (ADD_MASK_SELECTION, INDEXED, LAYER_MODE_NORMAL,  # noqa: E402
                    PARASITE_PERSISTENT, PF_DRAWABLE, PF_IMAGE, PF_OPTION, PF_SLIDER, PF_SPINNER,
                    PF_STRING, PF_TOGGLE, pdb)
from inceptionism import errors, plugin_support, settings  # noqa: E402

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
    """The image and drawable first (gimpfu adds them only for old-style menu labels)."""
    return ([(PF_IMAGE, "image", "Input image", None),
             (PF_DRAWABLE, "drawable", "Input drawable", None)] +
            [PARAMETERS[s.kind](s) for s in settings.for_procedure(procedure)])


def option_nick(setting, index):
    if not 0 <= index < len(setting.choices):
        raise errors.InceptionismError("bad-settings", "Choose a %s from the list, not option %d."
                                       % (setting.label, index))
    return setting.choices[index][0]


def values_of(procedure, values):
    return dict((s.name, VALUES[s.kind](s, value))
                for s, value in zip(settings.for_procedure(procedure), values))


def procedure_function(procedure):
    """What gimpfu calls with (image, drawable, *values); failures become one clear message."""
    def run(image, drawable, *values):
        worker = {"log": None}
        try:
            worker = plugin_support.load_worker_config(LIB_DIR)
            dream_into_new_layer(procedure, image, drawable, values_of(procedure, values), worker)
        except Exception as exc:  # every failure reaches the artist as one plain message
            gimpfu.fail(utf8(plugin_support.user_message(exc, worker["log"])))
    return run


def dream_into_new_layer(procedure, image, drawable, values, worker):
    """Read the selected part of the layer, let the worker dream, add the result above it."""
    plugin_support.check_source(pdb.gimp_item_is_layer(drawable),
                                pdb.gimp_item_is_group(drawable), image.base_type == INDEXED)
    rect = selected_rect(drawable)
    pixels = read_pixels(drawable, rect)
    gimp.progress_init(utf8(u"Dreaming\u2026"))
    meta, result = plugin_support.run(procedure, values, pixels, show_progress, worker)
    layer = build_layer(image, drawable, rect, result, meta)
    insert_above(image, drawable, layer)


def selected_rect(drawable):
    """(x, y, width, height) of the selection within the drawable, in drawable coordinates."""
    try:
        return drawable.mask_intersect()
    except gimp.error:  # pygimp raises when the selection and the drawable do not meet
        raise plugin_support.selection_misses_layer()


def read_pixels(drawable, rect):
    """8-bit interleaved pixels of rect; a pixel region is indexed in drawable coordinates."""
    x, y, width, height = rect
    region = drawable.get_pixel_rgn(x, y, width, height, False, False)
    return plugin_support.Pixels(width, height, drawable.bpp, "u8",
                                 region[x:x + width, y:y + height])


def show_progress(fraction, text):
    if text:
        pdb.gimp_progress_set_text(utf8(text))
    gimp.progress_update(min(max(fraction, 0.0), 1.0))


def build_layer(image, source, rect, result, meta):
    """The finished new layer, not yet in the image: a failure here leaves the image untouched."""
    x, y, width, height = rect
    layer = gimp.Layer(image, utf8(plugin_support.layer_name(meta)), width, height, source.type,
                       100.0, LAYER_MODE_NORMAL)
    region = layer.get_pixel_rgn(0, 0, width, height, True, False)
    region[0:width, 0:height] = bytes(result.data)
    layer.flush()
    offset_x, offset_y = source.offsets
    layer.set_offsets(offset_x + x, offset_y + y)
    layer.parasite_attach(gimp.Parasite(plugin_support.RECIPE_PARASITE, PARASITE_PERSISTENT,
                                        utf8(plugin_support.recipe_json(meta))))
    return layer


def insert_above(image, source, layer):
    """One undo step: the layer above the source, masked by a soft or shaped selection."""
    image.undo_group_start()
    try:
        place = {"position": pdb.gimp_image_get_item_position(image, source)}
        parent = pdb.gimp_item_get_parent(source)
        if parent is not None:
            place["parent"] = parent  # pygimp refuses an explicit None
        image.insert_layer(layer, **place)
        if selection_is_partial(image, layer):
            layer.add_mask(layer.create_mask(ADD_MASK_SELECTION))
    finally:
        image.undo_group_end()


def selection_is_partial(image, layer):
    """True when the selection leaves out some of the layer's pixels (shape, feathering)."""
    if pdb.gimp_selection_is_empty(image):
        return False
    x, y = layer.offsets
    region = image.selection.get_pixel_rgn(x, y, layer.width, layer.height, False, False)
    coverage = region[x:x + layer.width, y:y + layer.height]
    return coverage.count(b"\xff") < len(coverage)


def register_all():
    for pdb_name, (procedure, label, blurb) in sorted(plugin_support.PROCEDURES.items()):
        gimpfu.register(pdb_name, blurb, plugin_support.procedure_help(procedure),
                        "Inceptionism", "Inceptionism", "2026", label, "*",
                        parameters(procedure), [], procedure_function(procedure),
                        menu=plugin_support.MENU_PATH)


register_all()
gimpfu.main()
