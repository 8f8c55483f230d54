#!/usr/bin/env python3
"""Inceptionism for GIMP 3: Filters > Artistic > Inceptionism.

Thin on purpose: the arguments and the dialog come from the shared settings table, the dreaming
from the engine's worker (through plugin_support). This file only moves pixels between GIMP and
the worker and adds the result as a new layer (a zoom dive: a new image), so the source layer is
never touched.
"""
import os
import sys
import threading
from collections import namedtuple

import gi
gi.require_version("Gimp", "3.0")
gi.require_version("GimpUi", "3.0")
gi.require_version("Gegl", "0.4")
gi.require_version("Gtk", "3.0")
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import Gegl, GdkPixbuf, Gimp, GimpUi, GLib, GObject, Gtk  # noqa: E402

PLUGIN_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, PLUGIN_DIR)  # the installed copy of the stdlib-only modules
from inceptionism import (animation, catalogue, errors, looks, paths, plugin_support,  # noqa
                          preview, settings)

SLIDER_LIMIT = 10000  # numbers with a wider range (the seed) get a plain entry, not a slider
EIGHT_BIT = (Gimp.Precision.U8_LINEAR, Gimp.Precision.U8_NON_LINEAR, Gimp.Precision.U8_PERCEPTUAL)
# Pixels on the wire (channels, dtype) as babl formats: sRGB-encoded, like the protocol's.
BABL_MODELS = {1: "Y'", 2: "Y'A", 3: "R'G'B'", 4: "R'G'B'A"}
BABL_TYPES = {"u8": "u8", "u16": "u16", "f32": "float"}
# Colour kind of the image -> the type of a new opaque layer in it.
OPAQUE_LAYER_TYPES = {Gimp.ImageBaseType.RGB: Gimp.ImageType.RGB_IMAGE,
                      Gimp.ImageBaseType.GRAY: Gimp.ImageType.GRAY_IMAGE}
# Engine settings the artist's words stand for: a change to one re-describes the words.
WORDED_SETTINGS = ("model", "layer", "octaves", "octave-scale", "iterations", "step-size")
# One run of a procedure: its settings name, the dialog's values, the worker session (kept from
# the dialog's previews), and whether the artist is there to see it.
Job = namedtuple("Job", "procedure values session interactive")


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
        if interactive and not ask(procedure, config, name, session, image, drawables):
            return procedure.new_return_values(Gimp.PDBStatusType.CANCEL, None)
        made = RESULTS[name](Job(name, values_of(config, name), session, interactive), image,
                             drawables)
        Gimp.progress_end()
    except Exception as exc:  # every failure reaches the artist as one plain message
        message = plugin_support.user_message(exc, log)
        return procedure.new_return_values(Gimp.PDBStatusType.EXECUTION_ERROR, GLib.Error(message))
    finally:
        if session is not None:
            session.close()
    return success(pdb_name, made)


def success(pdb_name, made):
    """SUCCESS, with the image made for the procedures that return one."""
    values = [GObject.Value(Gimp.PDBStatusType, Gimp.PDBStatusType.SUCCESS)]
    if pdb_name in plugin_support.RETURNS:
        values.append(GObject.Value(Gimp.Image, made))
    return Gimp.ValueArray.new_from_values(values)


def values_of(config, name):
    return dict((s.name, config.get_property(s.name)) for s in settings.for_procedure(name))


def work(job, pixels, on_frame=None):
    """(meta, Pixels) from the worker, with GIMP's progress bar following it."""
    Gimp.progress_init(plugin_support.progress_title(job.procedure, job.values, pixels))
    return job.session.run(job.procedure, job.values, pixels, show_progress, on_frame)


def into_new_layer(job, image, drawables):
    """Dream and Visualize: the result lands in a new layer, in one undo step."""
    if plugin_support.starts_from_layer(job.values):
        painted_over_source(job, image, source_layer(image, drawables))
    else:
        painted_from_noise(job, image, drawables)


def painted_over_source(job, image, source):
    """The selected part of the layer, worked on, in a new layer right above it."""
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
    if plugin_support.starts_from_layer(job.values):
        source = source_layer(image, drawables)
        dive = Dive(image.get_base_type(), image.get_precision(), source.type(), job)
        meta, _ = work(job, read_pixels(image, source, selected_rect(source)), dive.add_frame)
    else:
        dive = Dive(Gimp.ImageBaseType.RGB, Gimp.Precision.U8_NON_LINEAR, Gimp.ImageType.RGB_IMAGE,
                    job)
        meta, _ = work(job, None, dive.add_frame)
    attach_recipe(dive.image, meta)
    return dive.image


