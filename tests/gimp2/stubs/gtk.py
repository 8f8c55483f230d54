"""A strict stand-in for PyGTK 2.24's gtk: the widgets a GIMP 2.10 plug-in dialog is built of.

Signatures and keyword names follow the PyGTK 2.24 reference; the behaviours the tests rely on
follow GTK 2.24: set_active and set_value emit "changed", "toggled" and "value-changed" only when
the state changes; an Adjustment clamps its value to [lower, upper - page_size]; a Scale rounds
to its digits only what a user drags, not what the program sets; a Dialog's response buttons
are made from its buttons tuple, and set_response_sensitive greys them out. Only what the
plug-in's dialog uses is modelled; anything else is absent rather than guessed.

Names starting with `stub_` are test hooks: stub_user(dialog) plays the artist while Dialog.run()
waits, and returns the response (it clicks buttons itself, or returns an id).
"""
import types

import gobject

RESPONSE_NONE, RESPONSE_REJECT, RESPONSE_ACCEPT, RESPONSE_DELETE_EVENT = -1, -2, -3, -4
RESPONSE_OK, RESPONSE_CANCEL, RESPONSE_CLOSE = -5, -6, -7
STOCK_OK, STOCK_CANCEL = "gtk-ok", "gtk-cancel"
_INTEGERS = (int, type(2 ** 64))  # int and long
EXPAND, SHRINK, FILL = 1, 2, 4

stub_user = None


class Object(gobject.GObject):
    _signals = ("destroy",)


class Widget(Object):
    _signals = ("show", "hide")

    def __init__(self):
        self._sensitive, self._visible, self._name, self._parent = True, False, None, None
        self._tooltip, self._destroyed = None, False

    def show(self):
        self._visible = True

    def hide(self):
        self._visible = False

    def show_all(self):
        self.show()

    def set_sensitive(self, sensitive):
        self._sensitive = bool(sensitive)

    def get_sensitive(self):
        return self._sensitive

    def is_sensitive(self):
        """Sensitive, and so is every container it is in."""
        return self._sensitive and (self._parent is None or self._parent.is_sensitive())

    def set_tooltip_text(self, text):
        self._tooltip = _text(text, "text")

    def get_tooltip_text(self):
        return self._tooltip

    def set_name(self, name):
        self._name = _text(name, "name")

    def get_name(self):
        """The name set, else the widget's GType name (GtkLabel...), as GTK answers."""
        return self._name or "Gtk" + type(self).__name__

    def get_parent(self):
        return self._parent

    def set_size_request(self, width, height):
        _ints((width, height))

    def destroy(self):
        if not self._destroyed:
            self._destroyed = True
            self.emit("destroy")


class Container(Widget):
    _signals = ("add", "remove")

    def __init__(self):
        Widget.__init__(self)
        self._children = []

    def add(self, widget):
        self._adopt(widget)

    def remove(self, widget):
        self._children.remove(widget)
        widget._parent = None

    def get_children(self):
        return list(self._children)

    def set_border_width(self, border_width):
        _ints((border_width,))

    def show_all(self):
        for child in self._children:
            child.show_all()
        self.show()

    def _adopt(self, widget):
        if not isinstance(widget, Widget):
            raise TypeError("argument 1 must be gtk.Widget, not %s" % type(widget).__name__)
        if widget._parent is not None:  # GTK refuses with a critical warning
            raise RuntimeError("%s already has a parent" % widget.get_name())
        widget._parent = self
        self._children.append(widget)


class Bin(Container):
    def add(self, widget):
        if self._children:
            raise RuntimeError("a %s holds one child" % type(self).__name__)
        self._adopt(widget)

    def get_child(self):
        return self._children[0] if self._children else None


class Box(Container):
    def pack_start(self, child, expand=True, fill=True, padding=0):
        _ints((padding,))
        self._adopt(child)

    pack_end = pack_start


class VBox(Box):
    def __init__(self, homogeneous=False, spacing=0):
        Box.__init__(self)
        _ints((spacing,))


class HBox(VBox):
    pass


class Table(Container):
    def __init__(self, rows=1, columns=1, homogeneous=False):
        Container.__init__(self)
        _ints((rows, columns))
        self._cells = {}

    def attach(self, child, left_attach, right_attach, top_attach, bottom_attach,
               xoptions=EXPAND | FILL, yoptions=EXPAND | FILL, xpadding=0, ypadding=0):
        _ints((left_attach, right_attach, top_attach, bottom_attach, xoptions, yoptions,
               xpadding, ypadding))
        self._adopt(child)
        self._cells[child] = (left_attach, top_attach)

    def set_row_spacings(self, spacing):
        _ints((spacing,))

    set_col_spacings = set_row_spacings

    def stub_cell(self, child):
        """(column, row) where child was attached."""
        return self._cells[child]


