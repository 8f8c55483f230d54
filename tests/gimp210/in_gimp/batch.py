# Runs inside a real GIMP 2.10 (python-fu-eval, Python 2.7): each case of $INCEPTIONISM_E2E_CASES
# builds a small image, calls one Inceptionism procedure NONINTERACTIVE the way a script would,
# and records what it finds in $INCEPTIONISM_E2E_OUT: results.json (the same record as the GIMP 3
# harness writes, so both are judged by the same checks) plus raw pixel dumps. Nothing is judged
# here. GIMP tells a batch only "execution error" when a plug-in fails; the plug-in's message
# goes to stderr, between this script's case markers, where the host finds it.
import json
import os
import sys

import gimp
from gimpfu import (CHANNEL_OP_REPLACE, GRAY, GRAY_IMAGE, GRAYA_IMAGE, INDEXED_IMAGE,
                    INDEXEDA_IMAGE, NORMAL_MODE, PRECISION_U8_GAMMA, PRECISION_U16_GAMMA, RGB, RGB_IMAGE,
                    RGBA_IMAGE, WHITE_FILL, pdb)

OUT = os.environ["INCEPTIONISM_E2E_OUT"]
CASES = json.load(open(os.environ["INCEPTIONISM_E2E_CASES"]))
TRACE = os.environ["INCEPTIONISM_E2E_TRACE"]
GUIDE = "the Guide layer"  # gimp2_run.GUIDE: where a case passes its image's Guide layer
WORKER_JSON = os.path.join(gimp.directory, "plug-ins", "inceptionism-gimp2-lib", "worker.json")
WIDTH, HEIGHT = 64, 48
BASE_TYPES = {"rgb": RGB, "gray": GRAY}
LAYER_TYPES = {("rgb", False): RGB_IMAGE, ("rgb", True): RGBA_IMAGE,
               ("gray", False): GRAY_IMAGE, ("gray", True): GRAYA_IMAGE}
# GIMP 3's nicks for the layer types, as the GIMP 3 harness records them.
TYPE_NICKS = {RGB_IMAGE: "rgb-image", RGBA_IMAGE: "rgba-image", GRAY_IMAGE: "gray-image",
              GRAYA_IMAGE: "graya-image", INDEXED_IMAGE: "indexed-image",
              INDEXEDA_IMAGE: "indexeda-image"}
MODELS = {1: "Y'", 2: "Y'A", 3: "R'G'B'", 4: "R'G'B'A"}
# This batch reads pixels in the image's own precision (bpp 6 for 16-bit RGB), while the
# Inceptionism plug-in is handed 8 bits (the high_bit_depth_at_8_bits case checks that).
SAMPLE_TYPES = {PRECISION_U8_GAMMA: ("u8", 1), PRECISION_U16_GAMMA: ("u16", 2)}


