"""Test spy for the real-GIMP tests; Python loads it in every process GIMP starts during them.

GIMP 3.0 offers scripts no way to undo or to read the undo stack, so the tests check the undo
promise from the other side: inside the Inceptionism plug-in only, every call that can change an
image is appended, in order, to the file named by INCEPTIONISM_E2E_TRACE. Each line is
"method target-id [argument-ids]"; the tests check that all of them sit inside one undo group.
"""
import os
import sys

TRACE = os.environ.get("INCEPTIONISM_E2E_TRACE")
CHANGING = ("set_", "insert_", "remove_", "add_", "attach_", "detach_", "reorder_", "raise_",
            "lower_", "merge_", "fill", "edit_", "undo_group_", "select_", "resize", "scale",
            "crop", "flatten", "convert_", "offset", "delete", "all", "none", "invert", "feather",
            "grow", "shrink", "border", "sharpen", "flood", "float", "translate")


def ids(values):
    return [str(value.get_id()) for value in values if hasattr(value, "get_id")]


def spy(cls, name):
    original = getattr(cls, name)

    def recorded(*args, **kwargs):
        with open(TRACE, "a") as trace:
            trace.write(" ".join([name] + ids(args)) + "\n")
        return original(*args, **kwargs)
    setattr(cls, name, recorded)  # called on an instance or, for Selection, on the class


def install():
    import gi
    gi.require_version("Gimp", "3.0")
    from gi.repository import Gimp
    for cls in (Gimp.Image, Gimp.Item, Gimp.Drawable, Gimp.Layer, Gimp.Channel, Gimp.Selection):
        for name in list(vars(cls)):
            if name.startswith(CHANGING):
                spy(cls, name)


if TRACE and sys.argv and sys.argv[0].endswith("inceptionism-gimp3.py"):
    install()
