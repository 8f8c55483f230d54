"""Inside the root, on the test's X screen: moves the pointer to the screen's bottom right corner,
so no tooltip of the dialog under the screen's middle shows up in a screenshot (run while GIMP
is connected: Xvfb puts the pointer back in the middle when its last client leaves)."""
import ctypes

xlib = ctypes.CDLL("libX11.so.6")
xlib.XOpenDisplay.restype = ctypes.c_void_p
display = ctypes.c_void_p(xlib.XOpenDisplay(None))
root = ctypes.c_ulong(xlib.XDefaultRootWindow(display))
screen = xlib.XDefaultScreen(display)
xlib.XWarpPointer(display, ctypes.c_ulong(0), root, 0, 0, 0, 0,
                  xlib.XDisplayWidth(display, screen) - 1, xlib.XDisplayHeight(display, screen) - 1)
xlib.XFlush(display)
xlib.XCloseDisplay(display)