class Misc(Widget):
    def set_alignment(self, xalign, yalign):
        _floats((xalign, yalign))

    def set_padding(self, xpad, ypad):
        _ints((xpad, ypad))


class Label(Misc):
    def __init__(self, str=None):
        Misc.__init__(self)
        self._text, self._mnemonic_widget = _text(str or "", "str"), None

    def set_text(self, str):
        self._text = _text(str, "str")

    def get_text(self):
        return self._text

    def set_line_wrap(self, wrap):
        pass

    def set_selectable(self, setting):
        pass

    def set_use_underline(self, setting):
        pass

    def set_width_chars(self, n_chars):
        _ints((n_chars,))

    set_max_width_chars = set_width_chars

    def set_mnemonic_widget(self, widget):
        if not isinstance(widget, Widget):
            raise TypeError("widget must be a gtk.Widget")
        self._mnemonic_widget = widget

    def get_mnemonic_widget(self):
        return self._mnemonic_widget


class Image(Misc):
    def __init__(self):
        Misc.__init__(self)
        self._pixbuf = None

    def set_from_pixbuf(self, pixbuf):
        if pixbuf is not None and not isinstance(pixbuf, _Pixbuf):
            raise TypeError("pixbuf should be a GdkPixbuf or None")
        self._pixbuf = pixbuf

    def get_pixbuf(self):
        return self._pixbuf


class Button(Bin):
    _signals = ("clicked",)

    def __init__(self, label=None, stock=None, use_underline=True):
        Bin.__init__(self)
        self._label = _text(label if label is not None else stock or "", "label")

    def get_label(self):
        return self._label

    def clicked(self):
        self.emit("clicked")


class ToggleButton(Button):
    _signals = ("toggled",)

    def __init__(self, label=None, use_underline=True):
        Button.__init__(self, label, None, use_underline)
        self._active = False

    def get_active(self):
        return self._active

    def set_active(self, is_active):
        if bool(is_active) != self._active:
            self._active = bool(is_active)
            self.emit("toggled")

    def clicked(self):
        self.set_active(not self._active)
        Button.clicked(self)


class CheckButton(ToggleButton):
    pass


class Expander(Bin):
    _signals = ("activate",)

    def __init__(self, label=None):
        Bin.__init__(self)
        self._label, self._expanded = _text(label or "", "label"), False

    def get_label(self):
        return self._label

    def set_expanded(self, expanded):
        self._expanded = bool(expanded)

    def get_expanded(self):
        return self._expanded


class Adjustment(Object):
    _signals = ("changed", "value-changed")

    def __init__(self, value=0, lower=0, upper=0, step_incr=0, page_incr=0, page_size=0):
        _floats((value, lower, upper, step_incr, page_incr, page_size))
        self.lower, self.upper, self.page_size = float(lower), float(upper), float(page_size)
        self.step_increment, self.page_increment = float(step_incr), float(page_incr)
        self.value = self._clamped(value)

    def get_value(self):
        return self.value

    def set_value(self, value):
        _floats((value,))
        value = self._clamped(value)
        if value != self.value:
            self.value = value
            self.emit("value-changed")

    def get_lower(self):
        return self.lower

    def get_upper(self):
        return self.upper

    def _clamped(self, value):
        return min(max(float(value), self.lower), self.upper - self.page_size)


class _Adjusted(object):
    """What GtkRange and GtkSpinButton share: a value held by an adjustment, whose change they
    pass on as their own "value-changed"."""

    def _adjust_with(self, adjustment):
        if adjustment is not None and not isinstance(adjustment, Adjustment):
            raise TypeError("adjustment should be a gtk.Adjustment or None")
        self._adjustment = adjustment or Adjustment()
        self._adjustment.connect("value-changed", lambda _adjustment: self.emit("value-changed"))

    def get_adjustment(self):
        return self._adjustment

    def get_value(self):
        return self._adjustment.get_value()

    def set_value(self, value):
        self._adjustment.set_value(value)


class Range(_Adjusted, Widget):
    _signals = ("value-changed",)

    def __init__(self, adjustment=None):
        Widget.__init__(self)
        self._adjust_with(adjustment)


class Scale(Range):
    def __init__(self, adjustment=None):
        Range.__init__(self, adjustment)
        self._digits = 1

    def set_digits(self, digits):
        _ints((digits,))
        self._digits = digits

    def get_digits(self):
        return self._digits

    def stub_drag(self, value):
        """What a user's drag sets: the value rounded to the scale's digits (GtkRange's
        round_digits)."""
        self.set_value(round(value, self._digits))


class HScale(Scale):
    pass


class Entry(Widget):
    _signals = ("changed", "activate")

    def __init__(self, max=0):
        Widget.__init__(self)
        _ints((max,))
        self._text = ""

    def set_text(self, text):
        if _text(text, "text") != self._text:
            self._text = text
            self.emit("changed")

    def get_text(self):
        return self._text