def pattern(width, height, channels, alpha, shift=0):
    """Deterministic detail for the network to see; with alpha, a transparent left quarter
    (the GIMP 3 harness's pattern); shift moves its red shift pixels (an animation's frames)."""
    data = bytearray()
    for y in range(height):
        for x in range(width):
            colour = [((x + shift) * 4 + y) % 256, (y * 5 + 40) % 256,
                      (x * y) % 256][:channels - alpha]
            data.extend(colour + ([0 if x < width // 4 else 200] if alpha else []))
    return bytes(data)


# An animation's frames, bottom first, as the GIMP 3 harness names them (tests/e2e/in_gimp).
FRAME_NAMES = ["Frame 1 (80ms) (replace)", "Frame 2 (120ms) (combine)", "Frame 3 (80ms)",
               "Frame 4 (200ms) (replace)", "Frame 5 (80ms) (replace)", "Frame 6"]


def build_animation(spec):
    """An image whose layers are spec["frames"] frames of the pattern moving 2 pixels a frame,
    the first at the bottom; "sizes": {frame: [width, height]}; "group_at": the frame put in a
    group; returns (image, the top layer)."""
    image = gimp.Image(WIDTH, HEIGHT, BASE_TYPES["rgb"])
    for index in range(spec["frames"]):
        width, height = spec.get("sizes", {}).get(str(index), [WIDTH, HEIGHT])
        layer = gimp.Layer(image, FRAME_NAMES[index], width, height,
                           LAYER_TYPES[("rgb", False)], 100, NORMAL_MODE)
        region = layer.get_pixel_rgn(0, 0, width, height, True, False)
        region[0:width, 0:height] = pattern(width, height, 3, False, 2 * index)
        layer.flush()
        if index == spec.get("group_at"):
            group = pdb.gimp_layer_group_new(image)
            image.insert_layer(group, position=0)
            image.insert_layer(layer, parent=group, position=0)
        else:
            image.insert_layer(layer, position=0)
    if spec.get("selection"):
        pdb.gimp_image_select_rectangle(image, CHANNEL_OP_REPLACE, *spec["selection"][1])
    return image, image.layers[0]


def build(spec):
    """An image with one patterned layer "Source" of spec's size at its offsets, then what spec
    asks for; returns (image, the drawable to pass). An animation's spec has "frames"."""
    if spec.get("frames"):
        return build_animation(spec)
    mode, alpha = spec.get("mode", "rgb"), spec.get("alpha", False)
    width, height = spec.get("size", [WIDTH, HEIGHT])
    image = gimp.Image(WIDTH, HEIGHT, BASE_TYPES[mode])
    layer = gimp.Layer(image, "Source", width, height, LAYER_TYPES[(mode, alpha)], 100,
                       NORMAL_MODE)
    region = layer.get_pixel_rgn(0, 0, width, height, True, False)
    region[0:width, 0:height] = pattern(width, height, layer.bpp, alpha)
    layer.flush()
    image.insert_layer(layer)
    layer.set_offsets(*spec.get("offsets", [0, 0]))
    drawable = layer
    if spec.get("selection"):
        shape, rect = spec["selection"]
        select = {"rectangle": pdb.gimp_image_select_rectangle,
                  "ellipse": pdb.gimp_image_select_ellipse}[shape]
        select(image, CHANNEL_OP_REPLACE, *rect)
    if spec.get("feather"):
        pdb.gimp_selection_feather(image, spec["feather"])
    if spec.get("precision") == "u16":
        pdb.gimp_image_convert_precision(image, PRECISION_U16_GAMMA)
        drawable = layer = gimp.Item.from_id(layer.ID)
    if spec.get("indexed"):
        pdb.gimp_image_convert_indexed(image, 0, 0, 16, False, False, "")
        # pygimp keeps the layer's tiles in their old format: ask for the layer anew
        drawable = layer = gimp.Item.from_id(layer.ID)
    if spec.get("white_layer_above"):
        drawable = gimp.Layer(image, "Other", WIDTH, HEIGHT, RGB_IMAGE, 100, NORMAL_MODE)
        image.insert_layer(drawable, position=0)
        pdb.gimp_drawable_fill(drawable, WHITE_FILL)
    if spec.get("in_group"):
        drawable = pdb.gimp_layer_group_new(image)
        image.insert_layer(drawable, position=0)
        pdb.gimp_image_reorder_item(image, layer, drawable, 0)
    if spec.get("guide"):  # a "Guide" layer below the source: the pattern turned round
        guide_width, guide_height = spec["guide"]
        guide = gimp.Layer(image, "Guide", guide_width, guide_height, RGB_IMAGE, 100, NORMAL_MODE)
        guide.get_pixel_rgn(0, 0, guide_width, guide_height, True, False)[
            0:guide_width, 0:guide_height] = pattern(guide_width, guide_height, 3, False)[::-1]
        guide.flush()
        image.insert_layer(guide, position=1)
    return image, drawable


def arguments_for(image, arguments):
    """A case's PDB arguments, GUIDE standing for the image's Guide layer."""
    guides = [layer for layer in image.layers if layer.name == "Guide"]
    return [guides[0] if value == GUIDE else value for value in arguments]


def describe(item):
    return {"id": item.ID, "name": item.name.decode("utf-8"), "offsets": list(item.offsets),
            "size": [item.width, item.height], "type": TYPE_NICKS.get(item.type, item.type)}


def layer_tree(image):
    """Every layer with its parent and position, top to bottom."""
    rows = []

    def walk(layers, parent):
        for position, layer in enumerate(layers):
            rows.append(dict(describe(layer), parent=parent, position=position))
            if pdb.gimp_item_is_group(layer):
                walk(layer.children, layer.ID)
    walk(image.layers, None)
    return rows


def read(drawable, x, y, width, height):
    """Bytes of a rectangle in drawable coordinates; zeros where it leaves the drawable."""
    bpp = drawable.bpp
    out = bytearray(width * height * bpp)
    x1, y1 = max(x, 0), max(y, 0)
    x2, y2 = min(x + width, drawable.width), min(y + height, drawable.height)
    if x2 > x1 and y2 > y1:
        region = drawable.get_pixel_rgn(x1, y1, x2 - x1, y2 - y1, False, False)
        data = region[x1:x2, y1:y2]
        span = (x2 - x1) * bpp
        for row in range(y2 - y1):
            start = ((y1 - y + row) * width + (x1 - x)) * bpp
            out[start:start + span] = data[row * span:(row + 1) * span]
    return bytes(out)


def dump(name, drawable, x, y, width, height):
    with open(os.path.join(OUT, name), "wb") as handle:
        handle.write(read(drawable, x, y, width, height))
    return {"file": name, "size": [width, height], "format": pixel_format(drawable)}


def pixel_format(drawable):
    """The babl name of what a pixel region of drawable holds."""
    sample, size = SAMPLE_TYPES[drawable.image.precision]
    if pdb.gimp_item_is_channel(drawable):
        return "Y " + sample
    return MODELS[drawable.bpp // size] + " " + sample


def dump_drawable(name, drawable):
    return dump(name, drawable, 0, 0, drawable.width, drawable.height)


def recipe(owner):
    parasite = owner.parasite_find("inceptionism-recipe")
    return parasite and parasite.data.decode("utf-8")


def new_layer_record(name, image, source, layer):
    """The new layer, and the source's pixels and the selection under it, for comparison."""
    record = describe(layer)
    x, y = record["offsets"]
    source_x, source_y = source.offsets
    width, height = record["size"]
    record["pixels"] = dump_drawable(name + "-new.raw", layer)
    record["source_under"] = dump(name + "-under.raw", source, x - source_x, y - source_y,
                                  width, height)
    record["selection_under"] = dump(name + "-selection.raw", image.selection, x, y, width,
                                     height)
    record["mask"] = layer.mask and dump_drawable(name + "-mask.raw", layer.mask)
    record["bpp"] = layer.bpp
    record["recipe"] = recipe(layer)
    return record


def new_image_record(name, image):
    return {"id": image.ID, "size": [image.width, image.height], "base_type": image.base_type,
            "recipe": recipe(image),
            "layers": [dict(describe(layer), pixels=dump_drawable(
                "%s-image-%d.raw" % (name, number), layer))
                for number, layer in enumerate(image.layers)]}


def call(procedure, image, drawable, arguments):
    """(status, the image it returned or None); a failure's message is on stderr."""
    try:
        returned = getattr(pdb, procedure.replace("-", "_"))(image, drawable, *arguments)
    except RuntimeError:
        return "execution-error", None
    return "success", returned


def use_worker(command):
    """Point worker.json at command; returns a function that restores it."""
    with open(WORKER_JSON) as handle:
        original = handle.read()
    config = json.loads(original)
    config["command"] = command
    with open(WORKER_JSON, "w") as handle:
        json.dump(config, handle)

    def restore():
        with open(WORKER_JSON, "w") as handle:
            handle.write(original)
    return restore


def marker(text):
    sys.stderr.write("\n%s\n" % text)
    sys.stderr.flush()


def run_case(case):
    name = case["name"]
    with open(TRACE, "a") as trace:
        trace.write("case %s\n" % name)
    images_before = set(image.ID for image in gimp.image_list())
    image, drawable = build(case["image"])
    source = drawable
    if pdb.gimp_item_is_group(drawable):
        source = drawable.children[0]
    before = dump_drawable(name + "-before.raw", source)
    layers_before = layer_tree(image)
    restore = use_worker(case["worker"]) if case.get("worker") else None
    marker("INCEPTIONISM-CASE-START " + name)
    try:
        status, returned = call(case["pdb_name"], image, drawable,
                                arguments_for(image, case["arguments"]))
    finally:
        marker("INCEPTIONISM-CASE-END " + name)
        if restore:
            restore()
    layers_after = layer_tree(image)
    known = set(row["id"] for row in layers_before)
    added = [gimp.Item.from_id(row["id"]) for row in layers_after if row["id"] not in known]
    made = [other for other in gimp.image_list()
            if other.ID not in images_before and other.ID != image.ID]
    bounds = pdb.gimp_selection_bounds(image)
    record = {
        "procedure": case["procedure"], "settings": case["settings"], "status": status,
        "message": None, "image": image.ID, "source": describe(drawable),
        "selection_bounds": list(bounds[1:]),
        "layers_before": layers_before, "layers_after": layers_after,
        "before": before, "after": dump_drawable(name + "-after.raw", source),
        "new": [new_layer_record(name, image, source, layer) for layer in added],
        "new_images": [new_image_record(name, other) for other in made],
        "returned": returned.ID if returned is not None else None,
    }
    for each in [image] + made:
        gimp.delete(each)
    return record


def registered():
    """How GIMP sees each Inceptionism procedure: its argument and return value names."""
    names = pdb.gimp_procedural_db_query("python-fu-inceptionism-.*", "", "", "", "", "", "")[1]
    found = {}
    for name in names:
        info = pdb.gimp_procedural_db_proc_info(name)
        found[name] = {
            "arguments": [pdb.gimp_procedural_db_proc_arg(name, i)[1] for i in range(info[6])],
            "return_values": [pdb.gimp_procedural_db_proc_val(name, i)[1]
                              for i in range(info[7])]}
    return found


def main():
    results = {"registered": registered(), "cases": {}}
    for case in CASES:
        if case["pdb_name"] in results["registered"]:
            results["cases"][case["name"]] = run_case(case)
    with open(os.path.join(OUT, "results.json"), "w") as handle:
        json.dump(results, handle, indent=1)


main()
