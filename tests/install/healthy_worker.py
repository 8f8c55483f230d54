"""The real worker loop around a stand-in engine that reports a healthy installation.

`python healthy_worker.py`: says hello like an engine with trained GoogLeNet weights, without torch.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "core"))
from inceptionism import worker  # noqa: E402


class HealthyEngine(object):
    def __init__(self, log):
        self.log = log

    def info(self):
        return {"devices": ["cpu"], "device": "cpu", "models": {"googlenet": "present"},
                "random_weights": False}


if __name__ == "__main__":
    if "--keep-warm" in sys.argv:
        sys.exit("healthy_worker.py: asked to keep a warm worker, which --check must not do")
    sys.exit(worker.serve_stdio(HealthyEngine))
