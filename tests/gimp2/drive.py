"""Runs the installed GIMP 2.10 plug-in under the stubs in Python 2.7, as GIMP would.

    python2.7 drive.py query PLUGIN OUT.json        GIMP's start-up query: the stub writes what
                                                    was installed to $GIMP_STUB_PLUGINRC, and
                                                    OUT.json gets what gimpfu.register was given
    python2.7 drive.py run PLUGIN CASE.json OUT.json  builds the case's image, runs the procedure,
                                                    records what it saw (images it made too),
                                                    then undoes its undo step

Nothing is judged here: the Python 3 tests read OUT.json and assert. Pixel data is base64.
"""
import base64
import json
import os
import runpy
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "stubs"))

import dialog_user  # noqa: E402
import gimp  # noqa: E402
import gimpfu  # noqa: E402
import gtk  # noqa: E402
from gimpenums import (CHANNEL_OP_REPLACE, GRAY, GRAY_IMAGE, GRAYA_IMAGE, INDEXED,  # noqa: E402
                       INDEXED_IMAGE, RGB, RGB_IMAGE, RGBA_IMAGE)

BASE_TYPES = {"rgb": RGB, "gray": GRAY, "indexed": INDEXED}
LAYER_TYPES = {("rgb", False): RGB_IMAGE, ("rgb", True): RGBA_IMAGE, ("gray", False): GRAY_IMAGE,
               ("gray", True): GRAYA_IMAGE, ("indexed", False): INDEXED_IMAGE}
GUIDE = "the Guide layer"  # in a case's arguments: the image's Guide layer (a script's guide)
RUN_MODES = {"interactive": gimpfu.RUN_INTERACTIVE, "noninteractive": gimpfu.RUN_NONINTERACTIVE,
             "last-values": gimpfu.RUN_WITH_LAST_VALS}


def utf8(value):
    """A script passes str, not the unicode that json gives."""
    return value.encode("utf-8") if isinstance(value, type(u"")) else value


def b64(data):
    return base64.b64encode(data).decode("ascii") if data is not None else None


def pattern(width, height, channels, alpha, shift=0):
    """Diagonal stripes for the network to see (moved left by shift pixels: a frame of an
    animation); with alpha, a transparent left quarter."""
    def value(x, y, channel):
        if alpha and channel == channels - 1:
            return 0 if x < width // 4 else 200
        x += shift
        return (x * (3 + 2 * channel) + y * (7 - channel) + 31 * channel) % 256
    return bytes(bytearray(value(x, y, channel) for y in range(height) for x in range(width)
                           for channel in range(channels)))


def build_image(spec):
    """An image with one patterned layer "Source" (inside a group when asked) and a selection;
    returns it and the drawable to dream on (target "group": the group, else the layer).
    With "frames" (names, bottom first): one layer per frame instead, see build_frames."""
    mode, alpha = spec.get("mode", "rgb"), spec.get("alpha", False)
    width, height = spec["size"]
    if spec.get("frames"):
        return build_frames(spec)
    layer_width, layer_height = spec.get("layer_size", spec["size"])
    image = gimp.Image(width, height, BASE_TYPES[mode])
    layer = gimp.Layer(image, "Source", layer_width, layer_height, LAYER_TYPES[(mode, alpha)])
    region = layer.get_pixel_rgn(0, 0, layer_width, layer_height, True, False)
    region[:, :] = pattern(layer_width, layer_height, layer.bpp, alpha)
    layer.flush()
    layer.set_offsets(*spec.get("offsets", (0, 0)))
    image.insert_layer(layer)
    if spec.get("group"):
        group = gimp.GroupLayer(image, "Group")
        image.insert_layer(group, position=0)
        image.remove_layer(layer)
        image.insert_layer(layer, group, 0)
    if spec.get("guide"):  # a "Guide" layer below the source, passed where GUIDE stands
        guide_width, guide_height = spec["guide"]
        guide = gimp.Layer(image, "Guide", guide_width, guide_height, RGB_IMAGE)
        guide.get_pixel_rgn(0, 0, guide_width, guide_height, True, False)[:, :] = \
            pattern(guide_width, guide_height, 3, False)[::-1]
        guide.flush()
        image.insert_layer(guide, position=1)
    select(image, spec.get("selection"))
    return image, group if spec.get("target") == "group" else layer


