"""A strict stand-in for GIMP 2.10's gimpui (pygimp's _gimpui plus gimpui.py), the pieces a
plug-in's own dialog uses: gimp_ui_init() and gimpui.Dialog, a gtk.Dialog with GIMP's help and
role (keywords as pygimp's gimpui.override takes them)."""
import gtk

_state = {"initialised": False}


def gimp_ui_init():
    _state["initialised"] = True


class Dialog(gtk.Dialog):
    def __init__(self, title=None, role=None, parent=None, flags=0, help_func=None, help_id=None,
                 buttons=None):
        if not _state["initialised"]:  # GIMP's widgets need its styles and units set up first
            raise RuntimeError("gimpui.gimp_ui_init() was not called before a gimpui.Dialog")
        gtk.Dialog.__init__(self, title, parent, flags, buttons)
        self._role = role

    def set_transient(self):
        """Keeps the dialog above GIMP's image window."""
