#!/usr/bin/env python3
"""Inceptionism for GIMP 3: Filters > Artistic > Inceptionism.

Thin on purpose: the arguments and the dialog come from the shared settings table, the dreaming
from the engine's worker (through plugin_support). This file only moves pixels between GIMP and
the worker and adds the result as a new layer (a zoom dive: a new image), so the source layer is
never touched.
"""
import os
import sys
from collections import namedtuple

import gi
gi.require_version("Gimp", "3.0")
gi.require_version("Gegl", "0.4")
from gi.repository import Gegl, Gimp, GLib, GObject  # noqa: E402

PLUGIN_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, PLUGIN_DIR)  # the installed copy of the stdlib-only modules, and the widgets
import dialog_widgets  # noqa: E402
from inceptionism import animation, errors, looks, paths, plugin_support  # noqa: E402

EIGHT_BIT = (Gimp.Precision.U8_LINEAR, Gimp.Precision.U8_NON_LINEAR, Gimp.Precision.U8_PERCEPTUAL)
# Pixels on the wire (channels, dtype) as babl formats: sRGB-encoded, like the protocol's.
BABL_MODELS = {1: "Y'", 2: "Y'A", 3: "R'G'B'", 4: "R'G'B'A"}
BABL_TYPES = {"u8": "u8", "u16": "u16", "f32": "float"}
# Colour kind of the image -> the type of a new opaque layer in it.
OPAQUE_LAYER_TYPES = {Gimp.ImageBaseType.RGB: Gimp.ImageType.RGB_IMAGE,
                      Gimp.ImageBaseType.GRAY: Gimp.ImageType.GRAY_IMAGE}
# One run of a procedure: its settings name, the dialog's values, the worker session (kept from
# the dialog's previews), whether the artist is there to see it, and the guide drawable or None.
Job = namedtuple("Job", "procedure values session interactive guide")


def run(procedure, run_mode, image, drawables, config, data):
    """GIMP calls this for every procedure; the source layer is never changed."""
    pdb_name = procedure.get_name()
    name = plugin_support.PROCEDURES[pdb_name][0]
    interactive = run_mode == Gimp.RunMode.INTERACTIVE
    log = paths.log_path()
    session = None
    try:
        session = plugin_support.Session(plugin_support.load_worker_config(PLUGIN_DIR))
        log = session.config["log"]
        if interactive and not dialog_widgets.ask(procedure, config, name, session,
                                                  preview_source(name, image, drawables)):
            return procedure.new_return_values(Gimp.PDBStatusType.CANCEL, None)
        job = Job(name, dialog_widgets.values_of(config, name), session, interactive,
                  dialog_widgets.guide_of(config, name))
        session.check_ready(name, job.values)  # no network file: said at once, not after a wait
        made = RESULTS[plugin_support.destination(name, job.values)](job, image, drawables)
        Gimp.progress_end()
    except Exception as exc:  # every failure reaches the artist as one plain message
        message = plugin_support.user_message(exc, log)
        return procedure.new_return_values(Gimp.PDBStatusType.EXECUTION_ERROR, GLib.Error(message))
    finally:
        if session is not None:
            session.close()
    values = [GObject.Value(Gimp.PDBStatusType, Gimp.PDBStatusType.SUCCESS)]
    if pdb_name in plugin_support.RETURNS:  # with the image made, for the procedures that do
        values.append(GObject.Value(Gimp.Image, made))
    return Gimp.ValueArray.new_from_values(values)


def work(job, pixels, on_frame=None):
    """(meta, Pixels) from the worker, with GIMP's progress bar following it."""
    Gimp.progress_init(plugin_support.progress_title(job.procedure, job.values, pixels,
                                                     job.session.installed()))
    guide = read_guide(job.guide) if job.guide is not None else None
    return job.session.run(job.procedure, job.values, pixels, show_progress, on_frame, guide)


def painted_over_source(job, image, drawables):
    """The selected part of the layer, worked on, in a new layer right above it (one undo step)."""
    source = source_layer(image, drawables)
    rect = selected_rect(source)
    meta, result = work(job, read_pixels(image, source, rect))
    (_, offset_x, offset_y), (x, y) = source.get_offsets(), rect[:2]
    layer = build_layer(image, plugin_support.layer_name(meta), source.type(), result,
                        (offset_x + x, offset_y + y))
    attach_recipe(layer, meta)
    if selection_is_partial(image, layer):
        layer.add_mask(layer.create_mask(Gimp.AddMaskType.SELECTION))
    insert_in_one_step(image, layer, source.get_parent(), image.get_item_position(source))


def painted_from_noise(job, image, drawables):
    """A picture of the dialog's size from noise, at the top left, above the active layer."""
    plugin_support.check_image(image.get_base_type() == Gimp.ImageBaseType.INDEXED)
    meta, result = work(job, None)
    layer = build_layer(image, plugin_support.layer_name(meta),
                        OPAQUE_LAYER_TYPES[image.get_base_type()], result, (0, 0))
    attach_recipe(layer, meta)
    active = drawables[0] if drawables and drawables[0].is_layer() else None
    place = (active.get_parent(), image.get_item_position(active)) if active else (None, 0)
    insert_in_one_step(image, layer, *place)


def into_new_image(job, image, drawables):
    """Zoom dive: the frames become the layers of a new image, which it returns."""
    pixels, kind = None, (Gimp.ImageBaseType.RGB, Gimp.Precision.U8_NON_LINEAR,
                          Gimp.ImageType.RGB_IMAGE)
    if plugin_support.starts_from_layer(job.values):
        source = source_layer(image, drawables)
        pixels = read_pixels(image, source, selected_rect(source))
        kind = (image.get_base_type(), image.get_precision(), source.type())
    dive = Dive(kind, job)
    meta, _ = work(job, pixels, dive.add_frame)
    attach_recipe(dive.image, meta)
    return dive.image


