"""The GIMP 3 dialogs' side: the procedures' arguments (which the dialogs show), the settings kept
in step, and the Dream dialog's preview pane.

Only widgets live here. The rules (looks.settle), the preview's thread, cancel and time estimate
(preview_runner) are the shared plug-in-side code's; install.py copies this file beside
inceptionism-gimp3.py.
"""
import gi
gi.require_version("Gimp", "3.0")
gi.require_version("GimpUi", "3.0")
gi.require_version("Gegl", "0.4")
gi.require_version("Gtk", "3.0")
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import Gegl, GdkPixbuf, Gimp, GimpUi, GLib, GObject, Gtk  # noqa: E402

from inceptionism import catalogue, looks, plugin_support, preview, settings  # noqa: E402
from inceptionism.preview_runner import PreviewRunner  # noqa: E402

SLIDER_LIMIT = 10000  # numbers with a wider range (the seed) get a plain entry, not a slider
MESSAGE_CHARS = 60  # the preview's words wrap at this width, so the dialog never outgrows a screen
# The channel gallery's scrolled window: one row of pictures, so that the dialog with its
# gallery and a two-line note under the estimate still fits a 900-pixel screen.
GALLERY_WIDTH, GALLERY_HEIGHT = 420, 76


# Setting kind -> how a procedure declares it (the dialog then shows it as GIMP's widget).
ARGUMENT_ADDERS = {
    "int": lambda p, s, flags: p.add_int_argument(s.name, s.label, s.help, s.low, s.high,
                                                  s.default, flags),
    "float": lambda p, s, flags: p.add_double_argument(s.name, s.label, s.help, s.low, s.high,
                                                       s.default, flags),
    "bool": lambda p, s, flags: p.add_boolean_argument(s.name, s.label, s.help, s.default, flags),
    "string": lambda p, s, flags: p.add_string_argument(s.name, s.label, s.help, s.default, flags),
    "choice": lambda p, s, flags: p.add_choice_argument(s.name, s.label, s.help,
                                                        choice_of(s), s.default, flags),
}


def choice_of(setting):
    choice = Gimp.Choice.new()
    for number, (nick, label) in enumerate(setting.choices):
        choice.add(nick, number, label, "")
    return choice


def add_arguments(procedure, name):
    """The procedure's arguments: its settings in table order, then a Dream's optional guide."""
    for setting in settings.for_procedure(name):
        ARGUMENT_ADDERS[setting.kind](procedure, setting, GObject.ParamFlags.READWRITE)
    if name in plugin_support.GUIDED:
        procedure.add_drawable_argument(*plugin_support.GUIDE_ARGUMENT + (
            True, GObject.ParamFlags.READWRITE))


def guide_of(config, name):
    """The guide drawable the artist or script chose, or None."""
    return config.get_property("guide") if name in plugin_support.GUIDED else None


def values_of(config, name):
    return dict((s.name, config.get_property(s.name)) for s in settings.for_procedure(name))


def ask(procedure, config, name, session, source):
    """The dialog, the artist's words first and the engine's settings folded away under
    Advanced, with a preview of the dream (source: (layer, selected rect), or None when there is
    nothing to preview); False on Cancel."""
    GimpUi.init(procedure.get_name())
    dialog = GimpUi.ProcedureDialog(procedure=procedure, config=config)
    dialog.set_ok_label(plugin_support.PROCEDURES[procedure.get_name()][1].rstrip("."))
    table = settings.for_procedure(name)
    for setting in table:
        if setting.kind in ("int", "float") and setting.high - setting.low < SLIDER_LIMIT:
            dialog.get_spin_scale(setting.name, 1.0)
    dialog.fill_box("advanced-settings", [s.name for s in table if s.advanced])
    dialog.get_label("advanced-title", "Advanced settings", False, False)
    dialog.fill_expander("advanced", "advanced-title", False, "advanced-settings")
    guide = [plugin_support.GUIDE_ARGUMENT[0]] if name in plugin_support.GUIDED else []
    dialog.fill([s.name for s in table if not s.advanced] + guide + ["advanced"])
    runner = None
    if name in looks.PROCEDURES:
        pane = PreviewPane(dialog, config, source)
        runner = PreviewRunner(session, pane, GLib.idle_add, pane.pixels,
                               source[1][2:] if source else None)
        pane.button.connect("clicked", lambda _button: runner.refresh())
        pane.gallery_button.connect("clicked", lambda _button: runner.gallery())
        pane.stop_button.connect("clicked", lambda _button: runner.cancel())
        GLib.idle_add(lambda: runner.start() and False)  # as soon as the dialog is up
        show_kept_gallery(runner)
    settle = keep_in_step(procedure, config, name, session, runner)
    if runner is not None:  # the networks the worker's hello lists settle the values anew
        pane.show_networks = lambda _installed: settle([])
    accepted = dialog.run()
    if runner is not None:
        runner.stop()  # returns at once, even while the engine is still starting
        if accepted:
            runner.wait()  # the run needs the worker the preview had
    dialog.destroy()
    return accepted


