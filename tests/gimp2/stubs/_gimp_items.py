"""Images and the items in them: layers, layer groups, channels (selection, masks), parasites.

Each operation on an item that is part of an image is recorded on the image's undo stack with a
function that reverts it, as the GIMP core does; items not yet in an image have no undo.
"""
from gimpenums import (ADD_MASK_ALPHA, ADD_MASK_BLACK, ADD_MASK_SELECTION, ADD_MASK_WHITE,
                       GRAY, GRAY_IMAGE, GRAYA_IMAGE, INDEXED, INDEXEDA_IMAGE, LAYER_MODE_NORMAL,
                       MASK_APPLY, MASK_DISCARD, MAX_IMAGE_SIZE, MIN_IMAGE_SIZE,
                       PARASITE_PERSISTENT, PARASITE_UNDOABLE, PRECISION_U8_GAMMA, RGB,
                       RGB_IMAGE, RGBA_IMAGE)
from _gimp_core import (BASE_TYPE, BPP, OMITTED, TEXT, WITH_ALPHA, UndoStack, as_double,
                        as_instance, as_int, as_string, core, error, journal)
from _gimp_pixels import PixelRgn


# ---- parasites ----

class Parasite(object):
    """gimp.Parasite(name, flags, data): data is a byte string."""

    def __init__(self, name, flags, data):
        self._name = as_string(name, "name")
        self._flags = as_int(flags, "flags")
        self._data = as_string(data, "data")

    name = property(lambda self: self._name)
    flags = property(lambda self: self._flags)
    data = property(lambda self: self._data)
    is_persistent = property(lambda self: bool(self._flags & PARASITE_PERSISTENT))
    is_undoable = property(lambda self: bool(self._flags & PARASITE_UNDOABLE))

    def copy(self):
        return Parasite(self._name, self._flags, self._data)

    def is_type(self, name):
        return self._name == name

    def has_flag(self, flag):
        return bool(self._flags & flag)

    def __str__(self):
        return self._data


class _ParasiteOwner(object):
    """parasite_find/attach/attach_new_parasite/detach/list, shared by images and drawables."""

    _nul_quirk = 0  # drawable.attach_new_parasite stores the trailing NUL too (2.10 quirk)

    def parasite_find(self, name):
        found = self._parasites.get(as_string(name, "name"))
        return found.copy() if found else None

    def parasite_attach(self, parasite):
        self._attach(as_instance(parasite, Parasite, "parasite").copy())

    def attach_new_parasite(self, name, flags, data):
        data = as_string(data, "data") + "\0" * self._nul_quirk
        self._attach(Parasite(name, flags, data))

    def parasite_detach(self, name):
        name = as_string(name, "name")
        old = self._parasites.pop(name, None)
        if old is not None and old.is_undoable:
            self._record("Detach Parasite", lambda: self._parasites.__setitem__(name, old))

    def parasite_list(self):
        return tuple(sorted(self._parasites))

    def _attach(self, parasite):
        old = self._parasites.get(parasite.name)
        self._parasites[parasite.name] = parasite
        journal("parasite", owner=self.ID, name=parasite.name)
        if parasite.is_undoable:
            self._record("Attach Parasite", lambda: self._restore_parasite(parasite.name, old))

    def _restore_parasite(self, name, old):
        if old is None:
            self._parasites.pop(name, None)
        else:
            self._parasites[name] = old


# ---- images ----

