# The same pygimp calls, run once in the real GIMP 2.10 (a python-fu-eval batch) and once under
# the strict stubs (tests/gimp2/stubs) in a real Python 2.7; each writes what it saw to
# $INCEPTIONISM_PROBE_OUT, and test_gimp210_stubs_agree.py compares the two. A call that fails
# is recorded by its exception's type, so a disagreement shows as one differing entry.
import base64
import json
import os

import gimp
from gimpenums import (ADD_MASK_SELECTION, CHANNEL_OP_REPLACE, GRAY, GRAY_IMAGE, NORMAL_MODE,
                       PARASITE_PERSISTENT, RGB, RGB_IMAGE, RGBA_IMAGE)

pdb = gimp.pdb
FOUND = {}


def probe(name):
    """Records what the function returns (or the exception it raises) under name."""
    def record(function):
        try:
            FOUND[name] = plain(function())
        except Exception as failure:
            FOUND[name] = ["raised", type(failure).__name__]
        return function
    return record


def plain(value):
    """JSON for what pygimp returns: bytes as base64, items as their kind and size."""
    if isinstance(value, (tuple, list)):
        return [plain(each) for each in value]
    if isinstance(value, str):
        return base64.b64encode(value).decode("ascii")
    if hasattr(value, "ID") and hasattr(value, "width"):
        return ["item", type(value).__name__, value.width, value.height]
    return value


def numbered(width, height, bpp):
    return "".join(chr((x * 7 + y * 3 + channel * 50) % 256) for y in range(height)
                   for x in range(width) for channel in range(bpp))


image = gimp.Image(50, 40, RGB)
layer = gimp.Layer(image, "L", 30, 20, RGBA_IMAGE, 100, NORMAL_MODE)
region = layer.get_pixel_rgn(0, 0, 30, 20, True, False)
region[0:30, 0:20] = numbered(30, 20, 4)
layer.flush()
image.insert_layer(layer)
layer.set_offsets(5, 7)


@probe("layer")
def _():
    return [layer.width, layer.height, layer.bpp, layer.offsets, layer.type, layer.has_alpha,
            image.active_layer.ID == layer.ID, [each.ID for each in image.layers] == [layer.ID]]


@probe("pixel regions clamp to the drawable")
def _():
    rects = [(-5, -2, -1, -1), (10, 5, -1, -1), (50, 40, 10, 10), (25, 15, 10, 20)]
    return [[r.x, r.y, r.w, r.h] for r in (layer.get_pixel_rgn(*rect) for rect in rects)]


@probe("pixel region reads in drawable coordinates")
def _():
    region = layer.get_pixel_rgn(10, 5, 8, 6, False, False)
    return [region[10, 5], region[11:13, 6], region[0:12, 5], region[-2:, 5], region[10:12, 5:7]]


@probe("no selection: mask bounds are the whole drawable")
def _():
    return [layer.mask_bounds, layer.mask_intersect(), pdb.gimp_selection_is_empty(image),
            pdb.gimp_selection_bounds(image), pdb.gimp_drawable_mask_intersect(layer)]


@probe("a rectangle selection, in drawable coordinates")
def _():
    pdb.gimp_image_select_rectangle(image, CHANNEL_OP_REPLACE, 10, 10, 20, 15)
    return [layer.mask_bounds, layer.mask_intersect(), pdb.gimp_selection_is_empty(image),
            pdb.gimp_selection_bounds(image), pdb.gimp_drawable_mask_intersect(layer),
            image.selection.get_pixel_rgn(8, 8, 24, 4, False, False)[8:32, 8:12]]


@probe("a mask from a hard selection")
def _():
    mask = layer.create_mask(ADD_MASK_SELECTION)
    before = [mask.width, mask.height, mask.bpp, mask.offsets]
    layer.add_mask(mask)
    values = layer.mask.get_pixel_rgn(0, 0, 30, 20, False, False)[0:30, 0:20]
    return before + [layer.mask.offsets, values]


@probe("a selection that misses the layer")
def _():
    pdb.gimp_image_select_rectangle(image, CHANNEL_OP_REPLACE, 40, 30, 8, 8)
    return [pdb.gimp_drawable_mask_intersect(layer), layer.mask_bounds]


@probe("mask_intersect raises when the selection misses the layer")
def _():
    return layer.mask_intersect()


@probe("parasites on a layer")
def _():
    layer.attach_new_parasite("new", PARASITE_PERSISTENT, "abc")
    layer.parasite_attach(gimp.Parasite("made", PARASITE_PERSISTENT, "xyz"))
    found = [layer.parasite_find(name) for name in ("new", "made")]
    return [[p.name, p.flags, p.data] for p in found] + [sorted(layer.parasite_list()),
                                                         layer.parasite_find("none")]


@probe("parasites on an image")
def _():
    image.attach_new_parasite("new", PARASITE_PERSISTENT, "abc")
    image.parasite_attach(gimp.Parasite("made", PARASITE_PERSISTENT, "xyz"))
    found = [image.parasite_find(name) for name in ("new", "made")]
    return [[p.name, p.flags, p.data] for p in found]


@probe("placement: position and parent")
def _():
    group = gimp.GroupLayer(image, "G")
    image.insert_layer(group, position=0)
    empty = [group.width, group.height, group.offsets]
    inner = gimp.Layer(image, "inner", 10, 12, RGB_IMAGE, 100, NORMAL_MODE)
    image.insert_layer(inner, group, 0)
    inner.set_offsets(3, 4)
    return [pdb.gimp_image_get_item_position(image, layer),
            pdb.gimp_image_get_item_position(image, inner), pdb.gimp_item_get_parent(layer),
            pdb.gimp_item_get_parent(inner).ID == group.ID, pdb.gimp_item_is_group(group),
            pdb.gimp_item_is_layer(group), empty, [group.width, group.height, group.offsets]]


@probe("insert_layer refuses an explicit parent of None")
def _():
    return image.insert_layer(gimp.Layer(image, "x", 4, 4, RGB_IMAGE, 100, NORMAL_MODE), None)


@probe("a gray layer")
def _():
    gray = gimp.Image(20, 10, GRAY)
    made = gimp.Layer(gray, "g", 20, 10, GRAY_IMAGE, 100, NORMAL_MODE)
    return [made.bpp, made.type, made.is_gray, gray.base_type]


@probe("a layer of the wrong kind for the image is made")
def _():
    return gimp.Layer(gimp.Image(20, 10, GRAY), "rgb", 20, 10, RGB_IMAGE, 100, NORMAL_MODE).bpp


@probe("a layer of the wrong kind for the image cannot go into it")
def _():
    gray = gimp.Image(20, 10, GRAY)
    return gray.insert_layer(gimp.Layer(gray, "rgb", 20, 10, RGB_IMAGE, 100, NORMAL_MODE))


@probe("ending an undo group that was never started")
def _():
    return image.undo_group_end()


@probe("an undo group")
def _():
    image.undo_group_start()
    image.undo_group_end()
    return True


with open(os.environ["INCEPTIONISM_PROBE_OUT"], "w") as handle:
    json.dump(FOUND, handle, indent=1, sort_keys=True)
