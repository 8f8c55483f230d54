"""A strict stand-in for GIMP 2.10's `gimp` module (pygimp), run under a real Python 2.7.

It plays pygimp and the GIMP core behind it: images, a layer tree, the selection, layer masks,
parasites and undo (_gimp_items), pixel regions (_gimp_pixels), the PDB (_gimp_pdb), progress,
messages and plug-in registration (here), with pygimp's argument rules and error types as
written down in the shared notes gimp-api.md (Part 1). What GIMP would reject raises here too.
Only what a filter plug-in touches is modelled; anything else is absent rather than guessed.
Plug-ins see 8-bit data, as GIMP 2.10 gives plug-ins that do not enable precision.

Checked against the real GIMP 2.10 (tests/gimp210/test_gimp210_stubs_agree.py runs the same
calls through both). Where the two disagreed, the stubs were fixed to do what GIMP does:
- a layer of another base type than the image's (RGB in a gray image) is made; inserting it
  into that image is what fails;
- a layer mask sits at (0, 0) until it is added to its layer, then takes the layer's offsets;
- gimp-drawable-mask-intersect, where selection and drawable do not meet, returns 0 and the
  unclipped intersection (a zero or negative width or height), not zeros;
- a layer group is as large as the layers it holds (1x1 at (0, 0) while empty), not the image.

Names starting with `stub_` are test hooks that GIMP does not have.
"""
import json
import os
import sys
import traceback

from gimpenums import RUN_NONINTERACTIVE
from _gimp_core import OMITTED, as_double, as_instance, as_int, as_string, core, error, journal
from _gimp_pdb import passed_value, returned_values
# pygimp's types and gimp.pdb, as the plug-in sees them
from _gimp_items import Channel, Drawable, GroupLayer, Image, Layer, Parasite  # noqa: F401
from _gimp_pdb import pdb  # noqa: F401
from _gimp_pixels import PixelRgn  # noqa: F401

locale_directory = "/usr/share/locale"


# ---- messages, progress, displays, plug-in registration ----

def message(text):
    text = as_string(text, "message")
    core.messages.append(text)
    journal("message", text=text)


def progress_init(message=OMITTED):
    """The message is optional, but an explicit None is refused ("|s")."""
    message = None if message is OMITTED else as_string(message, "message")
    core.progress.append(("init", message))


def progress_update(percentage):
    percentage = as_double(percentage, "percentage")
    if not 0.0 <= percentage <= 1.0:
        raise error("progress %r is outside 0..1" % percentage)
    core.progress.append(("update", percentage))
    journal("progress", value=percentage)


def displays_flush():
    core.progress.append(("displays_flush", None))


def domain_register(domain, path=None):
    as_string(domain, "domain")


def get_data(key):
    if key not in core.data:
        raise error("no data for id")
    return core.data[as_string(key, "key")]


def set_data(key, data):
    core.data[as_string(key, "key")] = as_string(data, "data")


def install_procedure(name, blurb, help, author, copyright, date, label, imagetypes, type,
                      params, results):
    texts = [as_string(v, "argument") for v in (name, blurb, help, author, copyright, date,
                                               label, imagetypes)]
    as_int(type, "type")
    entry = {"blurb": texts[1], "label": texts[6], "imagetypes": texts[7], "menus": [],
             "params": _param_defs(params), "results": _param_defs(results)}
    core.installed[texts[0]] = entry


def _param_defs(defs):
    checked = []
    for definition in defs:
        if not isinstance(definition, tuple) or len(definition) != 3:
            raise TypeError("parameter definitions must be (type, name, description) tuples")
        checked.append([as_int(definition[0], "type"), as_string(definition[1], "name"),
                        as_string(definition[2], "description")])
    return checked


def menu_register(name, path):
    name, path = as_string(name, "procedure"), as_string(path, "menu path")
    if name not in core.installed:
        raise error("could not register menu path for %s: procedure not installed" % name)
    core.installed[name]["menus"].append(path)


