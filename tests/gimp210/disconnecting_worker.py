"""The real worker, except that it dies right after its first progress report of a dream.

Served on a socket outside the GIMP 2.10 root, it is a remote worker whose connection drops
mid-dream: the plug-in must say so plainly and leave the image as it was.
"""
import os
import sys

from inceptionism import engine, worker

real_dream = engine.Engine.dream


def dream_then_die(self, pixels, values, progress=None, **kwargs):
    def report_then_die(*report):
        progress(*report)
        os._exit(3)
    return real_dream(self, pixels, values, progress=report_then_die, **kwargs)


engine.Engine.dream = dream_then_die
sys.exit(worker.main(sys.argv[1:]))
