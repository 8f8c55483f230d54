"""A stand-in for GIMP 2.10's gimpfu, written from its documented behaviour (gimp-api.md 1.1).

register() checks names and parameter tuples as gimpfu does, adds the python-fu- prefix, and
_query() installs each procedure with the run-mode argument inserted first. _run() follows
gimpfu's run modes: non-interactive calls go straight to the function; interactive ones go to
_interact(proc_name, start_params), which calls on_run, fills the parameters GIMP did not pass
from a dialog (here scripted by stub_dialog_edits, giving back what the GTK widgets would: a
spinner a float, a combo box an index), remembers them (_set_defaults) and runs the function.
As in gimpfu, _registered_plugins_ holds each procedure's registration tuple, and _run looks
_interact up in the module when it calls it.
"""
import string as _string

import gimp
import gimpcolor
from gimpenums import *  # noqa: F401,F403  (gimpfu re-exports every enum)
from gimpenums import (PDB_CHANNEL, PDB_COLOR, PDB_DISPLAY, PDB_DRAWABLE, PDB_FLOAT, PDB_IMAGE,
                       PDB_INT8, PDB_INT16, PDB_INT32, PDB_LAYER, PDB_REGION, PDB_STRING,
                       PDB_VECTORS, PLUGIN, RUN_INTERACTIVE, RUN_NONINTERACTIVE,
                       RUN_WITH_LAST_VALS)

pdb = gimp.pdb


class error(RuntimeError):
    pass


class CancelError(RuntimeError):
    pass


PF_INT8, PF_INT16, PF_INT32, PF_FLOAT, PF_STRING = (PDB_INT8, PDB_INT16, PDB_INT32, PDB_FLOAT,
                                                     PDB_STRING)
PF_INT, PF_VALUE = PF_INT32, PF_STRING
PF_COLOR = PF_COLOUR = PDB_COLOR
PF_REGION, PF_DISPLAY, PF_IMAGE, PF_LAYER = PDB_REGION, PDB_DISPLAY, PDB_IMAGE, PDB_LAYER
PF_CHANNEL, PF_DRAWABLE, PF_VECTORS = PDB_CHANNEL, PDB_DRAWABLE, PDB_VECTORS
PF_TOGGLE = PF_BOOL = 1000
PF_SLIDER = 1001
PF_SPINNER = PF_ADJUSTMENT = 1002
PF_FONT, PF_FILE, PF_BRUSH, PF_PATTERN, PF_GRADIENT = 1003, 1004, 1005, 1006, 1007
PF_RADIO, PF_TEXT, PF_PALETTE, PF_FILENAME, PF_DIRNAME, PF_OPTION = (1008, 1009, 1010, 1011,
                                                                    1012, 1013)

_STRING_KINDS = (PF_STRING, PF_FONT, PF_FILE, PF_BRUSH, PF_PATTERN, PF_GRADIENT, PF_RADIO,
                 PF_TEXT, PF_PALETTE, PF_FILENAME, PF_DIRNAME)

# PF type -> the PDB type it is installed as.
_type_mapping = dict([(kind, kind) for kind in (PF_INT8, PF_INT16, PF_INT32, PF_FLOAT, PF_STRING,
                                                 PF_COLOR, PF_REGION, PF_DISPLAY, PF_IMAGE,
                                                 PF_LAYER, PF_CHANNEL, PF_DRAWABLE, PF_VECTORS)] +
                     [(kind, PDB_STRING) for kind in _STRING_KINDS] +
                     [(PF_TOGGLE, PDB_INT32), (PF_SLIDER, PDB_FLOAT), (PF_SPINNER, PDB_INT32),
                      (PF_OPTION, PDB_INT32)])

