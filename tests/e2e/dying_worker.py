"""The real worker, except that it dies right after sending the first frame of a zoom dive, or
the second dreamed frame of an animation.

To the plug-in a crash mid-dive looks like this; GIMP's Cancel kills the plug-in instead, but in
both cases the frames done so far must already be in the new image.
"""
import os
import sys

from inceptionism import engine, worker

real_zoom = engine.Engine.zoom


def zoom_then_die(self, values, pixels=None, on_frame=None, **kwargs):
    def send_then_die(index, frame):
        on_frame(index, frame)
        os._exit(3)
    return real_zoom(self, values, pixels, send_then_die, **kwargs)


def animate_then_die(self, frames, values, count=None, mask=None, on_frame=None, **kwargs):
    def send_then_die(index, frame, reused):
        on_frame(index, frame, reused)
        if index == 1:
            os._exit(3)
    return real_animate(self, frames, values, count, mask, send_then_die, **kwargs)


real_animate = engine.Engine.animate
engine.Engine.zoom = zoom_then_die
engine.Engine.animate = animate_then_die
sys.exit(worker.main(sys.argv[1:]))
