# -*- coding: utf-8 -*-
"""GIMP 2.10's Dream dialog, built by hand in PyGTK: gimpfu's own dialog cannot hold a preview.

install() gives one procedure's interactive runs this dialog instead of gimpfu's; the rest of a
run stays gimpfu's (its _run decides the run mode and passes the image and drawable; scripts and
"Repeat" never see a dialog), and OK does what gimpfu's dialog does: it remembers the values,
then calls the procedure's function with them.

The widgets come from gimpfu's parameters and the settings table (the artist's words up front,
the engine's values under Advanced), kept in step by looks.settle_shown; the preview runner
(GIMP 3's too) dreams the preview in a thread, words the estimate and greys out Dream when it
cannot run. PyGTK is imported only when the dialog is shown, as gimpfu does. gimpfu_settings.py
turns gimpfu's values into the settings' and back. Installed in the plug-in's lib folder.
"""
import math

import gimp
import gimpfu
from gimpfu_settings import VALUES, gimpfu_value, slider_step, utf8
from inceptionism import errors, looks, plugin_support, preview, settings
from inceptionism.preview_runner import PreviewRunner

gtk = gobject = gimpui = None  # PyGTK and GIMP's widgets, imported when a dialog is first shown
MESSAGE_CHARS = 60  # the preview's words wrap at this width, so the dialog never outgrows a screen
NO_LAYER = u"None"


def install(pdb_name, procedure, source_rect):
    """From now on gimpfu shows this dialog for pdb_name's interactive runs, its own for the
    others. source_rect(image, drawable): the (x, y, width, height) a run would dream on, or an
    InceptionismError saying why there is nothing to dream on (then there is no preview)."""
    shown_by_gimpfu = gimpfu._interact  # gimpfu's _run looks it up when it needs a dialog

    def interact(proc_name, start_params):
        if proc_name != pdb_name:
            return shown_by_gimpfu(proc_name, start_params)
        return run_from_dialog(proc_name, procedure, start_params, source_rect)
    gimpfu._interact = interact


def run_from_dialog(proc_name, procedure, start_params, source_rect):
    """gimpfu's _interact for one procedure: on_run, this dialog, then on OK gimpfu's run_script
    (the values remembered, the function called); Cancel raises gimpfu.CancelError, as gimpfu's
    dialog does, and runs nothing."""
    registration = gimpfu._registered_plugins_[proc_name]
    params, function, on_run = registration[8], registration[10], registration[14]
    if on_run:
        on_run()
    try:
        session = plugin_support.Session(plugin_support.load_worker_config(
            plugin_support.default_plugin_dir()))
    except errors.InceptionismError as exc:
        gimpfu.fail(utf8(plugin_support.user_message(exc)))
    try:
        remembered = gimpfu._get_defaults(proc_name)[len(start_params):]
        chosen = DreamDialog(proc_name, procedure, params[len(start_params):], remembered,
                             session, preview_source(start_params, source_rect)).ask()
    finally:
        session.close()  # a warm engine stays up for the run, which starts its own session
    if chosen is None:
        raise gimpfu.CancelError()
    run_params = tuple(start_params) + tuple(chosen)
    gimpfu._set_defaults(proc_name, run_params)
    return function(*run_params)


