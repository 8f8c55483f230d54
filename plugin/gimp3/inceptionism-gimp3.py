#!/usr/bin/env python3
"""Inceptionism for GIMP 3: Filters > Artistic > Inceptionism.

Thin on purpose: the arguments and the dialog come from the shared settings table, the dreaming
from the engine's worker (through plugin_support). This file only moves pixels between GIMP and
the worker and adds the result as a new layer, so the source layer is never touched.
"""
import os
import sys

import gi
gi.require_version("Gimp", "3.0")
gi.require_version("GimpUi", "3.0")
gi.require_version("Gegl", "0.4")
from gi.repository import Gegl, Gimp, GimpUi, GLib, GObject  # noqa: E402

PLUGIN_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, PLUGIN_DIR)  # the installed copy of the stdlib-only modules
from inceptionism import catalogue, errors, plugin_support, settings  # noqa: E402

SLIDER_LIMIT = 10000  # numbers with a wider range (the seed) get a plain entry, not a slider
EIGHT_BIT = (Gimp.Precision.U8_LINEAR, Gimp.Precision.U8_NON_LINEAR, Gimp.Precision.U8_PERCEPTUAL)
# Pixels on the wire (channels, dtype) as babl formats: sRGB-encoded, like the protocol's.
BABL_MODELS = {1: "Y'", 2: "Y'A", 3: "R'G'B'", 4: "R'G'B'A"}
BABL_TYPES = {"u8": "u8", "u16": "u16", "f32": "float"}


def run(procedure, run_mode, image, drawables, config, data):
    """GIMP calls this for every procedure; the result always lands in a new layer."""
    name = plugin_support.PROCEDURES[procedure.get_name()][0]
    if run_mode == Gimp.RunMode.INTERACTIVE and not ask(procedure, config, name):
        return procedure.new_return_values(Gimp.PDBStatusType.CANCEL, None)
    worker = {"log": None}
    try:
        worker = plugin_support.load_worker_config(PLUGIN_DIR)
        dream_into_new_layer(name, image, drawables, values_of(config, name), worker)
    except Exception as exc:  # every failure reaches the artist as one plain message
        message = plugin_support.user_message(exc, worker["log"])
        return procedure.new_return_values(Gimp.PDBStatusType.EXECUTION_ERROR, GLib.Error(message))
    return procedure.new_return_values(Gimp.PDBStatusType.SUCCESS, None)


def values_of(config, name):
    return dict((s.name, config.get_property(s.name)) for s in settings.for_procedure(name))


def dream_into_new_layer(name, image, drawables, values, worker):
    """Read the selected part of the layer, let the worker dream, add the result above it."""
    source = source_layer(image, drawables)
    rect = selected_rect(source)
    pixels = read_pixels(image, source, rect)
    Gimp.progress_init("Dreaming\u2026")
    meta, result = plugin_support.run(name, values, pixels, show_progress, worker)
    layer = build_layer(image, source, rect, result, meta)
    insert_above(image, source, layer)
    Gimp.progress_end()


def source_layer(image, drawables):
    """The first selected drawable, if it is something a dream can start from."""
    if not drawables:  # possible from a script
        raise errors.InceptionismError("bad-input", "Select a layer to dream on.")
    source = drawables[0]
    plugin_support.check_source(source.is_layer(), source.is_group(),
                                image.get_base_type() == Gimp.ImageBaseType.INDEXED)
    return source


def selected_rect(source):
    """(x, y, width, height) of the selection within the layer, in layer coordinates."""
    non_empty, x, y, width, height = source.mask_intersect()
    if not non_empty:
        raise plugin_support.selection_misses_layer()
    return x, y, width, height


def read_pixels(image, source, rect):
    """The layer's own channels in the selection, 8-bit for 8-bit images, float for deeper ones
    (so their precision survives the dream)."""
    channels = (3 if source.is_rgb() else 1) + source.has_alpha()
    dtype = "u8" if image.get_precision() in EIGHT_BIT else "f32"
    x, y, width, height = rect
    data = source.get_buffer().get(Gegl.Rectangle.new(x, y, width, height), 1.0,
                                   babl_format(channels, dtype), Gegl.AbyssPolicy.CLAMP)
    return plugin_support.Pixels(width, height, channels, dtype, data)


def babl_format(channels, dtype):
    return "%s %s" % (BABL_MODELS[channels], BABL_TYPES[dtype])


def show_progress(fraction, text):
    if text:
        Gimp.progress_set_text(text)
    Gimp.progress_update(fraction)


def build_layer(image, source, rect, result, meta):
    """The finished new layer (masked by a soft or shaped selection), not yet in the image: a
    failure here leaves the image untouched."""
    x, y, width, height = rect
    layer = Gimp.Layer.new(image, plugin_support.layer_name(meta), width, height, source.type(),
                           100.0, Gimp.LayerMode.NORMAL)
    buffer = layer.get_buffer()
    buffer.set(Gegl.Rectangle.new(0, 0, width, height), babl_format(result.channels, result.dtype),
               result.data)
    buffer.flush()
    _, offset_x, offset_y = source.get_offsets()
    layer.set_offsets(offset_x + x, offset_y + y)
    recipe = plugin_support.recipe_json(meta).encode("utf-8")
    layer.attach_parasite(Gimp.Parasite.new(plugin_support.RECIPE_PARASITE,
                                            Gimp.PARASITE_PERSISTENT, list(recipe)))
    if selection_is_partial(image, layer):
        layer.add_mask(layer.create_mask(Gimp.AddMaskType.SELECTION))
    return layer


