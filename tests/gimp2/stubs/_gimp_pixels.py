"""gimp.PixelRgn: pygimp-tile.c's pixel regions (2.10 text), with their clamping and slicing."""
from _gimp_core import INTEGERS, as_int, error



class PixelRgn(object):
    """drawable.get_pixel_rgn(): byte strings indexed in absolute drawable coordinates."""

    def __init__(self, drawable, x, y, width, height, dirty, shadow):
        drawable_width, drawable_height = drawable.width, drawable.height
        x, y = max(x, 0), max(y, 0)
        if width < 0:
            width = drawable_width - x
        if height < 0:
            height = drawable_height - y
        x, y = min(x, drawable_width - 1), min(y, drawable_height - 1)
        width, height = min(width, drawable_width - x), min(height, drawable_height - y)
        self._drawable = drawable
        self._rect = (x, y, width, height)
        self._dirty, self._shadow = bool(dirty), bool(shadow)

    x = property(lambda self: self._rect[0])
    y = property(lambda self: self._rect[1])
    w = property(lambda self: self._rect[2])
    h = property(lambda self: self._rect[3])
    bpp = property(lambda self: self._drawable.bpp)
    rowstride = property(lambda self: self._drawable.bpp * self._rect[2])
    dirty = property(lambda self: self._dirty)
    shadow = property(lambda self: self._shadow)
    drawable = property(lambda self: self._drawable)

    def resize(self, x, y, width, height):
        self._rect = (as_int(x, "x"), as_int(y, "y"), as_int(width, "w"), as_int(height, "h"))

    def __len__(self):
        raise error("Can't get size of pixel region")

    def __getitem__(self, key):
        x1, x2, y1, y2 = self._span(key, TypeError)
        return self._drawable._read(x1, y1, x2 - x1, y2 - y1, self._shadow)

    def __setitem__(self, key, value):
        if not isinstance(value, str):
            raise TypeError("must assign string to subscript")
        x1, x2, y1, y2 = self._span(key, IndexError)
        if len(value) != self.bpp * (x2 - x1) * (y2 - y1):
            raise TypeError("string is wrong length")
        if self._dirty:
            self._drawable._write(x1, y1, x2 - x1, y2 - y1, value, self._shadow)

    def __delitem__(self, key):
        raise TypeError("can't delete subscripts")

    def _span(self, key, bad_y_after_int):
        """(x1, x2, y1, y2) for an int or slice on each axis, with pygimp's checks and errors."""
        if not isinstance(key, tuple) or len(key) != 2:
            raise TypeError("subscript must be a 2-tuple")
        x, y = key
        if isinstance(x, int):
            x1, x2 = self._index(x, self.x, self.w, "x"), x + 1
            bad_y = bad_y_after_int
        elif isinstance(x, slice):
            x1, x2 = self._slice(x, self.x, self.w, "x")
            bad_y = TypeError
        else:
            raise TypeError("invalid x subscript")
        if isinstance(y, int):
            return x1, x2, self._index(y, self.y, self.h, "y"), y + 1
        if isinstance(y, slice):
            return (x1, x2) + self._slice(y, self.y, self.h, "y")
        raise bad_y("invalid y subscript")

    @staticmethod
    def _index(value, origin, size, axis):
        if not origin <= value < origin + size:
            raise IndexError("%s subscript out of range" % axis)
        return value

    @staticmethod
    def _slice(value, origin, size, axis):
        indices = _slice_indices(value, origin + size)
        if indices is None or indices[0] >= indices[1] or indices[2] != 1:
            raise IndexError("invalid %s slice" % axis)
        start, stop = indices[0] or origin, indices[1]
        if start < origin or stop < origin:
            raise IndexError("%s subscript out of range" % axis)
        return start, stop


def _slice_indices(value, length):
    """CPython 2.7's PySlice_GetIndices: (start, stop, step), or None where it fails."""
    parts = [value.step, value.start, value.stop]
    if any(part is not None and not isinstance(part, INTEGERS) for part in parts):
        return None
    step = 1 if value.step is None else value.step
    start = (length - 1 if step < 0 else 0) if value.start is None else value.start
    stop = (-1 if step < 0 else length) if value.stop is None else value.stop
    start = start + length if value.start is not None and start < 0 else start
    stop = stop + length if value.stop is not None and stop < 0 else stop
    if stop > length or start >= length or step == 0:
        return None
    return start, stop, step
