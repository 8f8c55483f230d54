"""A strict stand-in for PyGTK 2.24's gobject: signals, idle callbacks and the GLib main context.

GObject.connect knows only the signals each class declares (GTK's names) and raises TypeError on
any other, as PyGObject does. idle_add queues a callback for the main loop from any thread; the
main loop (gtk.main_iteration, gtk.Dialog.run) runs them on the main thread, again while they
return True. Python threads only run beside a PyGTK main loop after threads_init(), so the main
loop here refuses to run while another thread is alive without it.
"""
import Queue
import threading

_pending = Queue.Queue()
_state = {"threads": False, "last_id": 0}
WAIT_S = 120  # a blocking iteration that waits longer would hang a test: raise instead


class GObject(object):
    """gobject.GObject: connect, emit; subclasses list their signal names in _signals."""
    _signals = ()

    def connect(self, detailed_signal, handler, *args):
        if detailed_signal not in self._known_signals():
            raise TypeError("%r: unknown signal name: %s" % (self, detailed_signal))
        if not callable(handler):
            raise TypeError("second argument must be callable")
        handlers = self.__dict__.setdefault("_handlers", [])
        _state["last_id"] += 1
        handlers.append((_state["last_id"], detailed_signal, handler, args))
        return _state["last_id"]

    def emit(self, detailed_signal, *args):
        if detailed_signal not in self._known_signals():
            raise TypeError("%r: unknown signal name: %s" % (self, detailed_signal))
        for _, name, handler, extra in list(self.__dict__.get("_handlers", [])):
            if name == detailed_signal:
                handler(self, *(args + extra))

    @classmethod
    def _known_signals(cls):
        return set(name for klass in cls.__mro__ for name in klass.__dict__.get("_signals", ()))


def threads_init():
    _state["threads"] = True


def idle_add(callback, *user_data, **kwargs):
    """Runs callback(*user_data) from the main loop; again while it returns True."""
    unknown = set(kwargs) - set(["priority"])
    if unknown:
        raise TypeError("'%s' is an invalid keyword argument for this function" % unknown.pop())
    if not callable(callback):
        raise TypeError("first argument not callable")
    _state["last_id"] += 1
    _pending.put((callback, user_data))
    return _state["last_id"]


def stub_iterate(block):
    """One main-loop iteration (gtk.main_iteration): runs one pending callback; True if one ran."""
    if not _state["threads"] and threading.active_count() > 1:
        raise RuntimeError("a Python thread runs beside the main loop without "
                           "gobject.threads_init(): PyGTK would never let it run")
    try:
        callback, user_data = _pending.get(block, WAIT_S)
    except Queue.Empty:
        if block:
            raise RuntimeError("the main loop waited %d s for an event that never came" % WAIT_S)
        return False
    if callback(*user_data):
        _pending.put((callback, user_data))
    return True


def stub_pending():
    return not _pending.empty()