def build_frames(spec):
    """An animation: a layer per name in spec["frames"], the first at the bottom, its stripes
    moved two pixels further each frame; "frame_sizes" gives a frame another size, "group_frame"
    puts that frame inside a layer group. Returns the image and its top layer."""
    width, height = spec["size"]
    image = gimp.Image(width, height, RGB)
    sizes = spec.get("frame_sizes", {})
    for index, name in enumerate(spec["frames"]):
        frame_width, frame_height = sizes.get(str(index), (width, height))
        layer = gimp.Layer(image, utf8(name), frame_width, frame_height, RGB_IMAGE)
        region = layer.get_pixel_rgn(0, 0, frame_width, frame_height, True, False)
        region[:, :] = pattern(frame_width, frame_height, 3, False, 2 * index)
        layer.flush()
        if spec.get("group_frame") == index:
            group = gimp.GroupLayer(image, "Group")
            image.insert_layer(group, position=0)
            image.insert_layer(layer, group, 0)
        else:
            image.insert_layer(layer, position=0)
    select(image, spec.get("selection"))
    return image, image.layers[0]


def guide_layer(image):
    return [layer for layer in image.layers if layer.name == "Guide"][0]


def select(image, selection):
    if not selection:
        return
    shape = {"rectangle": gimp.pdb.gimp_image_select_rectangle,
             "ellipse": gimp.pdb.gimp_image_select_ellipse}[selection["shape"]]
    shape(image, CHANNEL_OP_REPLACE, *[float(v) for v in selection["rect"]])
    if selection.get("feather"):
        gimp.pdb.gimp_selection_feather(image, float(selection["feather"]))


def layer_tree(image):
    """(layer, parent ID, position) for every layer, top to bottom."""
    found = []

    def walk(layers, parent):
        for position, layer in enumerate(layers):
            found.append((layer, parent, position))
            if isinstance(layer, gimp.GroupLayer):
                walk(layer.layers, layer.ID)
    walk(image.layers, None)
    return found


def layer_rows(image):
    return [{"id": layer.ID, "name": layer.name.decode("utf-8"), "parent": parent,
             "position": position, "type": layer.type, "offsets": list(layer.offsets),
             "size": [layer.width, layer.height]} for layer, parent, position in layer_tree(image)]


def read(drawable, x, y, width, height):
    region = drawable.get_pixel_rgn(x, y, width, height, False, False)
    return region[x:x + width, y:y + height]


def recipe_fields(owner):
    parasite = owner.parasite_find("inceptionism-recipe")
    return {"recipe": parasite.data.decode("utf-8") if parasite else None,
            "recipe_flags": parasite.flags if parasite else None}


def new_layer_record(image, source, layer):
    """The new layer, and the source's pixels and the selection under it, for comparison."""
    x, y = layer.offsets
    source_x, source_y = source.offsets
    return dict(recipe_fields(layer), **{
        "id": layer.ID, "name": layer.name.decode("utf-8"), "type": layer.type,
        "offsets": [x, y], "size": [layer.width, layer.height], "bpp": layer.bpp,
        "pixels": b64(gimp.stub_pixels(layer)),
        "source_under": b64(read(source, x - source_x, y - source_y, layer.width,
                                 layer.height)),
        "selection_under": b64(read(image.selection, x, y, layer.width, layer.height)),
        "mask": b64(gimp.stub_pixels(layer.mask)) if layer.mask else None})


