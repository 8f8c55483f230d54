#!/usr/bin/env python2
# -*- coding: utf-8 -*-
"""Inceptionism for GIMP 2.10 (Python-Fu): Filters > Artistic > Inceptionism.

Thin on purpose: the parameters come from the shared settings table, the dreaming from the
engine's worker (through plugin_support); an artist's Dream gets a dialog of its own, with a
preview (dream_dialog.py). Dream and Visualize add a new layer in one undo step,
so a cancel (GIMP kills the plug-in) leaves the image as it was; a Zoom dive or an animation
puts its frames into a new image as they come, so a cancel keeps the frames already made.

GIMP 2.10 hands plug-ins 8-bit pixels unless they enable precision. This one does not: 16-bit and
float images are dreamed at 8 bits, and the new layer holds 8-bit values.
"""
import os
import sys

LIB_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "inceptionism-gimp2-lib")
sys.path.insert(0, LIB_DIR)  # the installed stdlib-only modules, and the Dream dialog

import gimp  # noqa: E402
import gimpfu  # noqa: E402
from gimpfu import (ADD_MASK_SELECTION, GRAY, GRAY_IMAGE, GRAYA_IMAGE, INDEXED,  # noqa: E402
                    LAYER_MODE_NORMAL, PARASITE_PERSISTENT, PF_IMAGE, RGB, RGB_IMAGE, RGBA_IMAGE,
                    pdb)
from gimpfu_settings import guide_of, parameters, settled, utf8, values_of  # noqa: E402
from inceptionism import animation, plugin_support  # noqa: E402
import dream_dialog  # noqa: E402

# Interleaved channels -> the GIMP image and layer types that hold them.
BASE_TYPES = {1: GRAY, 2: GRAY, 3: RGB, 4: RGB}
LAYER_TYPES = {1: GRAY_IMAGE, 2: GRAYA_IMAGE, 3: RGB_IMAGE, 4: RGBA_IMAGE}
# gimpfu hands the function no run mode; it calls on_run just before it shows its dialog.
RUN_MODE = {"interactive": False}


def procedure_function(procedure):
    """What gimpfu calls with (image, drawable, *values); failures become one clear message.
    What it returns (a zoom dive's new image) is the procedure's return value for scripts."""
    def run(image, drawable, *values):
        worker = {"log": None}
        try:
            worker = plugin_support.load_worker_config(LIB_DIR)
            with plugin_support.Session(worker) as session:
                # auto: the best network the worker's hello lists (a remote one's, not ours)
                worker = dict(worker, guide=guide_of(procedure, values, drawable), session=session)
                values = settled(procedure, values_of(procedure, values),
                                 session.installed(procedure))
                where = plugin_support.destination(procedure, values)
                return DESTINATIONS[where](procedure, image, drawable, values, worker)
        except Exception as exc:  # every failure reaches the artist as one plain message
            gimpfu.fail(utf8(plugin_support.user_message(exc, worker["log"])))
    return run


def results(pdb_name):
    """The image a procedure hands back, if it makes one."""
    if pdb_name not in plugin_support.RETURNS:
        return []
    name, _, blurb = plugin_support.RETURNS[pdb_name]
    return [(PF_IMAGE, name, blurb)]


def dream_into_new_layer(procedure, image, drawable, values, worker):
    """Read the selected part of the layer, let the worker dream, add the result above it."""
    rect, pixels = selected_pixels(image, drawable)
    meta, result = run_worker(procedure, values, pixels, worker)
    offset_x, offset_y = drawable.offsets
    layer = build_layer(image, result, meta, (offset_x + rect[0], offset_y + rect[1]))
    add_in_one_step(image, layer, place_above(image, drawable), selection_is_partial(image, layer))


def paint_new_layer(procedure, image, drawable, values, worker):
    """From noise: the dialog's width x height at the image's origin, above the active layer."""
    plugin_support.check_image(image.base_type == INDEXED)
    meta, result = run_worker(procedure, values, None, worker)
    if image.base_type == GRAY:
        result = plugin_support.gray(result)
    add_in_one_step(image, build_layer(image, result, meta, (0, 0)), {}, False)


def dive_into_new_image(procedure, image, drawable, values, worker):
    """Each frame becomes a layer of a new image as soon as it is done; the source stays as it
    was. A cancel (GIMP kills the plug-in) leaves the frames made so far in the new image."""
    pixels = None
    if plugin_support.starts_from_layer(values):
        pixels = selected_pixels(image, drawable)[1]
    frames = FrameImage(values["frame-ms"], RUN_MODE["interactive"])
    meta, _ = run_worker(procedure, values, pixels, worker, frames.add)
    frames.image.parasite_attach(recipe_parasite(meta))
    return frames.image


