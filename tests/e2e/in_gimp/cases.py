"""Runs inside GIMP 3 (python-fu-eval): each case builds a small image, calls one Inceptionism
procedure NONINTERACTIVE the way a script would, and records what it finds in INCEPTIONISM_E2E_OUT:
results.json (one entry a case) plus raw pixel dumps. Nothing is judged here; the host-side
tests (test_gimp3_*.py) assert on these files.
"""
import json
import os
import time

from gi.repository import Gegl, Gimp

OUT = os.environ["INCEPTIONISM_E2E_OUT"]
SETTINGS = json.loads(os.environ["INCEPTIONISM_E2E_SETTINGS"])  # {procedure: fast settings}
TRACE = os.environ["INCEPTIONISM_E2E_TRACE"]
DYING_WORKER = os.environ["INCEPTIONISM_E2E_DYING_WORKER"]
WIDTH, HEIGHT = 64, 48
BASE_TYPES = {"rgb": Gimp.ImageBaseType.RGB, "gray": Gimp.ImageBaseType.GRAY}
LAYER_TYPES = {("rgb", False): Gimp.ImageType.RGB_IMAGE, ("rgb", True): Gimp.ImageType.RGBA_IMAGE,
               ("gray", False): Gimp.ImageType.GRAY_IMAGE,
               ("gray", True): Gimp.ImageType.GRAYA_IMAGE}
PIXEL_FORMATS = {("rgb", False): "R'G'B' u8", ("rgb", True): "R'G'B'A u8",
                 ("gray", False): "Y' u8", ("gray", True): "Y'A u8"}