def new_image_record(image):
    """An image the plug-in made: its layers top to bottom with their pixels, and its displays."""
    layers = [dict(row, pixels=b64(gimp.stub_pixels(layer)))
              for row, (layer, _, _) in zip(layer_rows(image), layer_tree(image))]
    return dict(recipe_fields(image), **{
        "id": image.ID, "size": [image.width, image.height], "base_type": image.base_type,
        "layers": layers, "undo_group_left_open": gimp.stub_undo_group_open(image),
        "displays": [display for display, shown in gimp.stub_displays() if shown == image.ID]})


def add_settings(plugin, extra):
    """Settings added to the plug-in's copy of the table before it registers (Setting fields)."""
    sys.path.insert(0, os.path.join(os.path.dirname(plugin), "inceptionism-gimp2-lib"))
    from inceptionism import settings
    for fields in extra:
        setting = settings.Setting(**dict((str(key), value) for key, value in fields.items()))
        settings.SETTINGS.append(setting)
        settings.BY_NAME[setting.name] = setting


def run_case(plugin, case):
    add_settings(plugin, case.get("extra_settings", []))
    image, drawable = build_image(case["image"])
    gimpfu.stub_dialog_edits.update(case.get("dialog_edits", {}))
    dialog = {}  # what the Dream dialog showed (the others are gimpfu's)
    gtk.stub_user = dialog_user.player(case, dialog)
    before, rows_before = gimp.stub_snapshot(image), layer_rows(image)
    steps_before = len(gimp.stub_undo_steps(image))
    source_before = gimp.stub_pixels(drawable)
    images_before = set(known.ID for known in gimp.image_list())
    arguments = [guide_layer(image) if value == GUIDE else utf8(value)
                 for value in case.get("arguments", [])]
    gimp.stub_call(case["procedure"], RUN_MODES[case["run_mode"]], image, drawable, *arguments)
    sys.argv = [plugin, "-gimp", "-run"]
    runpy.run_path(plugin, run_name="__main__")
    rows_after = layer_rows(image)
    known = set(row["id"] for row in rows_before)
    added = [layer for layer, _, _ in layer_tree(image) if layer.ID not in known]
    steps = gimp.stub_undo_steps(image)[steps_before:]
    record = {
        "result": gimp.stub_result(), "messages": [m.decode("utf-8") for m in gimp.stub_messages()],
        "progress": gimp.stub_progress(), "dialogs": gimpfu.stub_dialogs,
        "dream_dialog": dialog.get("dialog"),
        "source": {"id": drawable.ID, "type": drawable.type, "offsets": list(drawable.offsets),
                   "size": [drawable.width, drawable.height], "pixels": b64(source_before)},
        "selection_bounds": list(gimp.pdb.gimp_selection_bounds(image)[1:]),
        "layers_before": rows_before, "layers_after": rows_after,
        "source_unchanged": gimp.stub_pixels(drawable) == source_before,
        "new": [new_layer_record(image, drawable, layer) for layer in added],
        "undo_steps": steps, "undo_group_left_open": gimp.stub_undo_group_open(image),
        "image_unchanged": gimp.stub_snapshot(image) == before,
        "new_images": [new_image_record(made) for made in gimp.image_list()
                       if made.ID not in images_before],
    }
    for _ in steps:
        gimp.stub_undo(image)
    record["undo_restores"] = gimp.stub_snapshot(image) == before
    return record


def registrations():
    """What the plug-in gave gimpfu.register, per procedure, as JSON."""
    plugins = dict((name, gimpfu._registration(name)) for name in gimpfu._registered_plugins_)
    return dict((name, {"label": plugin["label"], "menu": plugin["menu"],
                        "imagetypes": plugin["imagetypes"],
                        "params": [list(entry) for entry in plugin["params"]]})
                for name, plugin in plugins.items())


def main():
    mode, plugin, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    if mode == "query":
        sys.argv = [plugin, "-gimp", "-query"]
        runpy.run_path(plugin, run_name="__main__")
        record = registrations()
    else:
        with open(files.pop(0)) as handle:
            record = run_case(plugin, json.load(handle))
    with open(files[0], "w") as handle:
        json.dump(record, handle, indent=1)


if __name__ == "__main__":
    main()
