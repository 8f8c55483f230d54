"""Takes docs/images/PROCEDURE-dialog.png: a real dialog of the real GIMP 3, under Xvfb, with the
engine's real weights (a fresh install: no GoogLeNet file, so auto stands for EfficientNet-Lite0,
which comes with the engine) on a photograph (tests/data/coffee.jpg, CC0).

Usage (as root): python tests/e2e/screenshot_dialog.py [--procedure dream|visualize|zoom|animate]
[--wait SECONDS] [--gallery | --no-network]. GIMP starts with a screen inside the cached root,
opens the photograph and the dialog; once the Dream dialog's preview is shown (the others: after
a minute) the whole screen is captured. --gallery first builds the Dream dialog's layer's channel
gallery (minutes) and waits until the dialog shows it: dream-dialog-gallery.png. --no-network
opens the Dream dialog with GoogLeNet chosen under Advanced, whose file is missing:
dream-dialog-no-network.png. The picture kept is the dialog's part of the screen, in few enough
colours to stay under MAX_BYTES.
"""
import argparse
import json
import os

import gimp3
from inceptionism import catalogue, looks, plugin_support, settings

# The line the Dream dialog logs once its first preview is on screen.
PREVIEW_SHOWN = "plug-in: preview .* shown"
# The line it logs once the kept channel gallery is on screen.
GALLERY_SHOWN = "plug-in: channel gallery of .* shown"
# The line it logs when it greys out its Dream button (and says why).
GREYED_OUT = "run button is greyed out"
PICTURE = os.path.join(gimp3.REPO, "tests", "data", "coffee.jpg")
REAL_WEIGHTS = {"INCEPTIONISM_RANDOM_WEIGHTS": "0", "INCEPTIONISM_E2E_PICTURE": PICTURE}
MAX_BYTES = 200 * 1024
MARGIN = 0  # pixels of the screen kept around the dialog


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedure", choices=settings.PROCEDURES, default="dream")
    parser.add_argument("--wait", type=int, default=420,
                        help="seconds to wait for the dialog (and its preview) at most")
    parser.add_argument("--gallery", action="store_true",
                        help="build and show the Dream dialog's channel gallery")
    parser.add_argument("--no-network", action="store_true",
                        help="GoogLeNet chosen under Advanced, its file missing")
    args = parser.parse_args()
    suffix = "-gallery" if args.gallery else "-no-network" if args.no_network else ""
    name = "%s-dialog%s.png" % (args.procedure, suffix)
    env = dict(REAL_WEIGHTS)
    session = gimp3.GimpSession(gimp3.ensure_root())
    try:
        shot = os.path.join(session.out_dir, name)
        ready = PREVIEW_SHOWN if args.procedure in looks.PROCEDURES else None
        if args.gallery:
            build_gallery(session.engine_home)
            ready = GALLERY_SHOWN
        if args.no_network:
            env["INCEPTIONISM_E2E_DIALOG_VALUES"] = json.dumps({"model": "googlenet"})
            ready = GREYED_OUT
        launch = session.dialog_screenshot(args.procedure, shot, ready,
                                           args.wait if ready else min(args.wait, 60), env=env)
        if not os.path.exists(shot):
            raise SystemExit("no screenshot taken:\n" + launch.stderr)
        print(session.engine_log())
        target = os.path.join(gimp3.REPO, "docs", "images", name)
        with open(shot + ".json") as geometry:
            compact(shot, target, dialog_box(json.load(geometry), args.procedure))
        print("saved %s (%d bytes)" % (target, os.path.getsize(target)))
    finally:
        session.close()


def dialog_box(geometry, procedure):
    """(left, top, right, bottom) of the procedure's dialog on the screen, with a margin."""
    title = [entry[1] for entry in plugin_support.PROCEDURES.values()
             if entry[0] == procedure][0].replace("_", "").rstrip(".")
    window = [w for w in geometry["windows"] if w["name"].startswith(title)][0]
    width, height = geometry["screen"]
    if window["x"] < 0 or window["y"] < 0 or window["x"] + window["width"] > width or \
            window["y"] + window["height"] > height:
        raise SystemExit("the dialog does not fit the %d x %d screen: %r" % (width, height,
                                                                             window))
    return (max(0, window["x"] - MARGIN), max(0, window["y"] - MARGIN),
            min(width, window["x"] + window["width"] + MARGIN),
            min(height, window["y"] + window["height"] + MARGIN))


def compact(shot, target, box):
    """The box of the screenshot as a palette PNG under MAX_BYTES (fewer colours until it is)."""
    from PIL import Image
    picture = Image.open(shot).convert("RGB").crop(box)
    for colours in (256, 192, 128, 96, 64):
        picture.quantize(colours, method=Image.Quantize.MEDIANCUT,
                         dither=Image.Dither.FLOYDSTEINBERG).save(target, optimize=True)
        if os.path.getsize(target) <= MAX_BYTES:
            return
    raise SystemExit("%s stays over %d bytes" % (target, MAX_BYTES))


def build_gallery(engine_home):
    """The Dream dialog's layer's channel gallery (its default settings, the networks installed
    there), kept where the dialog's engine looks for it."""
    os.environ.update(INCEPTIONISM_HOME=engine_home, INCEPTIONISM_RANDOM_WEIGHTS="0")
    from inceptionism.engine import Engine
    values = settings.validate("dream", {}, installed=catalogue.installed_networks())
    print("building the channel gallery of %s %s" % (values["model"], values["layer"]))
    Engine(device="cpu").gallery(values["model"], values["layer"])


if __name__ == "__main__":
    main()
