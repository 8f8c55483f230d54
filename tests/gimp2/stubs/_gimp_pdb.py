"""gimp.pdb: the few PDB procedures a filter plug-in (and its tests) call, with pygimp's
calling rules: positional arguments of the declared types, one value back, or a tuple of them.
"""
import math

import gimpenums as _enums
from gimpenums import INDEXED
from _gimp_core import BASE_TYPE, INTEGERS, core, error
from _gimp_items import Drawable, GroupLayer, Image, Layer


def _item_parent(item):
    return item.image._parent_of(item)


def _mask_intersect(drawable):
    meet, rect = drawable._intersection()
    return (int(meet),) + rect


def _selection_bounds(image):
    bounds = image._selection._nonzero_bounds()
    return (0, 0, 0, image.width, image.height) if bounds is None else (1,) + bounds


def _position(image, item):
    if not isinstance(item, Layer) or not item._attached():
        raise error("Item '%s' (%d) can not be used because it has not been added to an image"
                    % (item.name, item.ID))
    return item._siblings().index(item)


def _select(image, operation, shape):
    """Combines a new shape (a byte a pixel) with the selection by a GimpChannelOps operation."""
    current = image._selection._pixels
    combine = {_enums.CHANNEL_OP_ADD: max, _enums.CHANNEL_OP_REPLACE: lambda old, new: new,
               _enums.CHANNEL_OP_SUBTRACT: lambda old, new: max(old - new, 0),
               _enums.CHANNEL_OP_INTERSECT: min}[operation]
    image._selection._replace(bytearray(combine(old, new) for old, new in zip(current, shape)))


def _shape(image, inside):
    return bytearray(255 if inside(x + 0.5, y + 0.5) else 0
                     for y in range(image.height) for x in range(image.width))


def _select_rectangle(image, operation, x, y, width, height):
    _select(image, operation, _shape(image, lambda px, py: x <= px < x + width and
                                     y <= py < y + height))


def _select_ellipse(image, operation, x, y, width, height):
    cx, cy, rx, ry = x + width / 2.0, y + height / 2.0, width / 2.0, height / 2.0
    _select(image, operation, _shape(image, lambda px, py: ((px - cx) / rx) ** 2 +
                                     ((py - cy) / ry) ** 2 <= 1.0))


def _feather(image, radius):
    """A Gaussian blur of the selection (sigma = radius / 2), zero beyond the image."""
    selection = image._selection
    values = [float(v) for v in selection._pixels]
    width, height = selection.width, selection.height
    kernel = _gaussian(radius / 2.0)
    values = _blur(values, width, height, kernel, 1, width)
    values = _blur(values, width, height, kernel, width, height)
    selection._replace(bytearray(int(round(min(max(v, 0.0), 255.0))) for v in values))


def _gaussian(sigma):
    reach = max(int(sigma * 3), 1)
    weights = [math.exp(-(i * i) / (2.0 * sigma * sigma)) for i in range(-reach, reach + 1)]
    total = sum(weights)
    return [(i - reach, w / total) for i, w in enumerate(weights)]