class Image(_ParasiteOwner):
    """gimp.Image(width, height, type=RGB)."""

    def __init__(self, width, height, type=RGB):
        width, height = as_int(width, "width"), as_int(height, "height")
        type = as_int(type, "type")
        if not (MIN_IMAGE_SIZE <= width <= MAX_IMAGE_SIZE and
                MIN_IMAGE_SIZE <= height <= MAX_IMAGE_SIZE) or type not in (RGB, GRAY, INDEXED):
            raise error("could not create image")
        self.ID = core.new_id()
        self._size = (width, height)
        self._base_type = type
        self._children = []
        self._parasites = {}
        self._undo = UndoStack()
        self._active = None
        self._selection = Channel._new(self, "Selection Mask", width, height)
        self._selection._is_selection = True
        core.images.append(self)
        journal("new_image", image=self.ID, size=[width, height], type=type)

    width = property(lambda self: self._size[0])
    height = property(lambda self: self._size[1])
    base_type = property(lambda self: self._base_type)
    precision = property(lambda self: PRECISION_U8_GAMMA)
    layers = property(lambda self: list(self._children))
    selection = property(lambda self: self._selection)
    filename = property(lambda self: None)
    # gimp_image_get_name: the file's base name, else "Untitled" (a new image has no file)
    name = property(lambda self: "Untitled")

    def _get_active(self):
        return self._active

    def _set_active(self, layer):
        if not isinstance(layer, Layer):
            raise TypeError("type mismatch")
        if not layer._attached():
            raise error("could not set active layer (ID %d) on image (ID %d)" % (layer.ID, self.ID))
        self._active = layer

    active_layer = property(_get_active, _set_active)
    active_drawable = property(_get_active)

    def insert_layer(self, layer, parent=OMITTED, position=-1):
        """parent, when given, must be a layer (a group): None is refused as pygimp's "O!" does."""
        layer = as_instance(layer, Layer, "argument 1 (layer)")
        parent = None if parent is OMITTED else as_instance(parent, Layer, "argument 2 (parent)")
        self._insert(layer, parent, as_int(position, "position"), "insert")

    def add_layer(self, layer, position=-1):
        self._insert(as_instance(layer, Layer, "argument 1 (layer)"), None,
                     as_int(position, "position"), "add")

    def remove_layer(self, layer):
        layer = as_instance(layer, Layer, "argument 1 (layer)")
        if layer.image is not self or not layer._attached():
            raise error("could not remove layer (ID %d) from image (ID %d)" % (layer.ID, self.ID))
        siblings, index, active = layer._siblings(), layer._siblings().index(layer), self._active
        self._unlink(layer)
        self._record("Remove Layer", lambda: self._link(layer, siblings, index, active))

    def undo_group_start(self):
        self._undo.group_start()
        journal("undo_group_start", image=self.ID)

    def undo_group_end(self):
        if not self._undo.group_end():
            raise error("could not end undo group on image (ID %d)" % self.ID)
        journal("undo_group_end", image=self.ID)

    def _insert(self, layer, parent, position, verb):
        """The layer must be of the image's base type here, not when made (real GIMP 2.10)."""
        if layer.image is not self or layer._attached() or layer._is_mask or \
                BASE_TYPE[layer.type] != self._base_type:
            raise error("could not %s layer (ID %d) to image (ID %d)" % (verb, layer.ID, self.ID))
        if parent is not None and (not isinstance(parent, GroupLayer) or parent.image is not self
                                   or not parent._attached()):
            raise error("could not %s layer (ID %d) to image (ID %d)" % (verb, layer.ID, self.ID))
        siblings, index = self._insert_place(parent, position)
        active = self._active
        self._link(layer, siblings, index, layer)
        journal("insert_layer", image=self.ID, layer=layer.ID, name=layer.name)
        self._record("Add Layer", lambda: self._unlink(layer, active))

    def _insert_place(self, parent, position):
        """(sibling list, index): position -1 without a parent means above the active layer."""
        if parent is None and position == -1 and self._active is not None:
            siblings = self._active._siblings()
            return siblings, siblings.index(self._active)
        siblings = parent._children if parent is not None else self._children
        return siblings, min(max(position, 0), len(siblings))

    def _link(self, layer, siblings, index, active):
        siblings.insert(index, layer)
        layer._parent_list = siblings
        self._active = active

    def _unlink(self, layer, active=None):
        layer._parent_list.remove(layer)
        layer._parent_list = None
        self._active = active if active is not None and active._attached() else self._top()

    def _top(self):
        return self._children[0] if self._children else None

    def _record(self, description, revert):
        self._undo.push(description, revert)

    def _parent_of(self, item):
        for group in self._all_layers():
            if isinstance(group, GroupLayer) and item in group._children:
                return group
        return None

    def _all_layers(self):
        pending, found = list(self._children), []
        while pending:
            layer = pending.pop(0)
            found.append(layer)
            pending[0:0] = getattr(layer, "_children", [])
        return found


# ---- drawables ----