def keep_in_step(procedure, config, name, session, runner):
    """One handler for every change: the shared rule for dialogs (looks.settle_shown, with the
    networks the worker's hello lists once it has said hello) sets the values that follow from
    it, Network keeps auto, the layer list offers the layers of the network that dreams, and the
    preview hears of it; returns the handler (the hello's networks call it again)."""
    choices = [Gimp.param_spec_choice_get_choice(spec) for spec in
               (procedure.find_argument(name) for name in ("layer", "layer-2")) if spec]
    busy = []

    def update(changed):
        if busy:
            return  # our own changes notify too
        busy.append(True)
        try:
            shown, network = looks.settle_shown(values_of(config, name), changed,
                                                session.installed())
            for key, value in shown.items():
                if config.get_property(key) != value:
                    config.set_property(key, value)
        finally:
            busy.pop()
        for choice in choices:  # the dreaming network's layers (and a mix's "none")
            for nick in choice.list_nicks():
                choice.set_sensitive(nick, nick == looks.NONE or
                                     catalogue.find_layer(nick)[0] == network)
        if runner is not None:
            runner.changed()

    update([])  # the last run's values, described in words
    config.connect("notify", lambda _config, spec: update([spec.get_name()]))
    return update


def show_kept_gallery(runner):
    """Once the first preview is done, the layer's channel gallery appears by itself where the
    engine already keeps one (building one waits for the artist's Show channels)."""
    def attempt():
        if runner.closed:
            return False
        if runner.thread is not None:
            return True  # the preview is still under way: look again in a second
        runner.gallery(build=False)
        return False
    GLib.timeout_add(1000, attempt)


class PreviewPane(object):
    """What the preview runner shows: the small dream, a wrapped status line, the estimate, a
    Preview button; the dialog's Dream button is greyed out while the dream cannot run."""

    def __init__(self, dialog, config, source):
        self.dialog, self.config = dialog, config
        self.pixels = read_preview_pixels(*source) if source else None
        self.picture = Gtk.Image.new_from_pixbuf(pixbuf_of(self.pixels)) if source else \
            Gtk.Image()
        self.status, self.estimate = wrapped_label(), wrapped_label()
        self.status.set_text("Preview: a quick, small dream of the selection" if source else "")
        self.button = Gtk.Button.new_with_mnemonic("_Preview")
        self.button.set_sensitive(source is not None)
        self.box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=4)
        self.gallery_button = Gtk.Button.new_with_mnemonic("Show _channels")
        self.stop_button = Gtk.Button.new_with_mnemonic("_Stop")
        buttons = Gtk.Box(orientation=Gtk.Orientation.HORIZONTAL, spacing=4)
        for button in (self.button, self.gallery_button, self.stop_button):
            buttons.pack_start(button, button is self.button, True, 0)
        for widget in (self.picture, self.status, self.estimate, buttons,
                       self._gallery_widgets()):
            self.box.pack_start(widget, False, False, 0)
        dialog.get_content_area().pack_start(self.box, False, False, 6)
        self.box.show_all()

    def _gallery_widgets(self):
        """The channel gallery's pictures, one click each (Show channels and Stop sit beside
        Preview), folded away until there is one to show: the dialog stays within a screen."""
        self.gallery_meta = None
        self.gallery_picture = Gtk.Image()
        events = Gtk.EventBox()
        events.add(self.gallery_picture)
        events.connect("button-press-event", self._picked)
        scroller = Gtk.ScrolledWindow()
        scroller.set_min_content_height(GALLERY_HEIGHT)
        scroller.set_min_content_width(GALLERY_WIDTH)
        scroller.add(events)
        self.expander = Gtk.Expander(label="Channel gallery: pick a channel of the layer by eye")
        self.expander.add(scroller)
        return self.expander

    gallery_hint = u"click a picture to dream with its channel"

    def show_gallery(self, sheet, meta):
        self.gallery_meta = meta
        self.gallery_picture.set_from_pixbuf(pixbuf_of(sheet))
        self.expander.set_expanded(True)

    def _picked(self, _widget, event):
        channel = self.gallery_meta and plugin_support.gallery_channel_at(event.x, event.y,
                                                                          self.gallery_meta)
        if channel is not None:
            self.config.set_property("channel", channel)
            self.show_status("Channel %d of %s chosen (Advanced \u25b8 Channel; -1: all)"
                             % (channel, self.gallery_meta["layer"]))

    def values(self):
        return values_of(self.config, "dream")

    def show_preview(self, pixels):
        self.picture.set_from_pixbuf(pixbuf_of(pixels))

    def show_status(self, text):
        self.status.set_text(text)

    def show_estimate(self, text):
        self.estimate.set_text(text)

    def allow_run(self, allowed):
        self.button.set_sensitive(allowed and self.pixels is not None)
        self.dialog.set_response_sensitive(Gtk.ResponseType.OK, allowed)


def wrapped_label():
    label = Gtk.Label()
    label.set_line_wrap(True)
    label.set_max_width_chars(MESSAGE_CHARS)
    label.set_xalign(0.0)
    label.set_selectable(True)  # a path or a command can be copied from it
    return label


def read_preview_pixels(source, rect):
    """The selected part of the layer as 8-bit RGB, read by GEGL already shrunk to preview size
    (a huge selection is never read whole for a preview)."""
    x, y, width, height = rect
    small_width, small_height = preview.preview_size(width, height)
    scale = float(small_width) / width
    area = Gegl.Rectangle.new(int(x * scale), int(y * scale), small_width, small_height)
    data = source.get_buffer().get(area, scale, "R'G'B' u8", Gegl.AbyssPolicy.CLAMP)
    return plugin_support.Pixels(small_width, small_height, 3, "u8", data)


def pixbuf_of(pixels):
    """A GdkPixbuf showing 8-bit RGB pixels."""
    return GdkPixbuf.Pixbuf.new_from_bytes(GLib.Bytes.new(pixels.data), GdkPixbuf.Colorspace.RGB,
                                           False, 8, pixels.width, pixels.height, pixels.width * 3)
