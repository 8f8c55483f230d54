"""A worker whose engine only echoes the picture: `python echo_worker.py`. The settings the
worker validated come back in the result's recipe, so a test sees what the engine received
without waiting for a network (any of the four) to dream."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "core"))

import numpy as np  # noqa: E402

from inceptionism import catalogue, worker  # noqa: E402

META = {"random_weights": True, "device": "cpu", "seconds": 0.0}


class EchoEngine(object):
    def __init__(self, log):
        self.log = log

    def info(self):
        return {"devices": ["cpu"], "device": "cpu", "random_weights": True,
                "models": dict((model, "random") for model in catalogue.model_names())}

    def dream(self, pixels, values, progress=None, should_stop=None, **_):
        return pixels, dict(META)

    def zoom(self, values, pixels=None, on_frame=None, progress=None, should_stop=None):
        frame = pixels if pixels is not None else np.zeros((values["height"], values["width"], 3),
                                                           np.uint8)
        on_frame(0, frame)
        return frame, dict(META)


if __name__ == "__main__":
    sys.exit(worker.serve_stdio(EchoEngine))
