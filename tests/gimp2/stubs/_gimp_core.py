"""The GIMP core behind the gimp stub: its state, its journal, undo, and pygimp's argument rules.

Python 2.7 semantics throughout: PyArg_ParseTuple's "i", "d", "s" and "O!" conversions are what
decide whether pygimp accepts a value.
"""
import json
import os

from gimpenums import (GRAY, GRAY_IMAGE, GRAYA_IMAGE, INDEXED, INDEXED_IMAGE, INDEXEDA_IMAGE, RGB,
                       RGB_IMAGE, RGBA_IMAGE)

TEXT = type(u"")
INTEGERS = (int, type(2 ** 64))  # int and long: what PyArg "i" takes

BPP = {RGB_IMAGE: 3, RGBA_IMAGE: 4, GRAY_IMAGE: 1, GRAYA_IMAGE: 2, INDEXED_IMAGE: 1,
       INDEXEDA_IMAGE: 2}
BASE_TYPE = {RGB_IMAGE: RGB, RGBA_IMAGE: RGB, GRAY_IMAGE: GRAY, GRAYA_IMAGE: GRAY,
             INDEXED_IMAGE: INDEXED, INDEXEDA_IMAGE: INDEXED}
WITH_ALPHA = {RGB_IMAGE: RGBA_IMAGE, GRAY_IMAGE: GRAYA_IMAGE, INDEXED_IMAGE: INDEXEDA_IMAGE}
OMITTED = object()  # tells an omitted optional argument from an explicit None


class error(RuntimeError):
    """gimp.error: what pygimp raises when libgimp or the core reports a failure."""



def as_int(value, what):
    """Format "i": int, long or bool; a float is a TypeError in 2.7."""
    if isinstance(value, float):
        raise TypeError("integer argument expected, got float (%s)" % what)
    if not isinstance(value, INTEGERS):
        raise TypeError("%s: an integer is required, not %s" % (what, type(value).__name__))
    return int(value)


def as_double(value, what):
    """Format "d": any int or float."""
    if not isinstance(value, INTEGERS + (float,)):
        raise TypeError("%s: a float is required, not %s" % (what, type(value).__name__))
    return float(value)


def as_string(value, what):
    """Format "s"/"s#": a str, or a unicode the default ASCII codec can encode."""
    if isinstance(value, TEXT):
        return value.encode("ascii")
    if not isinstance(value, str):
        raise TypeError("%s must be string, not %s" % (what, type(value).__name__))
    return value


def as_instance(value, cls, what):
    """Format "O!": exactly an instance of the pygimp type (None is not one)."""
    if not isinstance(value, cls):
        raise TypeError("%s must be %s, not %s" % (what, cls.__name__, type(value).__name__))
    return value


# ---- the core's state ----

class _Core(object):
    """What lives in the GIMP process rather than in the plug-in."""

    def __init__(self):
        self.last_id = 0
        self.messages = []
        self.progress = []
        self.installed = {}
        self.images = []
        self.displays = []
        self.data = {}
        self.pending = None
        self.result = None

    def new_id(self):
        self.last_id += 1
        return self.last_id


core = _Core()


def journal(event, **fields):
    """Appends a core event to $GIMP_STUB_JOURNAL at once, so a killed plug-in leaves a record."""
    path = os.environ.get("GIMP_STUB_JOURNAL")
    if path:
        fields["event"] = event
        with open(path, "a") as handle:
            handle.write(json.dumps(fields) + "\n")


class UndoStack(object):
    """The image's undo history: steps of operations, each with a function that reverts it."""

    def __init__(self):
        self.steps = []
        self.depth = 0
        self.open_group = None

    def push(self, description, revert):
        if self.depth:
            self.open_group.append((description, revert))
        else:
            self.steps.append({"group": False, "ops": [(description, revert)]})

    def group_start(self):
        self.depth += 1
        if self.depth == 1:
            self.open_group = []

    def group_end(self):
        if not self.depth:
            return False
        self.depth -= 1
        if not self.depth:
            if self.open_group:
                self.steps.append({"group": True, "ops": self.open_group})
            self.open_group = None
        return True

    def undo(self):
        step = self.steps.pop()
        for _, revert in reversed(step["ops"]):
            revert()