def main(init, quit, query, run):
    """Query mode writes what was installed to $GIMP_STUB_PLUGINRC; run mode makes the call
    stub_call set up."""
    if "-query" in sys.argv:
        query()
        with open(os.environ["GIMP_STUB_PLUGINRC"], "w") as handle:
            json.dump(core.installed, handle, indent=1, sort_keys=True)
    elif "-run" in sys.argv:
        _run(run, *core.pending)


def _run(run, name, params):
    """Passes the call the way the core does: declared PDB types, then status and message, and
    the return values pygimp makes of what run returned."""
    with open(os.environ["GIMP_STUB_PLUGINRC"]) as handle:
        installed = json.load(handle)[name]
    declared = installed["params"]
    if len(params) > len(declared) or (params[0] == RUN_NONINTERACTIVE and
                                       len(params) != len(declared)):
        raise TypeError("wrong number of arguments for %s" % name)
    values = tuple(passed_value(value, definition) for value, definition in zip(params, declared))
    journal("run", procedure=name)
    try:
        returned = run(str(name), values)
        core.result = {"status": "success",
                       "values": returned_values(returned, installed["results"])}
    except Exception as failure:
        traceback.print_exc()
        core.result = {"status": "execution-error", "error": str(failure),
                        "exception": type(failure).__name__}


def image_list():
    """Every image open in GIMP, those the plug-in made included (in no promised order)."""
    return list(core.images)


class Display(object):
    """gimp.Display(image): a window on the image ("O!"); only its ID is modelled."""

    def __init__(self, image):
        image = as_instance(image, Image, "argument 1 (image)")
        if image not in core.images:
            raise error("could not create display")
        self.ID = core.new_id()
        core.displays.append((self.ID, image.ID))
        journal("display", display=self.ID, image=image.ID)


class Vectors(object):
    """Present for gimpfu's type table; paths are not modelled."""


# ---- test hooks ----

def stub_call(name, run_mode, *args):
    """Sets the procedure call the next main() in run mode makes (GIMP's side of a run)."""
    core.pending = (name, (run_mode,) + args)


def stub_result():
    return core.result


def stub_messages():
    return list(core.messages)


def stub_progress():
    return list(core.progress)


def stub_displays():
    """[(display ID, image ID)] for every display the plug-in opened."""
    return list(core.displays)


def stub_undo(image):
    """Edit > Undo: reverts the last step, one operation or a whole group."""
    image._undo.undo()


def stub_undo_steps(image):
    """[(is_group, [descriptions])] oldest first; an open group is not a step yet."""
    return [(step["group"], [d for d, _ in step["ops"]]) for step in image._undo.steps]


def stub_undo_group_open(image):
    return image._undo.depth > 0


def stub_set_pixels(drawable, data):
    """Fills a drawable's pixels (and masks' values) as if painted before the plug-in ran."""
    if len(data) != len(drawable._pixels):
        raise ValueError("expected %d bytes, got %d" % (len(drawable._pixels), len(data)))
    drawable._pixels[:] = data


def stub_pixels(drawable):
    return bytes(drawable._pixels)


def stub_snapshot(image):
    """Everything an artist could see or save of the image, for before/after comparisons."""
    return {"size": [image.width, image.height], "base_type": image.base_type,
            "layers": [_layer_snapshot(layer) for layer in image._children],
            "parasites": _parasite_snapshot(image), "selection": bytes(image._selection._pixels),
            "active": image._active.ID if image._active else None}


def _layer_snapshot(layer):
    snapshot = {"id": layer.ID, "name": layer.name, "type": layer.type,
                "size": list(layer._size), "offsets": list(layer.offsets),
                "opacity": layer.opacity, "mode": layer.mode, "visible": layer.visible,
                "pixels": bytes(layer._pixels), "parasites": _parasite_snapshot(layer),
                "mask": bytes(layer.mask._pixels) if layer.mask else None}
    if isinstance(layer, GroupLayer):
        snapshot["children"] = [_layer_snapshot(child) for child in layer._children]
    return snapshot


def _parasite_snapshot(owner):
    return dict((name, [p.flags, p.data]) for name, p in owner._parasites.items())
