"""A dialog's preview, run in a thread on the dialog's worker session, without any GUI toolkit.

The dialog gives it the selection at preview size and a view (what to show where); the runner
checks in the background that the dream can run at all (the engine starts, the network file is
there), dreams previews on demand, and words the time estimate. It hands every result to the
view through on_main, the dialog's way to run a function on its own main loop (GLib.idle_add),
so the toolkit is only ever touched from there. stop() returns at once, even while the engine is
still starting. Standard library only, Python 2.7 compatible.
"""
import threading

from . import errors, paths, plugin_support, preview, settings


class PreviewRunner(object):
    """view: values() (the dialog's dream settings now), show_preview(Pixels),
    show_status(text), show_estimate(text), allow_run(allowed) and show_networks(installed)
    (the networks the worker's hello lists, once it has said hello: the dialog settles its
    values with them, which may differ from the local files'); pixels: the selection shrunk
    to preview size (8-bit RGB), or None where there is nothing to preview; full_size: the
    selection's (width, height)."""

    def __init__(self, session, view, on_main, pixels=None, full_size=None):
        self.session, self.view, self.on_main = session, view, on_main
        self.pixels, self.full_size = pixels, full_size
        self.thread = None
        self.closed = False
        self.blocked = None  # the error that keeps any dream from running, once known
        self.allowed = None
        self.first = False  # a first preview waits for the worker's hello
        self.heard = None  # the networks the hello listed, once the view was told

    def start(self):
        """Check that the dream can run (the engine starts and says hello, which settles the
        dialog's values), then dream a first preview (where there is a picture)."""
        self.changed()
        self.first = self.pixels is not None
        self._launch(self.view.values(), False)

    def refresh(self):
        """A new preview of the dialog's settings (nothing while one is still under way)."""
        self._launch(self.view.values(), self.pixels is not None)

    def changed(self):
        """The settings changed: a new estimate, and whether this network can dream."""
        values = self.view.values()
        note = plugin_support.stand_in_note("dream", values, self.session.installed())
        if self.full_size is not None:
            estimate = preview.estimate_text(values, *self.full_size)
            self.view.show_estimate(u"%s\n%s." % (estimate, note) if note else estimate)
        problem = self.blocked or self.session.problem("dream", values)
        if self.allowed != (problem is None):
            self.allowed = problem is None
            self.view.allow_run(self.allowed)
            paths.append_log(u"plug-in: the dialog's run button is %s\n" % (
                u"on" if self.allowed else u"greyed out: %s: %s" % (problem.code, problem.message)),
                self.session.config["log"])
        if problem is not None:
            self.view.show_status(self._words(problem))

    def gallery(self, build=True):
        """The channel gallery of the dialog's network and layer, shown with view.show_gallery
        (Pixels, meta): the engine builds it once in the background, with progress; cancel()
        stops a build, which a later call resumes. build False: only a kept one, at once."""
        if self.thread is not None or self.closed:
            return
        self.thread = threading.Thread(target=self._gallery_work, args=(self.view.values(), build))
        self.thread.daemon = True
        self.thread.start()

    def cancel(self):
        """Stop what runs now (a gallery build keeps the pictures already made)."""
        if self.thread is not None:
            self.session.cancel()

    def _gallery_work(self, values, build):
        values = settings.validate("dream", values, installed=self.session.installed())

        def told(fraction, text):
            self._post(self.view.show_status, u"Channel gallery of %s: %d%%, %s"
                       % (values["layer"], round(100 * fraction), text))
        try:
            meta, sheet = self.session.gallery(values["model"], values["layer"], told, build)
            self._post(self._gallery_shown, sheet, meta)
        except errors.Cancelled:
            self._post(self._ended, u"Channel gallery stopped: the pictures made are kept.")
        except Exception as exc:
            self._post(self._failed, exc)

    def _gallery_shown(self, sheet, meta):
        if sheet is not None:
            self.view.show_gallery(sheet, meta)
            paths.append_log(u"plug-in: channel gallery of %s shown (%d channels)\n" % (
                meta["layer"], meta["channels"]), self.session.config["log"])
        self._ended(u"Channel gallery of %s: %s" % (meta["layer"], self.view.gallery_hint)
                    if sheet is not None else None)  # none kept: the preview's words stay

    def stop(self):
        """The dialog closes: cancel what runs, at once (the thread is left to end by itself)."""
        self.closed = True
        if self.thread is not None:
            self.session.cancel()

    def wait(self):
        """Wait for a stopped preview to end, so the full run has the worker to itself."""
        if self.thread is not None:
            self.thread.join()

    def _launch(self, values, with_preview):
        if self.thread is not None or self.closed:
            return
        self.view.show_status(u"Dreaming a preview\u2026" if with_preview
                              else u"Starting the engine\u2026")
        self.thread = threading.Thread(target=self._work, args=(values, with_preview))
        self.thread.daemon = True  # a dialog cancelled mid-start never waits for the engine
        self.thread.start()

    def _work(self, values, with_preview):
        try:
            self.session.check_ready("dream", values)
            if not with_preview:
                return self._post(self._ended, u"")
            meta, small = self.session.preview(values, self.pixels, self.full_size)
            self._post(self._shown, small, meta)
        except errors.Cancelled:
            self._post(self._ended, u"")
        except Exception as exc:  # shown in the dialog; the artist can still cancel
            self._post(self._failed, exc)

    def _post(self, function, *args):
        self.on_main(lambda: function(*args) if not self.closed else None)

    def _shown(self, small, meta):
        text = u"Preview (%d \u00d7 %d): %s" % (small.width, small.height,
                                                 plugin_support.layer_name(meta))
        self.view.show_preview(small)
        self._ended(text)
        values = self.view.values()
        paths.append_log(u"plug-in: preview %d\u00d7%d of %s shown, dreamed in %.2f s; %s; the "
                         u"dialog's Network: %s\n" % (
                             small.width, small.height, meta["settings"]["layer"],
                             meta["seconds"], preview.estimate_text(values, *self.full_size),
                             values.get("model")), self.session.config["log"])

    def _failed(self, exc):
        if getattr(exc, "code", None) in plugin_support.CANNOT_RUN and \
                self.session.hello is None:
            self.blocked = exc  # no engine: no network can dream
        self._ended(self._words(exc))

    def _ended(self, text):
        self.thread = None
        installed = self.session.installed()
        if installed is not None and installed != self.heard:
            self.heard = installed
            self.view.show_networks(installed)
        self.changed()
        if self.blocked is None and self.session.problem("dream", self.view.values()) is None:
            if text is not None:
                self.view.show_status(text)
            if self.first:
                self.first = False
                self.refresh()

    def _words(self, exc):
        return plugin_support.user_message(exc, self.session.config["log"])
