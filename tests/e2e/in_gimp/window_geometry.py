"""Inside the root, on the test's X screen: each mapped top-level window's name and geometry, as
xwininfo -root -children would list them (the root has no xwininfo), as JSON in argv[1]."""
import ctypes
import json
import sys

Window = ctypes.c_ulong


class Attributes(ctypes.Structure):
    """Xlib's XWindowAttributes."""
    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int),
                ("height", ctypes.c_int), ("border_width", ctypes.c_int), ("depth", ctypes.c_int),
                ("visual", ctypes.c_void_p), ("root", Window), ("class_", ctypes.c_int),
                ("bit_gravity", ctypes.c_int), ("win_gravity", ctypes.c_int),
                ("backing_store", ctypes.c_int), ("backing_planes", ctypes.c_ulong),
                ("backing_pixel", ctypes.c_ulong), ("save_under", ctypes.c_int),
                ("colormap", ctypes.c_ulong), ("map_installed", ctypes.c_int),
                ("map_state", ctypes.c_int), ("all_event_masks", ctypes.c_long),
                ("your_event_mask", ctypes.c_long), ("do_not_propagate_mask", ctypes.c_long),
                ("override_redirect", ctypes.c_int), ("screen", ctypes.c_void_p)]


IS_VIEWABLE = 2


def main():
    xlib = ctypes.CDLL("libX11.so.6")
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    display = ctypes.c_void_p(xlib.XOpenDisplay(None))
    root = Window(xlib.XDefaultRootWindow(display))
    root_back, parent = Window(), Window()
    children, count = ctypes.POINTER(Window)(), ctypes.c_uint()
    xlib.XQueryTree(display, root, ctypes.byref(root_back), ctypes.byref(parent),
                    ctypes.byref(children), ctypes.byref(count))
    screen = Attributes()
    xlib.XGetWindowAttributes(display, root, ctypes.byref(screen))
    windows = []
    for index in range(count.value):
        attributes = Attributes()
        xlib.XGetWindowAttributes(display, children[index], ctypes.byref(attributes))
        if attributes.map_state != IS_VIEWABLE or attributes.override_redirect:
            continue  # hidden windows, tooltips and menus
        name = ctypes.c_char_p()
        xlib.XFetchName(display, children[index], ctypes.byref(name))
        windows.append({"name": (name.value or b"").decode("utf-8", "replace"),
                        "x": attributes.x, "y": attributes.y, "width": attributes.width,
                        "height": attributes.height})
    with open(sys.argv[1], "w") as handle:
        json.dump({"screen": [screen.width, screen.height], "windows": windows}, handle)


main()