# PF type -> the Python type gimpfu expects a passed value to have (counts "start params").
_obj_mapping = dict([(kind, str) for kind in _STRING_KINDS] +
                    [(PF_INT8, int), (PF_INT16, int), (PF_INT32, int), (PF_FLOAT, float),
                     (PF_COLOR, gimpcolor.RGB), (PF_REGION, int), (PF_DISPLAY, gimp.Display),
                     (PF_IMAGE, gimp.Image), (PF_LAYER, gimp.Layer), (PF_CHANNEL, gimp.Channel),
                     (PF_DRAWABLE, gimp.Drawable), (PF_VECTORS, gimp.Vectors),
                     (PF_TOGGLE, bool), (PF_SLIDER, float), (PF_SPINNER, int),
                     (PF_OPTION, int)])

_PREFIXES = ("python-", "python_", "extension-", "extension_", "plug-in-", "plug_in_", "file-",
             "file_")
_NAME_CHARACTERS = set(_string.ascii_letters + _string.digits + "_-")

_registered_plugins_ = {}

# Test hooks: what the "user" does in the dialog of an interactive run. Edits are by parameter
# name, in the widget's own terms (text for entries, a number for spinners and sliders, an
# index for combo boxes, a bool for toggles).
stub_dialog_edits = {}
stub_dialog_cancel = False
stub_dialogs = []


def _(message):
    return message


def N_(message):
    return message


def _valid_name(name):
    return all(character in _NAME_CHARACTERS for character in name)


def _check_definitions(entries, minimum, what):
    for entry in entries:
        if len(entry) < minimum:
            raise error("%s definition must contain at least %d elements (%s given: %s)"
                        % (what, minimum, len(entry), entry))
        if type(entry[0]) != int:
            raise error("%s types must be integers" % what)
        if not _valid_name(entry[1]):
            raise error("%s name contains illegal characters" % what)


def register(proc_name, blurb, help, author, copyright, date, label, imagetypes, params,
             results, function, menu=None, domain=None, on_query=None, on_run=None):
    """Records a procedure for _query and _run, after gimpfu's sanity checks."""
    if not _valid_name(proc_name):
        raise error("procedure name contains illegal characters")
    _check_definitions(params, 4, "parameter")
    _check_definitions(results, 3, "result")
    if not proc_name.startswith(_PREFIXES):
        proc_name = "python-fu-" + proc_name
    if menu is None and label and "/" in label:
        menu, label = label.rsplit("/", 1)
        if menu.startswith("<Image>"):
            params.insert(0, (PDB_IMAGE, "image", "Input image", None))
            params.insert(1, (PDB_DRAWABLE, "drawable", "Input drawable", None))
    _registered_plugins_[proc_name] = (blurb, help, author, copyright, date, label, imagetypes,
                                       PLUGIN, params, results, function, menu, domain, on_query,
                                       on_run)


def _registration(proc_name):
    """The registration tuple as a dict, by gimpfu's names for its fields."""
    return dict(zip(_FIELDS, _registered_plugins_[proc_name]))


_FIELDS = ("blurb", "help", "author", "copyright", "date", "label", "imagetypes", "plugin_type",
           "params", "results", "function", "menu", "domain", "on_query", "on_run")


def _pdb_definitions(entries):
    return [(_type_mapping[entry[0]], entry[1], entry[2].replace("_", "")) for entry in entries]


def _query():
    for proc_name in _registered_plugins_:
        plugin = _registration(proc_name)
        params = [(PDB_INT32, "run-mode",
                   "The run mode { RUN-INTERACTIVE (0), RUN-NONINTERACTIVE (1) }")]
        params += _pdb_definitions(plugin["params"])
        if plugin["domain"]:
            domain = plugin["domain"]
            gimp.domain_register(*(domain if isinstance(domain, tuple) else (domain,)))
        gimp.install_procedure(proc_name, plugin["blurb"], plugin["help"], plugin["author"],
                               plugin["copyright"], plugin["date"], plugin["label"],
                               plugin["imagetypes"], PLUGIN, params,
                               _pdb_definitions(plugin["results"]))
        if plugin["menu"]:
            gimp.menu_register(proc_name, plugin["menu"])
        if plugin["on_query"]:
            plugin["on_query"]()