def animate_into_new_image(procedure, image, drawable, values, worker):
    """Dream animation: the layers are the frames (the bottom one first), dreamed into a new
    image as they come, named as their sources; the selection applies to every frame."""
    layers = image.layers[::-1]
    plugin_support.check_image(image.base_type == INDEXED)
    rect = (0, 0, layers[0].width, layers[0].height)
    mask = None
    if not pdb.gimp_selection_is_empty(image):
        mask = read_pixels(image.selection, layers[0].offsets + rect[2:])
    frames = FrameImage(None, RUN_MODE["interactive"])

    def add(index, pixels):
        frames.name = layers[index].name
        frames.add(index, pixels)
    gimp.progress_init(utf8(animation.progress_title(len(layers))))
    meta = worker["session"].animate_layers(
        values, [animation.Frame(layer.name.decode("utf-8"), layer.width, layer.height,
                                 layer.offsets, pdb.gimp_item_is_group(layer))
                 for layer in layers], lambda index: read_pixels(layers[index], rect), mask,
        show_progress, add, lambda: len(frames.image.layers) if frames.image else 0)
    frames.image.parasite_attach(recipe_parasite(meta))
    return frames.image


def selected_pixels(image, drawable):
    """(rect, Pixels) of the selected part of a layer that can be dreamed on."""
    rect = source_rect(image, drawable)
    return rect, read_pixels(drawable, rect)


def source_rect(image, drawable):
    """The selection within a layer that can be dreamed on: (x, y, width, height)."""
    plugin_support.check_source(pdb.gimp_item_is_layer(drawable),
                                pdb.gimp_item_is_group(drawable), image.base_type == INDEXED)
    return selected_rect(drawable)


def run_worker(procedure, values, pixels, worker, on_frame=None):
    """worker: worker.json's config, with the guide layer (or None) the run was given and the
    session whose worker dreams."""
    session = worker["session"]
    gimp.progress_init(utf8(plugin_support.progress_title(procedure, values, pixels,
                                                          session.installed())))
    guide = worker.get("guide")
    if guide is not None:  # the whole layer; the engine shrinks it
        guide = plugin_support.Guide(guide.name, read_pixels(guide, (0, 0, guide.width,
                                                                     guide.height)))
    return session.run(procedure, values, pixels, show_progress, on_frame, guide)


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


def new_layer(image, name, pixels):
    """A layer holding pixels, of the kind their channels say, not yet in the image."""
    layer = gimp.Layer(image, utf8(name), pixels.width, pixels.height,
                       LAYER_TYPES[pixels.channels], 100.0, LAYER_MODE_NORMAL)
    region = layer.get_pixel_rgn(0, 0, pixels.width, pixels.height, True, False)
    region[0:pixels.width, 0:pixels.height] = bytes(pixels.data)
    layer.flush()
    return layer


def build_layer(image, result, meta, offsets):
    """The finished new layer, not yet in the image: a failure here leaves the image untouched."""
    layer = new_layer(image, plugin_support.layer_name(meta), result)
    layer.set_offsets(*offsets)
    layer.parasite_attach(recipe_parasite(meta))
    return layer


def recipe_parasite(meta):
    return gimp.Parasite(plugin_support.RECIPE_PARASITE, PARASITE_PERSISTENT,
                         utf8(plugin_support.recipe_json(meta)))


def place_above(image, source):
    """insert_layer's arguments for right above source, in its group."""
    place = {"position": pdb.gimp_image_get_item_position(image, source)}
    parent = pdb.gimp_item_get_parent(source)
    if parent is not None:
        place["parent"] = parent  # pygimp refuses an explicit None
    return place


def add_in_one_step(image, layer, place, masked):
    """One undo step: the layer in its place ({}: above the active layer), masked by the
    selection when asked."""
    image.undo_group_start()
    try:
        image.insert_layer(layer, **place)
        if masked:
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


class FrameImage(object):
    """A new image that takes a dive's frames as they come, the first one at the bottom, each
    named for GIF export; shown in a display of its own when an artist started the dive."""

    def __init__(self, frame_ms, show):
        self.frame_ms, self.show = frame_ms, show
        self.image = None
        self.name = None  # the next frame's name; None: "Frame 1 (80ms) (replace)"

    def add(self, index, pixels):
        first = self.image is None
        if first:
            self.image = gimp.Image(pixels.width, pixels.height, BASE_TYPES[pixels.channels])
        name = self.name or plugin_support.frame_layer_name(index, self.frame_ms)
        self.image.insert_layer(new_layer(self.image, name, pixels), position=0)
        if first and self.show:
            gimp.Display(self.image)
        gimp.displays_flush()


# Where a result goes (plugin_support.destination decides, for both GIMPs).
DESTINATIONS = {"above-source": dream_into_new_layer, "from-noise": paint_new_layer,
                "new-image": dive_into_new_image, "new-animation": animate_into_new_image}


def note_interactive():
    RUN_MODE["interactive"] = True


def register_all():
    for pdb_name, (procedure, label, blurb) in sorted(plugin_support.PROCEDURES.items()):
        gimpfu.register(pdb_name, blurb, plugin_support.procedure_help(procedure),
                        "Inceptionism", "Inceptionism", "2026", label, "*",
                        parameters(procedure), results(pdb_name), procedure_function(procedure),
                        menu=plugin_support.MENU_PATH, on_run=note_interactive)
        if procedure == "dream":  # a dialog of its own, with a preview
            dream_dialog.install(pdb_name, procedure, source_rect)


register_all()
gimpfu.main()