def pattern(width, height, channels, alpha, shift=0):
    """Deterministic detail for the network to see (moved left by shift pixels: a frame of an
    animation); with alpha, a transparent left quarter."""
    data = bytearray()
    for y in range(height):
        for x in range(width):
            colour = [((x + shift) * 4 + y) % 256, (y * 5 + 40) % 256, (x * y) % 256][:channels - alpha]
            data.extend(colour + ([0 if x < width // 4 else 200] if alpha else []))
    return bytes(data)


def new_image(mode="rgb", alpha=False, size=(WIDTH, HEIGHT), offsets=(0, 0),
              precision=Gimp.Precision.U8_NON_LINEAR, selection=None):
    """An image with one patterned layer "Source" of size at offsets, and a rectangular selection
    (x, y, width, height) if given; returns (image, drawables to pass: [the layer])."""
    image = Gimp.Image.new_with_precision(WIDTH, HEIGHT, BASE_TYPES[mode], precision)
    layer = Gimp.Layer.new(image, "Source", size[0], size[1], LAYER_TYPES[(mode, alpha)], 100.0,
                           Gimp.LayerMode.NORMAL)
    channels = (3 if mode == "rgb" else 1) + alpha
    buffer = layer.get_buffer()
    buffer.set(Gegl.Rectangle.new(0, 0, size[0], size[1]), PIXEL_FORMATS[(mode, alpha)],
               pattern(size[0], size[1], channels, alpha))
    buffer.flush()
    image.insert_layer(layer, None, 0)
    layer.set_offsets(*offsets)
    if selection:
        image.select_rectangle(Gimp.ChannelOps.REPLACE, *selection)
    return image, [layer]


def case_whole():
    return new_image()


def case_rectangle():
    return new_image(selection=(8, 6, 24, 20))


def case_feathered_ellipse():
    image, drawables = new_image()
    image.select_ellipse(Gimp.ChannelOps.REPLACE, 12, 8, 36, 28)
    Gimp.Selection.feather(image, 8.0)
    return image, drawables


def case_offsets():
    """A 40x30 layer at (10, 8) on a 64x48 canvas, with a selection reaching over its corner."""
    return new_image(size=(40, 30), offsets=(10, 8), selection=(0, 0, 30, 24))


def case_transparency():
    return new_image(alpha=True)


def case_gray():
    return new_image(mode="gray")


def case_high_bit_depth():
    return new_image(precision=Gimp.Precision.U16_NON_LINEAR)


def case_in_words():
    return new_image()


def case_indexed():
    image, drawables = new_image()
    image.convert_indexed(Gimp.ConvertDitherType.NONE, Gimp.ConvertPaletteType.GENERATE, 16,
                          False, False, "")
    return image, drawables


def case_several_drawables():
    """Source and a white layer above it both selected: the first one given is dreamed on."""
    image, (source,) = new_image()
    other = Gimp.Layer.new(image, "Other", WIDTH, HEIGHT, Gimp.ImageType.RGB_IMAGE, 100.0,
                           Gimp.LayerMode.NORMAL)
    other.fill(Gimp.FillType.WHITE)
    image.insert_layer(other, None, 0)
    return image, [source, other]


def case_layer_group():
    image, (layer,) = new_image()
    group = Gimp.GroupLayer.new(image, "Group")
    image.insert_layer(group, None, 0)
    image.reorder_item(layer, group, 0)
    return image, [group]


def case_selection_outside_layer():
    return new_image(size=(20, 20), offsets=(40, 24), selection=(0, 0, 16, 16))


def case_worker_missing():
    return new_image()


def case_visualize_noise():
    """Noise needs no source: the new layer goes above the active "Other" layer, at (0, 0)."""
    image, (_, other) = case_several_drawables()
    return image, [other]


def case_visualize_noise_gray():
    return new_image(mode="gray")


def case_visualize_noise_indexed():
    return case_indexed()


def case_visualize_selection():
    return new_image(selection=(8, 6, 24, 20))


def case_zoom_noise():
    return new_image()


def case_zoom_layer():
    return new_image(size=(40, 30), offsets=(10, 8), selection=(14, 10, 32, 24))


def case_zoom_worker_dies():
    return new_image()


def case_zoom_worker_missing():
    return new_image()


def case_network_resnet50():
    return new_image()


def case_zoom_network_vgg16():
    return new_image()


def case_real_auto():
    return new_image()


def case_real_googlenet_named():
    return new_image()


# An animation's frames, bottom first, with the timings and disposals GIF export reads.
FRAME_NAMES = ["Frame 1 (80ms) (replace)", "Frame 2 (120ms) (combine)", "Frame 3 (80ms)",
               "Frame 4 (200ms) (replace)", "Frame 5 (80ms) (replace)", "Frame 6"]


def animation(count=6, sizes=None, group_at=None, selection=None):
    """An image whose layers are count frames of a pattern moving 2 pixels a frame, the first
    at the bottom; sizes: {frame: (width, height)}; group_at: the frame put inside a group."""
    image = Gimp.Image.new_with_precision(WIDTH, HEIGHT, Gimp.ImageBaseType.RGB,
                                          Gimp.Precision.U8_NON_LINEAR)
    for index in range(count):
        width, height = (sizes or {}).get(index, (WIDTH, HEIGHT))
        layer = Gimp.Layer.new(image, FRAME_NAMES[index], width, height,
                               Gimp.ImageType.RGB_IMAGE, 100.0, Gimp.LayerMode.NORMAL)
        buffer = layer.get_buffer()
        buffer.set(Gegl.Rectangle.new(0, 0, width, height), "R'G'B' u8",
                   pattern(width, height, 3, False, 2 * index))
        buffer.flush()
        parent = None
        if index == group_at:
            parent = Gimp.GroupLayer.new(image, "Group")
            image.insert_layer(parent, None, 0)
        image.insert_layer(layer, parent, 0)
    if selection:
        image.select_rectangle(Gimp.ChannelOps.REPLACE, *selection)
    return image, [image.get_layers()[0]]


def case_animation():
    return animation(selection=(8, 6, 40, 30))


def case_animation_worker_dies():
    return animation()


def case_animation_single_layer():
    return animation(count=1)


def case_animation_layer_group():
    return animation(count=3, group_at=1)


def case_animation_sizes():
    return animation(count=3, sizes={2: (40, 30)})


def case_guided_mix():
    """A "Guide" layer (the pattern turned round) beside the source, given as the guide; the
    drawables and object-valued arguments come back separately from the JSON settings."""
    image, drawables = new_image()
    guide = Gimp.Layer.new(image, "Guide", 40, 30, Gimp.ImageType.RGB_IMAGE, 100.0,
                           Gimp.LayerMode.NORMAL)
    guide.get_buffer().set(Gegl.Rectangle.new(0, 0, 40, 30), "R'G'B' u8",
                           pattern(40, 30, 3, False)[::-1])
    image.insert_layer(guide, None, 1)
    return image, drawables, {"guide": guide}


def case_animation_cluster():
    return animation(count=4)


def case_animation_cluster_free():
    return animation(count=4)


def case_animation_cluster_unreachable():
    return animation(count=4)


# (case, procedure, its own settings), run in this order; the fast settings come from the host.
CASES = [(case, "dream", {}) for case in (
    case_whole, case_rectangle, case_feathered_ellipse, case_offsets, case_transparency,
    case_gray, case_high_bit_depth, case_several_drawables, case_indexed, case_layer_group,
    case_selection_outside_layer, case_worker_missing)] + [
    # words only: engine settings set beside them would win over them (looks.settle)
    (case_in_words, "dream", {"depth": "animals", "detail": "fine", "strength": "subtle",
                              "layer": None, "octaves": None, "iterations": None,
                              "step-size": None}),
    (case_guided_mix, "dream", {"layer-2": "conv3", "blend": 0.25}),
    (case_visualize_noise, "visualize", {"start": "noise"}),
    (case_visualize_noise_gray, "visualize", {"start": "noise"}),
    (case_visualize_noise_indexed, "visualize", {"start": "noise"}),
    (case_visualize_selection, "visualize", {"start": "layer"}),
    (case_zoom_noise, "zoom", {"start": "noise"}),
    (case_zoom_layer, "zoom", {"start": "layer"}),
    (case_animation, "animate", {}),  # before the other workers' cases: the warm one still waits
    (case_zoom_worker_dies, "zoom", {"start": "noise"}),
    (case_zoom_worker_missing, "zoom", {"start": "noise"}),
    # a script changes the network only (None: the layer is left at its default)
    (case_network_resnet50, "dream", {"model": "resnet50", "layer": None}),
    (case_zoom_network_vgg16, "zoom", {"start": "noise", "model": "vgg16", "layer": None}),
] + [(case, "animate", {}) for case in (
    case_animation_worker_dies, case_animation_single_layer, case_animation_layer_group,
    case_animation_sizes)] + [
    # the worker told to spread animations over a local Ray (WORKERS), smooth and free
    (case_animation_cluster, "animate", {}),
    (case_animation_cluster_free, "animate", {"flicker": "free"}),
    (case_animation_cluster_unreachable, "animate", {}),
]
# Run instead of CASES in a launch of their own (INCEPTIONISM_E2E_REAL_WEIGHTS=1), with the
# engine's real weights and no GoogLeNet file, default settings unless a case says otherwise:
# auto dreams with EfficientNet-Lite0; GoogLeNet named by hand is refused with its fix.
REAL_WEIGHT_CASES = [(case_real_auto, "dream", {}),
                     (case_real_googlenet_named, "dream", {"model": "googlenet"})]
# Cases run with another worker.json command, given the installed one.
MISSING_WORKER = ["/nonexistent/inceptionism-venv/bin/python", "-m", "inceptionism.worker"]
# What install.py --cluster-address local:2 writes: the worker's command with --cluster local:2;
# and with a cluster address where nothing listens.
ON_CLUSTER = ["--cluster", "local:2"]
NO_CLUSTER_THERE = ["--cluster", "ray://127.0.0.1:1"]
WORKERS = {
    case_worker_missing: lambda command: MISSING_WORKER,
    case_zoom_worker_missing: lambda command: MISSING_WORKER,
    case_zoom_worker_dies: lambda command: command[:1] + [DYING_WORKER],
    case_animation_worker_dies: lambda command: command[:1] + [DYING_WORKER],
    case_animation_cluster: lambda command: command + ON_CLUSTER,
    case_animation_cluster_free: lambda command: command + ON_CLUSTER,
    case_animation_cluster_unreachable: lambda command: command + NO_CLUSTER_THERE,
}


def call(procedure, image, drawables, values):
    """(status nick, error message or None, the image it returned or None)."""
    procedure = Gimp.get_pdb().lookup_procedure("python-fu-inceptionism-" + procedure)
    config = procedure.create_config()
    config.set_property("run-mode", Gimp.RunMode.NONINTERACTIVE)
    config.set_property("image", image)
    config.set_core_object_array("drawables", drawables)
    for name, value in values.items():
        config.set_property(name, value)
    result = procedure.run(config)
    status = result.index(0)
    message = result.index(1) if status != Gimp.PDBStatusType.SUCCESS else None
    returned = result.index(1) if status == Gimp.PDBStatusType.SUCCESS and result.length() > 1 \
        else None
    return status.value_nick, message, returned


def describe(item):
    _, x, y = item.get_offsets()
    return {"id": item.get_id(), "name": item.get_name(), "offsets": [x, y],
            "size": [item.get_width(), item.get_height()], "type": item.type().value_nick}


def layer_tree(image):
    """Every layer with its parent and position, top to bottom."""
    rows = []

    def walk(layers, parent):
        for position, layer in enumerate(layers):
            rows.append(dict(describe(layer), parent=parent, position=position))
            if layer.is_group():
                walk(layer.get_children(), layer.get_id())
    walk(image.get_layers(), None)
    return rows


def dump(name, buffer, x, y, width, height, pixel_format):
    """Raw bytes of a region, and the record that says how to read them."""
    with open(os.path.join(OUT, name), "wb") as handle:
        handle.write(buffer.get(Gegl.Rectangle.new(x, y, width, height), 1.0, pixel_format,
                                Gegl.AbyssPolicy.NONE))
    return {"file": name, "size": [width, height], "format": pixel_format}


def dump_drawable(name, drawable, pixel_format):
    return dump(name, drawable.get_buffer(), 0, 0, drawable.get_width(), drawable.get_height(),
                pixel_format)


def exact_format(image, drawable):
    """A babl format that holds the drawable's pixels without loss, for bit-identity checks."""
    model = ("Y'" if drawable.is_gray() else "R'G'B'") + ("A" if drawable.has_alpha() else "")
    return model + (" u16" if image.get_precision() == Gimp.Precision.U16_NON_LINEAR else " u8")


def new_layer_record(name, image, source, new_layer):
    """The new layer, and the source's pixels and the selection under it, for comparison."""
    record = describe(new_layer)
    pixel_format = exact_format(image, source)
    _, source_x, source_y = source.get_offsets()
    x, y = record["offsets"]
    width, height = record["size"]
    record["pixels"] = dump_drawable(name + "-new.raw", new_layer, pixel_format)
    record["source_under"] = dump(name + "-under.raw", source.get_buffer(), x - source_x,
                                  y - source_y, width, height, pixel_format)
    record["selection_under"] = dump(name + "-selection.raw", image.get_selection().get_buffer(),
                                     x, y, width, height, "Y u8")
    mask = new_layer.get_mask()
    record["mask"] = mask and dump_drawable(name + "-mask.raw", mask, "Y u8")
    record["recipe"] = recipe(new_layer)
    return record


def new_image_record(name, image):
    """An image the procedure made: its kind, recipe and layers (top to bottom) with pixels."""
    layers = image.get_layers()
    return {"id": image.get_id(), "size": [image.get_width(), image.get_height()],
            "base_type": image.get_base_type().value_nick,
            "precision": image.get_precision().value_nick, "recipe": recipe(image),
            "layers": [dict(describe(layer), pixels=dump_drawable(
                "%s-image-%d.raw" % (name, number), layer, exact_format(image, layer)))
                for number, layer in enumerate(layers)]}


def recipe(item):
    parasite = item.get_parasite("inceptionism-recipe")
    return parasite and bytes(bytearray(parasite.get_data())).decode("utf-8")


def run_case(case, procedure, values):
    name = case.__name__[len("case_"):]
    with open(TRACE, "a") as trace:
        trace.write("case %s\n" % name)
    images_before = set(image.get_id() for image in Gimp.get_images())
    made = case()
    image, drawables = made[:2]
    objects = made[2] if len(made) > 2 else {}  # arguments JSON cannot carry (a guide layer)
    drawable = drawables[0]
    source_format = exact_format(image, drawable)
    before = dump_drawable(name + "-before.raw", drawable, source_format)
    layers_before = layer_tree(image)
    started = time.time()
    status, message, returned = call(procedure, image, drawables, dict(values, **objects))
    seconds = time.time() - started
    layers_after = layer_tree(image)
    known = set(row["id"] for row in layers_before)
    added = [Gimp.Item.get_by_id(row["id"]) for row in layers_after if row["id"] not in known]
    made = [other for other in Gimp.get_images()
            if other.get_id() not in images_before | {image.get_id()}]
    record = {
        "procedure": procedure, "settings": values, "status": status, "message": message,
        "seconds": seconds, "image": image.get_id(), "source": describe(drawable),
        "selection_bounds": list(Gimp.Selection.bounds(image)[2:]),
        "layers_before": layers_before, "layers_after": layers_after,
        "before": before, "after": dump_drawable(name + "-after.raw", drawable, source_format),
        "new": [new_layer_record(name, image, drawable, layer) for layer in added],
        "new_images": [new_image_record(name, other) for other in made],
        "returned": returned and returned.get_id(),
    }
    for each in [image] + made:
        each.delete()
    return name, record


def use_worker(make_command):
    """Point worker.json at make_command(installed command); returns a function that restores it."""
    path = os.path.join(Gimp.directory(), "plug-ins", "inceptionism-gimp3", "worker.json")
    with open(path) as handle:
        original = handle.read()
    config = json.loads(original)
    config["command"] = make_command(config["command"])
    with open(path, "w") as handle:
        json.dump(config, handle)

    def restore():
        with open(path, "w") as handle:
            handle.write(original)
    return restore


def registered():
    """How GIMP sees each Inceptionism procedure it registered: {name: declaration}."""
    pdb = Gimp.get_pdb()
    names = pdb.query_procedures("python-fu-inceptionism-.*", "", "", "", "", "", "", "")
    return dict((name, declaration(pdb.lookup_procedure(name))) for name in names)


def declaration(procedure):
    return {"menu_label": procedure.get_menu_label(), "menu_paths": procedure.get_menu_paths(),
            "image_types": procedure.get_image_types(),
            "arguments": [spec.name for spec in procedure.get_arguments()],
            "return_values": [spec.name for spec in procedure.get_return_values()]}


def main():
    results = {"registered": registered(), "cases": {}}
    real = os.environ.get("INCEPTIONISM_E2E_REAL_WEIGHTS") == "1"
    for case, procedure, own_settings in REAL_WEIGHT_CASES if real else CASES:
        if "python-fu-inceptionism-" + procedure not in results["registered"]:
            continue
        restore = use_worker(WORKERS[case]) if case in WORKERS else None
        try:
            values = dict(SETTINGS[procedure], **own_settings)
            name, record = run_case(case, procedure, dict(
                (key, value) for key, value in values.items() if value is not None))
        finally:
            if restore:
                restore()
        results["cases"][name] = record
    with open(os.path.join(OUT, "results.json"), "w") as handle:
        json.dump(results, handle, indent=1)


main()