class Drawable(_ParasiteOwner):
    """What layers and channels share: pixels, offsets, selection bounds, pixel regions."""

    _nul_quirk = 1
    _is_mask = False
    _is_selection = False

    def _setup(self, image, name, width, height, type):
        if not (MIN_IMAGE_SIZE <= width <= MAX_IMAGE_SIZE and
                MIN_IMAGE_SIZE <= height <= MAX_IMAGE_SIZE):
            raise error("could not create %dx%d drawable '%s' of type %d on image (ID %d)"
                        % (width, height, name, type, image.ID))
        self.ID = core.new_id()
        self._image = image
        self._name = name
        self._size = (width, height)
        self._type = type
        self._offsets = (0, 0)
        self._pixels = bytearray(width * height * BPP[type])
        self._shadow = None
        self._parasites = {}
        self._visible = True

    width = property(lambda self: self._size[0])
    height = property(lambda self: self._size[1])
    bpp = property(lambda self: BPP[self._type])
    type = property(lambda self: self._type)
    type_with_alpha = property(lambda self: WITH_ALPHA.get(self._type, self._type))
    has_alpha = property(lambda self: self._type in (RGBA_IMAGE, GRAYA_IMAGE, INDEXEDA_IMAGE))
    is_rgb = property(lambda self: BASE_TYPE[self._type] == RGB)
    is_gray = property(lambda self: BASE_TYPE[self._type] == GRAY)
    is_grey = is_gray
    is_layer_mask = property(lambda self: self._is_mask)
    image = property(lambda self: self._image)
    offsets = property(lambda self: self._offsets)

    def _get_name(self):
        return self._name

    def _set_name(self, value):
        if not isinstance(value, (str, TEXT)):
            raise TypeError("type mismatch")
        old, self._name = self._name, as_string(value, "name")
        self._record("Rename Item", lambda: setattr(self, "_name", old))

    name = property(_get_name, _set_name)

    def _get_visible(self):
        return self._visible

    def _set_visible(self, value):
        self._visible = bool(as_int(value, "visible"))

    visible = property(_get_visible, _set_visible)

    @property
    def mask_bounds(self):
        """(x1, y1, x2, y2) in drawable coordinates, the whole drawable without a selection."""
        found = self._selection_overlap()
        if found is None:
            return (0, 0) + self._size
        x1, y1, x2, y2 = found
        width, height = self._size
        return (min(max(x1, 0), width), min(max(y1, 0), height),
                min(max(x2, 0), width), min(max(y2, 0), height))

    def mask_intersect(self):
        """(x, y, width, height) of selection and drawable; gimp.error when they do not meet."""
        meet, rect = self._intersection()
        if not meet:
            raise error("could not get selection bounds of drawable (ID %d)" % self.ID)
        return rect

    def _intersection(self):
        """(whether selection and drawable meet, (x, y, width, height)) as the core computes it:
        where they do not meet, the width or height is zero or negative (real GIMP 2.10)."""
        found = self._selection_overlap()
        width, height = self._size
        if found is None:
            return True, (0, 0, width, height)
        x1, y1 = max(found[0], 0), max(found[1], 0)
        x2, y2 = min(found[2], width), min(found[3], height)
        return x2 > x1 and y2 > y1, (x1, y1, x2 - x1, y2 - y1)

    def _selection_overlap(self):
        """The selection's bounds in this drawable's coordinates, None when nothing is selected."""
        bounds = self._image._selection._nonzero_bounds()
        if bounds is None or self._is_selection:
            return None
        ox, oy = self._offsets
        return (bounds[0] - ox, bounds[1] - oy, bounds[2] - ox, bounds[3] - oy)

    def get_pixel_rgn(self, x, y, width, height, dirty=True, shadow=False):
        return PixelRgn(self, as_int(x, "x"), as_int(y, "y"), as_int(width, "width"),
                        as_int(height, "height"), as_int(dirty, "dirty"), as_int(shadow, "shadow"))

    def flush(self):
        """Tiles reach the core as they are written in this stand-in, so there is nothing left."""

    def update(self, x, y, width, height):
        for value, what in ((x, "x"), (y, "y"), (width, "w"), (height, "h")):
            as_int(value, what)

    def free_shadow(self):
        self._shadow = None

    def merge_shadow(self, undo=False):
        """Applies the shadow within the selection (as filters do), with undo when asked."""
        undo = as_int(undo, "undo")
        if self._shadow is None:
            raise error("could not merge the shadow buffer on drawable (ID %d)" % self.ID)
        x, y, width, height = self.mask_intersect()
        before = bytearray(self._read(x, y, width, height, False))
        weights = self._selection_weights(x, y, width, height)
        shadow = bytearray(self._read(x, y, width, height, True))
        bpp = self.bpp
        merged = bytearray(before)
        for i in range(len(merged)):
            weight = weights[i // bpp]
            merged[i] = (shadow[i] * weight + before[i] * (255 - weight) + 127) // 255
        self._write(x, y, width, height, bytes(merged), False)
        if undo:
            self._record("Plug-in", lambda: self._write(x, y, width, height, bytes(before),
                                                        False))

    def _selection_weights(self, x, y, width, height):
        selection = self._image._selection
        if selection._nonzero_bounds() is None:
            return bytearray([255]) * (width * height)
        ox, oy = self._offsets
        return bytearray(selection._sample(x + ox, y + oy, width, height))

    def _buffer(self, shadow):
        if shadow and self._shadow is None:
            self._shadow = bytearray(len(self._pixels))
        return self._shadow if shadow else self._pixels

    def _read(self, x, y, width, height, shadow):
        buffer, row = self._buffer(shadow), self.bpp * self._size[0]
        start = self.bpp * x
        span = self.bpp * width
        return b"".join(bytes(buffer[(y + j) * row + start:(y + j) * row + start + span])
                        for j in range(height))

    def _write(self, x, y, width, height, data, shadow):
        buffer, row = self._buffer(shadow), self.bpp * self._size[0]
        start, span = self.bpp * x, self.bpp * width
        for j in range(height):
            begin = (y + j) * row + start
            buffer[begin:begin + span] = data[j * span:(j + 1) * span]
        if not shadow and self._attached():
            journal("pixels", drawable=self.ID, rect=[x, y, width, height])

    def _attached(self):
        raise NotImplementedError

    def _record(self, description, revert):
        if self._attached():
            self._image._record(description, revert)


class Layer(Drawable):
    """gimp.Layer(image, name, width, height, type=RGB_IMAGE, opacity=100.0, mode=NORMAL)."""

    def __init__(self, image, name, width, height, type=RGB_IMAGE, opacity=100.0,
                 mode=LAYER_MODE_NORMAL):
        image = as_instance(image, Image, "argument 1 (image)")
        name = as_string(name, "argument 2 (name)")
        width, height = as_int(width, "width"), as_int(height, "height")
        type, mode = as_int(type, "type"), as_int(mode, "mode")
        opacity = as_double(opacity, "opacity")
        # GIMP 2.10 makes a layer of any known type in any image (an RGB layer in a gray one).
        if type not in BASE_TYPE or not 0.0 <= opacity <= 100.0:
            raise error("could not create %dx%d layer '%s' of type %d on image (ID %d)"
                        % (width, height, name, type, image.ID))
        self._setup(image, name, width, height, type)
        self._opacity = opacity
        self._mode = mode
        self._mask = None
        self._parent_list = None

    mask = property(lambda self: self._mask)
    mode = property(lambda self: self._mode)
    opacity = property(lambda self: self._opacity)
    is_floating_sel = property(lambda self: False)

    def set_offsets(self, offset_x, offset_y):
        self._move(as_int(offset_x, "offset_x"), as_int(offset_y, "offset_y"))

    def translate(self, offset_x, offset_y):
        ox, oy = self._offsets
        self._move(ox + as_int(offset_x, "offset_x"), oy + as_int(offset_y, "offset_y"))

    def create_mask(self, type):
        """A new mask channel the layer's size, not yet added; from the selection or a fill."""
        type = as_int(type, "type")
        if type not in (ADD_MASK_WHITE, ADD_MASK_BLACK, ADD_MASK_ALPHA, ADD_MASK_SELECTION):
            raise error("could not create mask of type %d on layer (ID %d)" % (type, self.ID))
        mask = Channel._new(self._image, self._name + " mask", *self._size)
        mask._pixels = self._initial_mask(type)
        mask._is_mask = True
        mask._owner = self
        return mask

    def add_mask(self, mask):
        mask = as_instance(mask, Channel, "argument 1 (mask)")
        if (self._mask is not None or getattr(mask, "_owner", None) is not self or
                mask._size != self._size or mask._layer is not None):
            raise error("could not add mask (ID %d) to layer (ID %d)" % (mask.ID, self.ID))
        self._set_mask(mask)
        journal("add_mask", layer=self.ID, mask=mask.ID)
        self._record("Add Layer Mask", lambda: self._set_mask(None))

    def remove_mask(self, mode):
        mode = as_int(mode, "mode")
        if self._mask is None or mode not in (MASK_APPLY, MASK_DISCARD):
            raise error("could not remove mask from layer (ID %d) with mode %d" % (self.ID, mode))
        mask, pixels = self._mask, bytes(self._pixels)
        if mode == MASK_APPLY:
            self._apply_mask(mask)
        self._set_mask(None)
        self._record("Delete Layer Mask", lambda: self._restore_mask(mask, pixels))

    def _initial_mask(self, type):
        count = self._size[0] * self._size[1]
        if type == ADD_MASK_SELECTION:
            selection = self._image._selection
            if selection._nonzero_bounds() is None:
                return bytearray(count)
            return bytearray(selection._sample(self._offsets[0], self._offsets[1], *self._size))
        if type == ADD_MASK_ALPHA and self.has_alpha:
            return bytearray(self._pixels[self.bpp - 1::self.bpp])
        return bytearray([0 if type == ADD_MASK_BLACK else 255]) * count

    def _apply_mask(self, mask):
        if not self.has_alpha:
            return
        bpp = self.bpp
        for i, weight in enumerate(mask._pixels):
            self._pixels[i * bpp + bpp - 1] = self._pixels[i * bpp + bpp - 1] * weight // 255

    def _set_mask(self, mask):
        if self._mask is not None:
            self._mask._layer = None
        self._mask = mask
        if mask is not None:
            mask._layer = self

    def _restore_mask(self, mask, pixels):
        self._pixels[:] = pixels
        self._set_mask(mask)

    def _move(self, x, y):
        old = self._offsets
        self._offsets = (x, y)
        self._record("Move Layer", lambda: setattr(self, "_offsets", old))

    def _attached(self):
        return self._parent_list is not None

    def _siblings(self):
        return self._parent_list


class GroupLayer(Layer):
    """gimp.GroupLayer(image, name="", opacity=100.0, mode=NORMAL): a container of layers."""

    def __init__(self, image, name="", opacity=100.0, mode=LAYER_MODE_NORMAL):
        image = as_instance(image, Image, "argument 1 (image)")
        Layer.__init__(self, image, name, image.width, image.height,
                       {RGB: RGBA_IMAGE, GRAY: GRAYA_IMAGE}.get(image.base_type, INDEXEDA_IMAGE),
                       opacity, mode)
        self._children = []

    layers = property(lambda self: list(self._children))
    # A group is as large as what it holds: 1x1 at (0, 0) while empty (real GIMP 2.10).
    width = property(lambda self: self._bounds()[2] - self._bounds()[0])
    height = property(lambda self: self._bounds()[3] - self._bounds()[1])
    offsets = property(lambda self: self._bounds()[:2])

    def _bounds(self):
        """(x1, y1, x2, y2) around the children, in image coordinates."""
        if not self._children:
            return (0, 0, 1, 1)
        boxes = [child.offsets + (child.offsets[0] + child.width,
                                  child.offsets[1] + child.height) for child in self._children]
        return tuple(f(box[i] for box in boxes) for i, f in enumerate((min, min, max, max)))

    def get_pixel_rgn(self, *args, **kwargs):
        raise error("layer groups have no pixels of their own (ID %d)" % self.ID)


class Channel(Drawable):
    """Selection masks and layer masks: one byte a pixel, 0 unselected .. 255 selected."""

    def __init__(self, *args, **kwargs):
        raise TypeError("gimp.Channel() is not modelled by the stub; use create_mask")

    @classmethod
    def _new(cls, image, name, width, height):
        channel = cls.__new__(cls)
        channel._setup(image, name, width, height, GRAY_IMAGE)
        channel._layer = None
        return channel

    # A mask takes its layer's offsets once added; before that it sits at (0, 0) (real GIMP 2.10).
    offsets = property(lambda self: self._layer._offsets if self._layer is not None
                       else self._offsets)

    def _attached(self):
        return self._is_selection or (self._layer is not None and self._layer._attached())

    def _nonzero_bounds(self):
        """(x1, y1, x2, y2) around every non-zero value, x2/y2 exclusive; None when all zero."""
        width, height = self._size
        rows = [y for y in range(height) if any(self._pixels[y * width:(y + 1) * width])]
        if not rows:
            return None
        columns = [x for x in range(width) if any(self._pixels[x::width])]
        return (columns[0], rows[0], columns[-1] + 1, rows[-1] + 1)

    def _sample(self, x, y, width, height):
        """Values of the region at (x, y) in this channel's coordinates, 0 outside it."""
        own_width, own_height = self._size
        out = bytearray(width * height)
        for j in range(height):
            for i in range(width):
                px, py = x + i, y + j
                if 0 <= px < own_width and 0 <= py < own_height:
                    out[j * width + i] = self._pixels[py * own_width + px]
        return bytes(out)

    def _replace(self, values):
        old = bytes(self._pixels)
        self._pixels[:] = values
        journal("selection", image=self._image.ID)
        self._record("Selection", lambda: self._pixels.__setitem__(slice(None), old))