class Dive(object):
    """The new image of a zoom dive. Each frame becomes a layer as soon as it is done, the first
    at the bottom (GIF export's order), so a cancelled dive keeps the frames done so far. The
    image is made (and shown, when the artist is there) with the first frame, so a dive that
    fails at once leaves no empty image behind."""

    def __init__(self, base_type, precision, layer_type, job):
        self.kind = (base_type, precision)
        self.layer_type = layer_type
        self.job = job
        self.image = None
        self.name = None  # the next frame's name; None: a dive's "Frame 1 (80ms) (replace)"

    def add_frame(self, index, frame):
        if self.image is None:
            self.image = Gimp.Image.new_with_precision(frame.width, frame.height, *self.kind)
            if self.job.interactive:
                Gimp.Display.new(self.image)
        name = self.name or plugin_support.frame_layer_name(index, self.job.values["frame-ms"])
        self.image.insert_layer(build_layer(self.image, name, self.layer_type, frame, (0, 0)),
                                None, 0)
        Gimp.displays_flush()


def into_animation(job, image, drawables):
    """Dream animation: the image's layers are the frames, the bottom one first; each dreamed
    frame becomes a layer of a new image as it comes, named as its source (so its timing is
    kept); the selection applies to every frame. Returns the new image."""
    layers = image.get_layers()[::-1]
    animation.check_frames([animation.Frame(layer.get_name(), layer.get_width(),
                                            layer.get_height(), layer.get_offsets()[1:],
                                            layer.is_group()) for layer in layers])
    plugin_support.check_image(image.get_base_type() == Gimp.ImageBaseType.INDEXED)
    width, height = layers[0].get_width(), layers[0].get_height()
    made = Dive(image.get_base_type(), image.get_precision(), None, job)
    mask = None
    if not Gimp.Selection.is_empty(image):
        _, x, y = layers[0].get_offsets()
        mask = plugin_support.Pixels(width, height, 1, "u8", image.get_selection().get_buffer().get(
            Gegl.Rectangle.new(x, y, width, height), 1.0, "Y u8", Gegl.AbyssPolicy.NONE))

    def add(index, frame):
        made.layer_type, made.name = layers[index].type(), layers[index].get_name()
        made.add_frame(index, frame)
    Gimp.progress_init(animation.progress_title(len(layers)))
    try:
        meta, _ = job.session.animate(job.values, len(layers), lambda index: read_pixels(
            image, layers[index], (0, 0, width, height)), mask, show_progress, add)
    except errors.InceptionismError as exc:
        raise animation.kept(exc, len(made.image.get_layers()) if made.image else 0, len(layers))
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


def ask(procedure, config, name, session, image, drawables):
    """The dialog, the artist's words first and the engine's settings folded away under
    Advanced, with a preview of the dream where there is a selection to preview; False on
    Cancel."""
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
    pane = None
    if name in looks.PROCEDURES:
        follow_words(config, name)
        pane = preview_pane(dialog, config, session, image, drawables)
    accepted = dialog.run()
    if pane is not None:
        pane.stop()
    dialog.destroy()
    return accepted


def follow_words(config, name):
    """Keep the artist's words and the engine settings they stand for in step, both ways."""
    busy = []

    def update(changed):
        if busy:
            return  # our own changes notify too
        busy.append(True)
        try:
            chosen = looks.chosen(values_of(config, name), changed)
            for key, value in chosen.items():
                if config.get_property(key) != value:
                    config.set_property(key, value)
        finally:
            busy.pop()

    update("model")  # the last run's words (or the defaults') meet the last run's settings
    for key in [word.name for word in looks.WORDS] + list(WORDED_SETTINGS) + (
            ["flicker", "coherence"] if name == "animate" else []):
        config.connect("notify::" + key, lambda _config, spec: update(spec.get_name()))


def preview_pane(dialog, config, session, image, drawables):
    """A PreviewPane under the settings, or None when the selection is nothing to dream on
    (the run itself will say why)."""
    try:
        source = source_layer(image, drawables)
        rect = selected_rect(source)
    except errors.InceptionismError:
        return None
    pane = PreviewPane(config, session, source, rect)
    dialog.get_content_area().pack_start(pane.box, False, False, 6)
    pane.box.show_all()
    GLib.idle_add(pane.refresh)  # a first preview as soon as the dialog is up
    return pane