def _start_count(params, declared):
    """How many leading values GIMP passed already have the Python type gimpfu expects."""
    count = 0
    for value, entry in zip(params, declared):
        if not isinstance(value, _obj_mapping[entry[0]]):
            break
        count += 1
    return count


def _get_defaults(proc_name):
    """The last values of this GIMP session (the whole parameter tuple), else the declared ones."""
    import gimpshelf
    key = "python-fu-save--" + proc_name
    if gimpshelf.shelf.has_key(key):
        return gimpshelf.shelf[key]
    return [entry[3] for entry in _registration(proc_name)["params"]]


def _set_defaults(proc_name, defaults):
    import gimpshelf
    gimpshelf.shelf["python-fu-save--" + proc_name] = defaults


def _run(proc_name, params):
    run_mode, params = params[0], tuple(params[1:])
    plugin = _registration(proc_name)
    function, declared = plugin["function"], plugin["params"]
    if run_mode == RUN_NONINTERACTIVE:
        return function(*params)
    start = _start_count(params, declared)
    if start == len(declared):
        run_mode = RUN_NONINTERACTIVE
    elif run_mode == RUN_WITH_LAST_VALS:
        params = params[:start] + tuple(_get_defaults(proc_name)[start:])
    else:
        params = params[:start]
    if run_mode == RUN_INTERACTIVE:
        try:
            result = _interact(proc_name, params)
        except CancelError:
            return None
    else:
        result = function(*params)
    gimp.displays_flush()
    return result


def _interact(proc_name, start_params):
    """gimpfu's dialog for the parameters after start_params; OK runs the function with them
    (remembered first), Cancel raises CancelError."""
    plugin = _registration(proc_name)
    entries = plugin["params"][len(start_params):]
    if not entries:
        return _run_script(proc_name, start_params, ())
    if plugin["on_run"]:
        plugin["on_run"]()
    defaults = _get_defaults(proc_name)[len(start_params):]
    stub_dialogs.append(("dialog", proc_name))
    values = tuple(_widget_value(entry, stub_dialog_edits.get(entry[1], default))
                   for entry, default in zip(entries, defaults))
    if stub_dialog_cancel:
        raise CancelError()
    try:
        return _run_script(proc_name, start_params, values)
    except Exception:
        stub_dialogs.append(("error", proc_name))
        raise


def _run_script(proc_name, start_params, run_params):
    params = tuple(start_params) + tuple(run_params)
    _set_defaults(proc_name, params)
    return _registration(proc_name)["function"](*params)


def _widget_value(entry, value):
    """What gimpfu's widget for this PF type returns when it shows value."""
    kind = entry[0]
    if kind in (PF_SPINNER, PF_SLIDER):
        lower, upper, step = entry[4]
        return min(max(float(value), float(lower)), float(upper))  # a gtk.Adjustment's value
    if kind == PF_OPTION:
        labels = entry[4]
        if not all(isinstance(label, (str, type(u""))) for label in labels):
            raise TypeError("combo box labels must be strings")
        return value if 0 <= value < len(labels) else -1
    if kind == PF_TOGGLE:
        return bool(value)
    if kind in (PF_INT8, PF_INT16, PF_INT32):
        return int(str(value))
    if kind == PF_FLOAT:
        return float(str(value))
    if kind in (PF_STRING, PF_TEXT):
        return str(value)
    if kind in (PF_LAYER, PF_DRAWABLE):
        return value  # gimpui's selector: the chosen item, None while none is set
    raise error("the stub's dialog has no widget for PF type %d" % kind)


def main():
    gimp.main(None, None, _query, _run)


def fail(msg):
    """Shows msg in GIMP and stops the plug-in with gimpfu.error."""
    gimp.message(msg)
    raise error(msg)
