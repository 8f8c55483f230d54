"""The artist at GIMP 2.10's Dream dialog, for drive.py: plays gtk.stub_user under Python 2.7.

It finds the dialog's widgets by name (the settings' names, and preview, preview-status, estimate,
preview-button, gallery-button), makes the case's edits in the widgets' own terms (a combo box's index, a number,
a bool) in the dialog's order, follows the case's dialog_script, and writes down what the
dialog showed. Steps: "wait" (until the preview or the engine's start has ended), "pause" (the
dialog left alone for PAUSE_S), "preview" (click Preview), "channels" (click Show channels), "ok"
(click Dream, if it is not greyed out) and "cancel".
"""
import time

import gtk

# The end of the runner's "Dreaming a preview..." and "Starting the engine...".
BUSY = u"\u2026".encode("utf-8")
WAIT_S = 300
PAUSE_S = 3.0


def widgets(container, inside_expander=False):
    """(widget, inside the Advanced expander) for every widget, in the dialog's order."""
    found = []
    for child in container.get_children():
        found.append((child, inside_expander))
        if isinstance(child, gtk.Container):
            found += widgets(child, inside_expander or isinstance(child, gtk.Expander))
    return found


def named(dialog):
    return dict((widget.get_name(), widget) for widget, _ in widgets(dialog)
                if not widget.get_name().startswith("Gtk"))


def labels(dialog):
    """The text of the label each widget has."""
    return dict((id(widget.get_mnemonic_widget()), widget.get_text())
                for widget, _ in widgets(dialog)
                if isinstance(widget, gtk.Label) and widget.get_mnemonic_widget())


def value(widget):
    if isinstance(widget, (gtk.SpinButton, gtk.Range)):
        return widget.get_value()
    if isinstance(widget, gtk.ComboBox):
        return widget.get_active()
    if isinstance(widget, gtk.ToggleButton):
        return widget.get_active()
    return widget.get_text() if isinstance(widget, (gtk.Entry, gtk.Label)) else None


def edit(widget, wanted):
    if isinstance(widget, gtk.Scale):
        widget.stub_drag(wanted)
    elif isinstance(widget, gtk.SpinButton):
        widget.set_value(wanted)
    elif isinstance(widget, (gtk.ComboBox, gtk.ToggleButton)):
        widget.set_active(wanted)
    else:
        widget.set_text(wanted)


def settle(dialog):
    """Run the main loop until nothing is pending and no preview or start is under way."""
    status = named(dialog)["preview-status"]
    deadline = time.time() + WAIT_S
    while gtk.events_pending() or status.get_text().endswith(BUSY):
        if time.time() > deadline:
            raise RuntimeError("the dialog still says %r" % status.get_text())
        if gtk.events_pending():
            gtk.main_iteration(False)
        else:
            time.sleep(0.02)


def pause():
    deadline = time.time() + PAUSE_S
    while time.time() < deadline:
        if not gtk.events_pending():
            time.sleep(0.02)
        else:
            gtk.main_iteration(False)


def snapshot(dialog):
    """What the artist sees now."""
    found, label_of = named(dialog), labels(dialog)
    advanced = set(id(widget) for widget, inside in widgets(dialog) if inside)
    picture = found["preview"].get_pixbuf()
    return {
        "title": dialog.get_title(),
        "widgets": [{"name": name, "kind": type(widget).__name__, "value": value(widget),
                     "label": label_of.get(id(widget)), "advanced": id(widget) in advanced,
                     "items": widget.stub_items() if isinstance(widget, gtk.ComboBox) else None,
                     "sensitive": widget.is_sensitive()}
                    for name, widget in sorted(found.items())],
        "order": [widget.get_name() for widget, _ in widgets(dialog)
                  if not widget.get_name().startswith("Gtk")],
        "ok_sensitive": dialog.stub_button(gtk.RESPONSE_OK).is_sensitive(),
        "status": found["preview-status"].get_text().decode("utf-8"),
        "estimate": found["estimate"].get_text().decode("utf-8"),
        "picture": [picture.get_width(), picture.get_height()] if picture else None,
    }


def player(case, record):
    """gtk.stub_user for case; what the dialog showed goes into record["dialog"] (a list of
    snapshots: after each step)."""
    shots = record.setdefault("dialog", [])

    def play(dialog):
        while gtk.events_pending():
            gtk.main_iteration(False)
        order = [widget.get_name() for widget, _ in widgets(dialog)]
        for name in sorted(case.get("dialog_edits", {}), key=order.index):
            edit(named(dialog)[name], case["dialog_edits"][name])
        for step in case.get("dialog_script", ["ok"]):
            if step == "wait":
                settle(dialog)
            elif step == "pause":
                pause()
            elif step == "preview":
                named(dialog)["preview-button"].clicked()
            elif step == "channels":
                named(dialog)["gallery-button"].clicked()
            shots.append(dict(snapshot(dialog), step=step))
            if step == "ok" and dialog.stub_button(gtk.RESPONSE_OK).is_sensitive():
                return gtk.RESPONSE_OK
            if step in ("ok", "cancel"):
                return gtk.RESPONSE_CANCEL
        raise RuntimeError("the dialog_script ends without ok or cancel")
    return play