class PreviewPane(object):
    """A quick small dream of the selection, refreshed on demand, and how long the full dream
    will take. The preview runs in a thread on the session's worker, which the full run reuses."""

    def __init__(self, config, session, source, rect):
        self.config, self.session, self.rect = config, session, rect
        self.pixels = read_preview_pixels(source, rect)
        self.picture = Gtk.Image.new_from_pixbuf(pixbuf_of(self.pixels))
        self.status = Gtk.Label(label="Preview: a quick, small dream of the selection")
        self.estimate = Gtk.Label()
        self.button = Gtk.Button.new_with_mnemonic("_Preview")
        self.button.connect("clicked", lambda _button: self.refresh())
        self.box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=4)
        for widget in (self.picture, self.status, self.estimate, self.button):
            self.box.pack_start(widget, False, False, 0)
        self.thread = None
        self.closed = False
        config.connect("notify", lambda *_: self.closed or self.show_estimate())
        self.show_estimate()

    def refresh(self):
        if self.thread is None:
            self.button.set_sensitive(False)
            self.status.set_text("Dreaming a preview\u2026")
            self.thread = threading.Thread(target=self._dream, args=(values_of(self.config,
                                                                               "dream"),))
            self.thread.start()
        return False  # once, when called from idle

    def stop(self):
        """Cancel a preview still running, so the dialog's answer does not wait for it."""
        self.closed = True
        if self.thread is not None:
            if self.session.worker is not None:
                self.session.worker.cancel()
            self.thread.join()

    def _dream(self, values):
        try:
            meta, small = self.session.preview(values, self.pixels, self.rect[2:])
            GLib.idle_add(self._show, small, meta)
        except errors.Cancelled:
            GLib.idle_add(self._done, "")
        except Exception as exc:  # shown in the dialog; the artist can still run or cancel
            GLib.idle_add(self._done, plugin_support.user_message(exc, self.session.config["log"]))

    def _show(self, small, meta):
        if self.closed:
            return
        self.picture.set_from_pixbuf(pixbuf_of(small))
        self._done(u"Preview (%d \u00d7 %d): %s" % (small.width, small.height,
                                                      plugin_support.layer_name(meta)))
        paths.append_log(u"plug-in: preview %d\u00d7%d of %s shown, dreamed in %.2f s; %s\n" % (
            small.width, small.height, meta["settings"]["layer"], meta["seconds"],
            self.estimate.get_text()), self.session.config["log"])

    def _done(self, text):
        if self.closed:
            return
        self.thread = None
        self.status.set_text(text)
        self.button.set_sensitive(True)
        self.show_estimate()

    def show_estimate(self):
        values = values_of(self.config, "dream")
        self.estimate.set_text(preview.estimate_text(values, *self.rect[2:]))


def read_preview_pixels(source, rect):
    """The selected part of the layer as 8-bit RGB, read by GEGL already shrunk to preview size
    (a huge selection is never read whole for a preview)."""
    x, y, width, height = rect
    small_width, small_height = preview.preview_size(width, height)
    scale = float(small_width) / width
    area = Gegl.Rectangle.new(int(x * scale), int(y * scale), small_width, small_height)
    data = source.get_buffer().get(area, scale, babl_format(3, "u8"), Gegl.AbyssPolicy.CLAMP)
    return plugin_support.Pixels(small_width, small_height, 3, "u8", data)


def pixbuf_of(pixels):
    """A GdkPixbuf showing 8-bit RGB pixels."""
    return GdkPixbuf.Pixbuf.new_from_bytes(GLib.Bytes.new(pixels.data), GdkPixbuf.Colorspace.RGB,
                                           False, 8, pixels.width, pixels.height, pixels.width * 3)


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


# Where each procedure's result goes: a new layer, or a new image (which it returns).
RESULTS = {"dream": into_new_layer, "visualize": into_new_layer, "zoom": into_new_image,
           "animate": into_animation}

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
        if pdb_name in plugin_support.RETURNS:
            value_name, nick, about = plugin_support.RETURNS[pdb_name]
            procedure.add_image_return_value(value_name, nick, about, True,
                                             GObject.ParamFlags.READWRITE)
        return procedure


Gimp.main(Inceptionism.__gtype__, sys.argv)