def _blur(values, width, height, kernel, stride, extent):
    """One pass of a separable blur along rows (stride 1) or columns (stride width)."""
    out = [0.0] * len(values)
    for index in range(len(values)):
        along = (index % width) if stride == 1 else (index // width)
        out[index] = sum(w * values[index + d * stride] for d, w in kernel
                         if 0 <= along + d < extent)
    return out


KIND_IMAGE, KIND_ITEM, KIND_DRAWABLE = "image", "item", "drawable"
KIND_INT, KIND_FLOAT, KIND_STRING = "int", "float", "str"
_RECTANGLE = (KIND_IMAGE, KIND_INT, KIND_FLOAT, KIND_FLOAT, KIND_FLOAT, KIND_FLOAT)

# name: (argument kinds, function); a function's return value is the PDB's return values.
_PROCEDURES = {
    "gimp-selection-is-empty": ((KIND_IMAGE,), lambda image: int(
        image._selection._nonzero_bounds() is None)),
    "gimp-selection-bounds": ((KIND_IMAGE,), _selection_bounds),
    "gimp-selection-none": ((KIND_IMAGE,), lambda image: image._selection._replace(
        bytearray(image.width * image.height))),
    "gimp-selection-all": ((KIND_IMAGE,), lambda image: image._selection._replace(
        bytearray([255]) * (image.width * image.height))),
    "gimp-selection-feather": ((KIND_IMAGE, KIND_FLOAT), _feather),
    "gimp-image-select-rectangle": (_RECTANGLE, _select_rectangle),
    "gimp-image-select-ellipse": (_RECTANGLE, _select_ellipse),
    "gimp-item-get-parent": ((KIND_ITEM,), _item_parent),
    "gimp-item-is-group": ((KIND_ITEM,), lambda item: int(isinstance(item, GroupLayer))),
    "gimp-item-is-layer": ((KIND_ITEM,), lambda item: int(isinstance(item, Layer))),
    "gimp-item-is-layer-mask": ((KIND_ITEM,), lambda item: int(item._is_mask)),
    "gimp-drawable-is-indexed": ((KIND_DRAWABLE,), lambda d: int(BASE_TYPE[d.type] == INDEXED)),
    "gimp-drawable-mask-intersect": ((KIND_DRAWABLE,), _mask_intersect),
    "gimp-image-get-item-position": ((KIND_IMAGE, KIND_ITEM), _position),
    "gimp-image-undo-group-start": ((KIND_IMAGE,), Image.undo_group_start),
    "gimp-image-undo-group-end": ((KIND_IMAGE,), Image.undo_group_end),
    "gimp-progress-set-text": ((KIND_STRING,), lambda text: core.progress.append(("text", text))),
}


class _Procedure(object):
    def __init__(self, name, kinds, function):
        self.proc_name, self._kinds, self._function = name, kinds, function

    def __call__(self, *args, **kwargs):
        if kwargs:
            raise TypeError("only 'run_mode' keyword argument accepted")
        if len(args) != len(self._kinds):
            raise TypeError("wrong number of parameters")
        for value, kind in zip(args, self._kinds):
            check_pdb_value(value, kind)
        try:
            return self._function(*args)
        except (KeyError, ValueError, error) as failure:
            raise error("Procedure '%s' returned no return values: %s" % (self.proc_name, failure))


def check_pdb_value(value, kind):
    accepted = {KIND_IMAGE: (Image,), KIND_ITEM: (Drawable,), KIND_DRAWABLE: (Drawable,),
                KIND_INT: INTEGERS,
                KIND_FLOAT: INTEGERS + (float,), KIND_STRING: (str,)}[kind]
    if not isinstance(value, accepted) or (kind == KIND_INT and isinstance(value, float)):
        raise TypeError("wrong parameter type")


# GIMP's PDB type numbers -> what pygimp accepts for them.
_PDB_TYPE_KINDS = {_enums.PDB_INT32: KIND_INT, _enums.PDB_INT16: KIND_INT,
                   _enums.PDB_INT8: KIND_INT, _enums.PDB_FLOAT: KIND_FLOAT,
                   _enums.PDB_STRING: KIND_STRING, _enums.PDB_IMAGE: KIND_IMAGE,
                   _enums.PDB_DRAWABLE: KIND_DRAWABLE, _enums.PDB_LAYER: KIND_DRAWABLE,
                   _enums.PDB_ITEM: KIND_ITEM}


def passed_value(value, definition):
    """What the PDB hands a plug-in for a value of a declared (type, name, ...) (ints stay ints)."""
    pdb_type, name = definition[0], definition[1]
    if value is None and _PDB_TYPE_KINDS[pdb_type] in (KIND_DRAWABLE, KIND_ITEM):
        return None  # no item: GIMP passes ID -1, which pygimp_param_to_tuple makes None
    try:
        check_pdb_value(value, _PDB_TYPE_KINDS[pdb_type])
    except TypeError:
        raise TypeError("argument %s: %r is not a valid PDB type %d" % (name, value, pdb_type))
    return float(value) if pdb_type == _enums.PDB_FLOAT else value


def returned_values(returned, declared):
    """What GIMP gets back from a run (pygimp_param_from_tuple): nothing when no return values
    are declared, else a tuple of them (a lone value for one), checked; items become IDs."""
    if not declared:
        return []
    if not isinstance(returned, tuple) and len(declared) == 1:
        returned = (returned,)
    if not isinstance(returned, tuple) or len(returned) != len(declared):
        raise TypeError("wrong number of parameters")
    for value, definition in zip(returned, declared):
        check_pdb_value(value, _PDB_TYPE_KINDS[definition[0]])
    return [getattr(value, "ID", value) for value in returned]


class _Pdb(object):
    """gimp.pdb: procedures by attribute (underscores become hyphens) or by item."""

    def __getitem__(self, name):
        if name not in _PROCEDURES:
            raise KeyError(name)
        return _Procedure(name, *_PROCEDURES[name])

    def __getattr__(self, name):
        try:
            return self[name.replace("_", "-")]
        except KeyError:
            raise AttributeError("procedure '%s' is not modelled by the stub" % name)


pdb = _Pdb()