def preview_source(start_params, source_rect):
    """(8-bit RGB Pixels at preview size, the selection's (width, height)) of the layer, or
    (None, None) when the selection is nothing to dream on (the run itself will say why). GIMP
    2.10 cannot read a layer shrunk: only the rows the preview shows are read."""
    image, drawable = start_params[:2]
    try:
        x, y, width, height = source_rect(image, drawable)
    except errors.InceptionismError:
        return None, None
    small_width, small_height = preview.preview_size(width, height)
    region = drawable.get_pixel_rgn(x, y, width, height, False, False)
    rows = [region[x:x + width, y + row * height // small_height] for row in range(small_height)]
    return plugin_support.shrunk_rgb(rows, width, drawable.bpp, small_width), (width, height)


def _load_toolkit():
    global gtk, gobject, gimpui
    import pygtk
    pygtk.require("2.0")
    import gtk
    import gobject
    import gimpui
    gimpui.gimp_ui_init()
    gobject.threads_init()  # without it PyGTK's main loop never lets the preview's thread run


class DreamDialog(object):
    """One widget per gimpfu parameter after the image and drawable, each from its setting (a
    layer parameter, such as a guide, gets a list of the open images' layers and None), and the
    preview pane; ask() returns the values for gimpfu, in its parameters' order, or None."""

    def __init__(self, proc_name, procedure, params, remembered, session, source):
        _load_toolkit()
        self.pixels, self.full_size = source
        table = dict((s.name, s) for s in settings.for_procedure(procedure))
        label = utf8(plugin_support.PROCEDURES[proc_name][1].rstrip("."))  # "_Dream"
        self.dialog = gimpui.Dialog(label.replace("_", ""), "python-fu", None, 0, None, proc_name,
                                    (gtk.STOCK_CANCEL, gtk.RESPONSE_CANCEL,
                                     label, gtk.RESPONSE_OK))
        self.dialog.set_alternative_button_order((gtk.RESPONSE_OK, gtk.RESPONSE_CANCEL))
        self.dialog.set_transient()
        self.fields, self.busy = [], False
        front, advanced = gtk.Table(1, 2), gtk.Table(1, 2)
        for param, value in zip(params, remembered):
            setting = table.get(param[1])
            field = Field(setting, param) if setting else LayerField(param)
            field.show(VALUES[setting.kind](setting, value) if setting else value)
            attach(advanced if setting and setting.advanced else front, field)
            field.widget.connect(field.signal, lambda _widget, name=param[1]: self.changed(name))
            self.fields.append(field)
        expander = gtk.Expander("Advanced settings")
        expander.add(advanced)
        settings_box = gtk.VBox(False, 12)
        for part in (front, expander):
            settings_box.pack_start(part, False)
        columns = gtk.HBox(False, 12)
        columns.set_border_width(12)
        columns.pack_start(settings_box)
        columns.pack_start(self.preview_pane(), False)
        self.dialog.vbox.pack_start(columns)
        self.dialog.show_all()
        self.runner = PreviewRunner(session, self, gobject.idle_add, self.pixels, self.full_size)
        self.button.connect("clicked", lambda _button: self.runner.refresh())
        self.gallery_button.connect("clicked", lambda _button: self.runner.gallery())
        self.changed(None)  # the remembered values, described in words

    def preview_pane(self):
        self.picture = gtk.Image()
        if self.pixels is not None:
            self.show_preview(self.pixels)
        self.status, self.estimate = wrapped_label(), wrapped_label()
        self.status.set_text("Preview: a quick, small dream of the selection"
                             if self.pixels is not None else "")
        self.button = gtk.Button("_Preview")
        self.button.set_sensitive(self.pixels is not None)
        self.gallery_button = gtk.Button("Show _channels")
        box = gtk.VBox(False, 6)
        for widget, name in ((self.picture, "preview"), (self.status, "preview-status"),
                             (self.estimate, "estimate"), (self.button, "preview-button"),
                             (self.gallery_button, "gallery-button")):
            widget.set_name(name)
            box.pack_start(widget, False)
        return box

    def ask(self):
        gobject.idle_add(lambda: self.runner.start() and False)  # as soon as the dialog is up
        accepted = self.dialog.run() == gtk.RESPONSE_OK
        self.runner.stop()  # returns at once, even while the engine is still starting
        if accepted:
            self.runner.wait()  # the preview ends before the run asks the engine for the dream
        chosen = [field.gimpfu() for field in self.fields] if accepted else None
        self.dialog.destroy()
        return chosen

    def changed(self, name):
        """The shared rule for dialogs (looks.settle_shown, with the networks of the worker's
        hello once heard) sets what follows from a change; then the preview runner hears of it."""
        if self.busy:
            return  # our own changes notify too
        self.busy = True
        try:
            for key, value in looks.settle_shown(self.values(), [name] if name else [],
                                                 self.runner.session.installed())[0].items():
                field = dict((each.name, each) for each in self.fields).get(key)
                if field is not None and field.value() != value:
                    field.show(value)
        finally:
            self.busy = False
        self.runner.changed()

    # What the preview runner shows (preview_runner.PreviewRunner's view).
    def values(self):
        return dict((field.name, field.value()) for field in self.fields if field.setting)

    def show_preview(self, pixels):
        self.picture.set_from_pixbuf(gtk.gdk.pixbuf_new_from_data(
            pixels.data, gtk.gdk.COLORSPACE_RGB, False, 8, pixels.width, pixels.height,
            pixels.width * 3))

    def show_status(self, text):
        self.status.set_text(utf8(text))

    def show_estimate(self, text):
        self.estimate.set_text(utf8(text))

    gallery_hint = u"opened as a new image: put a picture's number in Advanced \u25b8 Channel"

    def show_gallery(self, sheet, meta):  # the labelled gallery: a new image, in its display
        image = gimp.Image(sheet.width, sheet.height, gimpfu.RGB)
        layer = gimp.Layer(image, utf8(u"Channels of %s" % meta["layer"]), sheet.width,
                           sheet.height, gimpfu.RGB_IMAGE, 100.0, gimpfu.LAYER_MODE_NORMAL)
        layer.get_pixel_rgn(0, 0, sheet.width, sheet.height, True, False)[
            0:sheet.width, 0:sheet.height] = bytes(sheet.data)
        layer.flush()
        image.insert_layer(layer)
        gimp.Display(image)
        gimp.displays_flush()

    def allow_run(self, allowed):
        self.button.set_sensitive(allowed and self.pixels is not None)
        self.dialog.set_response_sensitive(gtk.RESPONSE_OK, allowed)

    show_networks = lambda self, installed: self.changed(None)  # noqa: E731 (the hello's)


def attach(table, field):
    """A row of table: the field's label, then its widget."""
    row = len(table.get_children()) // 2
    label = gtk.Label(utf8(field.label))
    label.set_alignment(0.0, 0.5)
    label.set_mnemonic_widget(field.widget)
    table.attach(label, 0, 1, row, row + 1, xoptions=gtk.FILL)
    table.attach(field.widget, 1, 2, row, row + 1, yoptions=0)
    table.set_row_spacings(6)
    table.set_col_spacings(6)


def wrapped_label():
    label = gtk.Label()
    label.set_line_wrap(True)
    label.set_width_chars(MESSAGE_CHARS)
    label.set_alignment(0.0, 0.0)
    label.set_selectable(True)  # a path or a command can be copied from it
    return label


class Field(object):
    """A setting's widget, by its kind: value() and show(value) in the setting's terms."""

    def __init__(self, setting, param):
        self.setting, self.name, self.label = setting, setting.name, param[2]
        getattr(self, "_" + setting.kind)(setting)
        self.widget.set_name(setting.name)
        self.widget.set_tooltip_text(utf8(setting.help))

    def _choice(self, setting):
        self.widget, self.signal = gtk.combo_box_new_text(), "changed"
        for _, label in setting.choices:
            self.widget.append_text(utf8(label))
        nicks = [nick for nick, _ in setting.choices]
        self.value = lambda: nicks[self.widget.get_active()]
        self.show = lambda nick: self.widget.set_active(nicks.index(nick))

    def _int(self, setting):
        adjustment = gtk.Adjustment(setting.default, setting.low, setting.high, 1, 10, 0)
        self.widget, self.signal = gtk.SpinButton(adjustment, 1.0, 0), "value-changed"
        self.value = lambda: int(round(adjustment.get_value()))
        self.show = adjustment.set_value

    def _float(self, setting):
        step = slider_step(setting)
        adjustment = gtk.Adjustment(setting.default, setting.low, setting.high, step, 10 * step, 0)
        self.widget, self.signal = gtk.HScale(adjustment), "value-changed"
        self.widget.set_digits(int(round(-math.log10(step))) if step < 1 else 0)
        self.widget.set_size_request(200, -1)
        self.value = lambda: float(adjustment.get_value())
        self.show = adjustment.set_value

    def _bool(self, setting):
        self.widget, self.signal = gtk.CheckButton(), "toggled"
        self.value = lambda: bool(self.widget.get_active())
        self.show = self.widget.set_active

    def _string(self, setting):
        self.widget, self.signal = gtk.Entry(), "changed"
        self.value = lambda: self.widget.get_text().decode("utf-8")
        self.show = lambda text: self.widget.set_text(utf8(text))

    def gimpfu(self):
        return gimpfu_value(self.setting, self.value())


class LayerField(object):
    """A layer parameter that is no setting (a guide): None, or a layer of an open image."""
    setting = None

    def __init__(self, param):
        self.name, self.label = param[1], param[2]
        self.layers = [None] + [layer for image in gimp.image_list() for layer in image.layers]
        self.widget, self.signal = gtk.combo_box_new_text(), "changed"
        for layer in self.layers:
            self.widget.append_text(utf8(NO_LAYER) if layer is None else
                                    "%s / %s" % (layer.image.name, layer.name))
        self.widget.set_name(self.name)

    def value(self):
        return self.layers[max(self.widget.get_active(), 0)]

    def show(self, layer):
        self.widget.set_active(self.layers.index(layer) if layer in self.layers else 0)

    gimpfu = value
