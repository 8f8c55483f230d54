"""Test spy for the real GIMP 2.10 tests; Python 2.7 loads it (as the user's usercustomize) in
every Python process GIMP starts during them, and it acts only in the Inceptionism plug-in.

GIMP 2.10 offers plug-ins no way to undo or to read the undo stack, so the tests check the undo
promise from the plug-in's side, as the GIMP 3 tests do: every call that can change an image is
appended, in order, to $INCEPTIONISM_E2E_TRACE as "method target-id [argument-ids]". pygimp's
types are C types that refuse new attributes, so their method tables are wrapped in place.
"""
import ctypes
import gc
import os
import sys

TRACE = os.environ.get("INCEPTIONISM_E2E_TRACE")
# The GIMP 3 spy's list, and the pygimp names for the same changes.
CHANGING = ("set_", "insert_", "remove_", "add_", "attach_", "detach_", "reorder_", "raise_",
            "lower_", "merge_", "fill", "edit_", "undo_group_", "select_", "resize", "scale",
            "crop", "flatten", "convert_", "offset", "delete", "all", "none", "invert", "feather",
            "grow", "shrink", "border", "sharpen", "flood", "float", "translate", "parasite_attach",
            "parasite_detach", "attach_new_parasite", "flush", "update", "transform_", "rotate",
            "flip", "clean_all", "disable_undo", "enable_undo", "new_layer")


def ids(values):
    return [str(value.ID) for value in values if hasattr(value, "ID")]


def record(name, args):
    with open(TRACE, "a") as trace:
        trace.write(" ".join([name] + ids(args)) + "\n")


def spy(cls, name, original):
    def recorded(self, *args, **kwargs):
        record(name, (self,) + args)
        return original.__get__(self, type(self))(*args, **kwargs)
    gc.get_referents(cls.__dict__)[0][name] = recorded


class SpiedPdb(object):
    """gimp.pdb, recording the procedures that change an image or an item (their first
    argument), as the methods above do."""

    def __init__(self, pdb):
        self._pdb = pdb

    def __getattr__(self, name):
        procedure = getattr(self._pdb, name)
        short = name[len("gimp_"):] if name.startswith("gimp_") else name
        if not any(part.startswith(CHANGING) for part in _suffixes(short)):
            return procedure

        def recorded(*args, **kwargs):
            if args and hasattr(args[0], "ID"):
                record(short, args)
            return procedure(*args, **kwargs)
        return recorded

    def __getitem__(self, name):
        return self.__getattr__(name.replace("-", "_"))


def _suffixes(name):
    """image_undo_group_start -> the name and every tail of it after an underscore."""
    words = name.split("_")
    return ["_".join(words[i:]) for i in range(len(words))]


def install(gimp):
    for cls in (gimp.Image, gimp.Item, gimp.Drawable, gimp.Layer, gimp.GroupLayer, gimp.Channel):
        for name, original in list(vars(cls).items()):
            if name.startswith(CHANGING) and hasattr(original, "__get__") and \
                    type(original).__name__ == "method_descriptor":
                spy(cls, name, original)
        ctypes.pythonapi.PyType_Modified(ctypes.py_object(cls))
    gimp.pdb = SpiedPdb(gimp.pdb)


class WhenGimpIsImported(object):
    """Installs the spy as the plug-in imports gimp: Python runs usercustomize before it sets
    sys.argv, which tells the Inceptionism plug-in from GIMP's other Python processes."""

    def find_module(self, name, path=None):
        return self if name == "gimp" and path is None else None

    def load_module(self, name):
        sys.meta_path.remove(self)
        module = __import__(name)
        if sys.argv[0].endswith("inceptionism-gimp2.py"):
            install(module)
        return module


if TRACE:
    sys.meta_path.append(WhenGimpIsImported())