class SpinButton(_Adjusted, Entry):
    _signals = ("value-changed",)

    def __init__(self, adjustment=None, climb_rate=0.0, digits=0):
        Entry.__init__(self)
        _floats((climb_rate,))
        _ints((digits,))
        self._adjust_with(adjustment)

    def get_value_as_int(self):
        return int(round(self.get_value()))


class ComboBox(Bin):
    """A combo box of text items (gtk.combo_box_new_text)."""
    _signals = ("changed",)

    def __init__(self):
        Bin.__init__(self)
        self._items, self._active = [], -1

    def append_text(self, text):
        self._items.append(_text(text, "text"))

    def get_active(self):
        return self._active

    def set_active(self, index):
        _ints((index,))
        index = index if -1 <= index < len(self._items) else -1
        if index != self._active:
            self._active = index
            self.emit("changed")

    def get_active_text(self):
        return self._items[self._active] if self._active >= 0 else None

    def stub_items(self):
        return list(self._items)


def combo_box_new_text():
    return ComboBox()


class Window(Bin):
    def set_title(self, title):
        self._title = _text(title, "title")

    def set_resizable(self, resizable):
        pass


class Dialog(Window):
    _signals = ("response", "close")

    def __init__(self, title=None, parent=None, flags=0, buttons=None):
        Window.__init__(self)
        self._title = _text(title or "", "title")
        self.vbox, self.action_area = VBox(), HBox()
        self._adopt(self.vbox)
        self.vbox.pack_end(self.action_area, False)
        self._buttons = {}
        buttons = buttons or ()
        if len(buttons) % 2:
            raise TypeError("buttons must be a tuple containing text/response pairs or None")
        for index in range(0, len(buttons), 2):
            self.add_button(buttons[index], buttons[index + 1])

    def add_button(self, button_text, response_id):
        _ints((response_id,))
        button = Button(stock=button_text)
        button.connect("clicked", lambda _button: self.response(response_id))
        self.action_area.pack_start(button)
        self._buttons[response_id] = button
        return button

    def set_response_sensitive(self, response_id, setting):
        _ints((response_id,))
        for button in [self._buttons.get(response_id)] if response_id in self._buttons else []:
            button.set_sensitive(setting)

    def set_default_response(self, response_id):
        _ints((response_id,))

    def set_alternative_button_order(self, new_order):
        for response_id in new_order:
            _ints((response_id,))

    def get_title(self):
        return self._title

    def response(self, response_id):
        self._response = response_id
        self.emit("response", response_id)

    def run(self):
        """Shows the dialog and waits for a response (played by stub_user)."""
        if stub_user is None:
            raise RuntimeError("the stub's dialog has nobody to answer it (gtk.stub_user)")
        self.show()
        self._response = None
        answer = stub_user(self)
        if self._response is None:
            self.response(answer)
        return self._response

    def stub_button(self, response_id):
        return self._buttons[response_id]


def main_iteration(block=True):
    """Runs one event; False (gtk.main_quit was not called)."""
    gobject.stub_iterate(block)
    return False


def events_pending():
    return gobject.stub_pending()


class _Pixbuf(gobject.GObject):
    def __init__(self, data, width, height, rowstride):
        self._data, self._width, self._height, self._rowstride = data, width, height, rowstride

    def get_width(self):
        return self._width

    def get_height(self):
        return self._height

    def get_rowstride(self):
        return self._rowstride

    def get_pixels(self):
        return self._data


def _pixbuf_new_from_data(data, colorspace, has_alpha, bits_per_sample, width, height,
                          rowstride):
    if not isinstance(data, str):
        raise TypeError("argument 1 must be string, not %s" % type(data).__name__)
    _ints((colorspace, bits_per_sample, width, height, rowstride))
    if bits_per_sample != 8:
        raise ValueError("bits_per_sample must be 8")
    channels = 4 if has_alpha else 3
    needed = rowstride * (height - 1) + width * channels
    if len(data) < needed:
        raise ValueError("data length (%d) is less then required by the other parameters (%d)"
                         % (len(data), needed))
    return _Pixbuf(data, width, height, rowstride)


gdk = types.ModuleType("gtk.gdk")
gdk.COLORSPACE_RGB = 0
gdk.Pixbuf = _Pixbuf
gdk.pixbuf_new_from_data = _pixbuf_new_from_data


def _text(value, what):
    if not isinstance(value, (str, type(u""))):
        raise TypeError("%s must be a string, not %s" % (what, type(value).__name__))
    return value


def _ints(values):
    for value in values:
        if isinstance(value, float) or not isinstance(value, _INTEGERS):
            raise TypeError("an integer is required")


def _floats(values):
    for value in values:
        if not isinstance(value, _INTEGERS + (float,)):
            raise TypeError("a float is required")
