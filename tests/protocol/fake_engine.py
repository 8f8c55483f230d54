"""An engine with the real Engine's interface that echoes the pixels back, for worker tests.

A guide sent with a dream is echoed instead of the pixels. It chatters on stdout like torch and C
libraries do, takes `iterations` steps; FAKE_STEP_S (seconds per step) makes it slow enough to
cancel or to hang, FAKE_FAILURE (an error code, "bug" or "memory") makes it fail after its first step,
FAKE_WEIGHTS=missing makes its hello say that no network file is installed (EfficientNet-Lite0,
which comes with the engine, is there: FAKE_WEIGHTS=none takes it away too).
"""
import os
import time

from inceptionism import errors


class FakeEngine(object):
    def __init__(self, log):
        self.log = log

    def info(self):
        state = os.environ.get("FAKE_WEIGHTS", "random")
        models = {"googlenet": "missing" if state == "none" else state,
                  "efficientnet_lite0": "missing" if state == "none" else "present"}
        return {"devices": ["cpu"], "device": "cpu", "models": models,
                "random_weights": state == "random"}

    def dream(self, pixels, settings, mask=None, guide=None, progress=None, should_stop=None):
        step_s = float(os.environ.get("FAKE_STEP_S", "0"))
        steps = settings["iterations"]
        self.log("fake engine: %d steps" % steps)
        print("fake engine: chatter on stdout, as torch and C libraries do")
        os.write(1, b"fake engine: chatter straight to file descriptor 1\n")
        for step in range(steps):
            if should_stop():
                raise errors.Cancelled()
            time.sleep(step_s)
            progress((step + 1.0) / steps, "step %d of %d" % (step + 1, steps), (steps - step - 1) * step_s)
            if os.environ.get("FAKE_FAILURE"):
                fail(os.environ["FAKE_FAILURE"])
        echoed = pixels if guide is None else guide  # a guide comes back, to show it arrived
        return echoed, {"random_weights": True, "device": "cpu", "seconds": steps * step_s}

    def gallery(self, model, layer, progress=None, should_stop=None, build=True):
        """A 2 x 2 gallery of one 2-pixel channel; kept only after a build (FAKE_GALLERY_KEPT)."""
        if not build and not os.environ.get("FAKE_GALLERY_KEPT"):
            return None, {"model": model, "layer": layer, "kept": False}
        if build:
            progress(0.5, "batch 1 of 2", None)
        sheet = __import__("numpy").full((2, 2, 3), 7, "uint8")
        return sheet, {"model": model, "layer": layer, "kept": True, "channels": 1,
                       "columns": 1, "cell": [2, 2]}

    def preview(self, pixels, settings, side, progress=None, should_stop=None):
        """The dream's echo (the tests send pictures already small and 8-bit RGB)."""
        return self.dream(pixels, settings, progress=progress, should_stop=should_stop)


def fail(failure):
    if failure == "bug":
        return {}["a key that is not there"]
    if failure == "memory":
        raise MemoryError()
    raise errors.InceptionismError(failure, None, "the fake engine was told to fail with " + failure)