class Dive(object):
    """The new image of a zoom dive. Each frame becomes a layer as soon as it is done, the first
    at the bottom (GIF export's order), so a cancelled dive keeps the frames done so far. The
    image is made (and shown, when the artist is there) with the first frame, so a dive that
    fails at once leaves no empty image behind."""

    def __init__(self, kind, job):
        """kind: (the new image's base type, its precision, its layers' type)."""
        self.kind, self.job, self.image = list(kind), job, None
        self.name = None  # the next frame's name; None: a dive's "Frame 1 (80ms) (replace)"

    def add_frame(self, index, frame):
        if self.image is None:
            self.image = Gimp.Image.new_with_precision(frame.width, frame.height, *self.kind[:2])
            if self.job.interactive:
                Gimp.Display.new(self.image)
        name = self.name or plugin_support.frame_layer_name(index, self.job.values["frame-ms"])
        self.image.insert_layer(build_layer(self.image, name, self.kind[2], frame, (0, 0)),
                                None, 0)
        Gimp.displays_flush()


def into_animation(job, image, drawables):
    """Dream animation: the image's layers are the frames, the bottom one first; each dreamed
    frame becomes a layer of a new image as it comes, named as its source (so its timing is
    kept); the selection applies to every frame. Returns the new image."""
    layers = image.get_layers()[::-1]
    plugin_support.check_image(image.get_base_type() == Gimp.ImageBaseType.INDEXED)
    width, height = layers[0].get_width(), layers[0].get_height()
    made = Dive((image.get_base_type(), image.get_precision(), None), job)
    mask = None
    if not Gimp.Selection.is_empty(image):
        _, x, y = layers[0].get_offsets()
        mask = plugin_support.Pixels(width, height, 1, "u8", image.get_selection().get_buffer().get(
            Gegl.Rectangle.new(x, y, width, height), 1.0, "Y u8", Gegl.AbyssPolicy.NONE))

    def add(index, frame):
        made.kind[2], made.name = layers[index].type(), layers[index].get_name()
        made.add_frame(index, frame)
    Gimp.progress_init(animation.progress_title(len(layers)))
    meta = job.session.animate_layers(
        job.values, [animation.Frame(layer.get_name(), layer.get_width(), layer.get_height(),
                                     layer.get_offsets()[1:], layer.is_group()) for layer in layers],
        lambda index: read_pixels(image, layers[index], (0, 0, width, height)), mask,
        show_progress, add, lambda: len(made.image.get_layers()) if made.image else 0)
    attach_recipe(made.image, meta)
    return made.image


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


def read_guide(drawable):
    """The guide as 8-bit RGB, read by GEGL shrunk to plugin_support.GUIDE_SIDE at most."""
    width, height = drawable.get_width(), drawable.get_height()
    scale = min(1.0, float(plugin_support.GUIDE_SIDE) / max(width, height))
    small = max(1, int(width * scale)), max(1, int(height * scale))
    data = drawable.get_buffer().get(Gegl.Rectangle.new(0, 0, *small), scale, "R'G'B' u8",
                                     Gegl.AbyssPolicy.CLAMP)
    return plugin_support.Guide(drawable.get_name(),
                                plugin_support.Pixels(small[0], small[1], 3, "u8", data))


def babl_format(channels, dtype):
    return "%s %s" % (BABL_MODELS[channels], BABL_TYPES[dtype])


def show_progress(fraction, text):
    if text:
        Gimp.progress_set_text(text)
    Gimp.progress_update(fraction)


def build_layer(image, name, layer_type, result, offsets):
    """A new layer holding result, not yet in the image: a failure here leaves the image
    untouched. GEGL converts the result's pixels to the layer's own format."""
    layer = Gimp.Layer.new(image, name, result.width, result.height, layer_type, 100.0,
                           Gimp.LayerMode.NORMAL)
    buffer = layer.get_buffer()
    buffer.set(Gegl.Rectangle.new(0, 0, result.width, result.height),
               babl_format(result.channels, result.dtype), result.data)
    buffer.flush()
    layer.set_offsets(*offsets)
    return layer


def attach_recipe(item, meta):
    """What made a layer (or a dive's image), kept with it in the XCF."""
    recipe = plugin_support.recipe_json(meta).encode("utf-8")
    item.attach_parasite(Gimp.Parasite.new(plugin_support.RECIPE_PARASITE,
                                           Gimp.PARASITE_PERSISTENT, list(recipe)))


def insert_in_one_step(image, layer, parent, position):
    """The finished layer into the image, as one undo step."""
    image.undo_group_start()
    try:
        image.insert_layer(layer, parent, position)
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


def preview_source(name, image, drawables):
    """(layer, selected rect) for the Dream dialog's preview; None when the selection is nothing
    to dream on (the run itself will say why)."""
    if name not in looks.PROCEDURES:
        return None
    try:
        source = source_layer(image, drawables)
        return source, selected_rect(source)
    except errors.InceptionismError:
        return None


# Where a result goes (plugin_support.destination decides, for both GIMPs).
RESULTS = {"above-source": painted_over_source, "from-noise": painted_from_noise,
           "new-image": into_new_image, "new-animation": into_animation}

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
        dialog_widgets.add_arguments(procedure, name)
        if pdb_name in plugin_support.RETURNS:
            value_name, nick, about = plugin_support.RETURNS[pdb_name]
            procedure.add_image_return_value(value_name, nick, about, True,
                                             GObject.ParamFlags.READWRITE)
        return procedure


Gimp.main(Inceptionism.__gtype__, sys.argv)