def insert_above(image, source, layer):
    """The finished layer above the source, as one undo step."""
    image.undo_group_start()
    try:
        image.insert_layer(layer, source.get_parent(), image.get_item_position(source))
    finally:
        image.undo_group_end()


def selection_is_partial(image, layer):
    """True when the selection leaves out some of the layer's pixels (shape, feathering)."""
    if Gimp.Selection.is_empty(image):
        return False
    _, x, y = layer.get_offsets()
    rect = Gegl.Rectangle.new(x, y, layer.get_width(), layer.get_height())
    coverage = image.get_selection().get_buffer().get(rect, 1.0, "Y u8", Gegl.AbyssPolicy.NONE)
    return coverage.count(b"\xff") < len(coverage)


def ask(procedure, config, name):
    """The dialog, simple settings first and the advanced ones folded away; False on Cancel."""
    GimpUi.init(procedure.get_name())
    dialog = GimpUi.ProcedureDialog(procedure=procedure, config=config)
    dialog.set_ok_label(plugin_support.PROCEDURES[procedure.get_name()][1].rstrip("."))
    table = settings.for_procedure(name)
    for setting in table:
        if setting.kind in ("int", "float") and setting.high - setting.low < SLIDER_LIMIT:
            dialog.get_spin_scale(setting.name, 1.0)
    dialog.fill_box("advanced-settings", [s.name for s in table if s.advanced])
    dialog.get_label("advanced-title", "Advanced settings", False, False)
    dialog.fill_expander("advanced", "advanced-title", False, "advanced-settings")
    dialog.fill([s.name for s in table if not s.advanced] + ["advanced"])
    follow_model(procedure, config)
    accepted = dialog.run()
    dialog.destroy()
    return accepted


def follow_model(procedure, config):
    """Offer only the chosen network's layers, and switch to its default layer on a change."""
    spec = procedure.find_argument("layer")
    if spec is None:
        return
    choice = Gimp.param_spec_choice_get_choice(spec)

    def update(*_):
        model = config.get_property("model")
        for nick in choice.list_nicks():
            choice.set_sensitive(nick, catalogue.find_layer(nick)[0] == model)
        if catalogue.find_layer(config.get_property("layer"))[0] != model:
            config.set_property("layer", catalogue.DEFAULT_LAYER[model])

    update()
    config.connect("notify::model", update)


ARGUMENT_ADDERS = {
    "int": lambda p, s, flags: p.add_int_argument(s.name, s.label, s.help, s.low, s.high,
                                                  s.default, flags),
    "float": lambda p, s, flags: p.add_double_argument(s.name, s.label, s.help, s.low, s.high,
                                                       s.default, flags),
    "bool": lambda p, s, flags: p.add_boolean_argument(s.name, s.label, s.help, s.default, flags),
    "string": lambda p, s, flags: p.add_string_argument(s.name, s.label, s.help, s.default, flags),
    "choice": lambda p, s, flags: p.add_choice_argument(s.name, s.label, s.help,
                                                        choice_of(s), s.default, flags),
}


def choice_of(setting):
    choice = Gimp.Choice.new()
    for number, (nick, label) in enumerate(setting.choices):
        choice.add(nick, number, label, "")
    return choice


class Inceptionism(Gimp.PlugIn):
    """Declares the procedures; their arguments are the shared settings table."""

    def do_set_i18n(self, pdb_name):
        return False  # English only, and no warnings about a missing catalogue

    def do_query_procedures(self):
        return list(plugin_support.PROCEDURES)

    def do_create_procedure(self, pdb_name):
        name, label, blurb = plugin_support.PROCEDURES[pdb_name]
        procedure = Gimp.ImageProcedure.new(self, pdb_name, Gimp.PDBProcType.PLUGIN, run, None)
        procedure.set_image_types("*")  # indexed images get an explanation, not a grey menu
        procedure.set_sensitivity_mask(Gimp.ProcedureSensitivityMask.DRAWABLE
                                       | Gimp.ProcedureSensitivityMask.DRAWABLES)
        procedure.set_menu_label(label)
        procedure.add_menu_path(plugin_support.MENU_PATH)
        procedure.set_documentation(blurb, plugin_support.procedure_help(name), pdb_name)
        procedure.set_attribution("Inceptionism", "Inceptionism", "2026")
        for setting in settings.for_procedure(name):
            ARGUMENT_ADDERS[setting.kind](procedure, setting, GObject.ParamFlags.READWRITE)
        return procedure


Gimp.main(Inceptionism.__gtype__, sys.argv)
