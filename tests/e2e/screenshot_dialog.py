"""Takes docs/images/PROCEDURE-dialog.png: a real dialog of the real GIMP 3, under Xvfb.

Usage (as root): python tests/e2e/screenshot_dialog.py [--procedure dream|visualize|zoom|animate]
[--wait SECONDS] [--gallery]. GIMP starts with a screen inside the cached root, opens an image
and the dialog; once the Dream dialog's preview is shown (the others: after a minute) the whole
screen is captured. --gallery first builds the default layer's channel gallery (random weights,
as the dialog's engine has; minutes) and waits until the dialog shows it:
docs/images/dream-dialog-gallery.png.
"""
import argparse
import os
import shutil

import gimp3
from inceptionism import looks, settings

# The line the Dream dialog logs once its first preview is on screen.
PREVIEW_SHOWN = "plug-in: preview .* shown"
# The line it logs once the kept channel gallery is on screen.
GALLERY_SHOWN = "plug-in: channel gallery of .* shown"
# The line it logs when it greys out its Dream button (and says why).
GREYED_OUT = "run button is greyed out"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedure", choices=settings.PROCEDURES, default="dream")
    parser.add_argument("--wait", type=int, default=240,
                        help="seconds to wait for the dialog (and its preview) at most")
    parser.add_argument("--gallery", action="store_true",
                        help="build and show the Dream dialog's channel gallery")
    args = parser.parse_args()
    name = "%s-dialog%s.png" % (args.procedure, "-gallery" if args.gallery else "")
    session = gimp3.GimpSession(gimp3.ensure_root())
    try:
        shot = os.path.join(session.out_dir, name)
        ready = PREVIEW_SHOWN if args.procedure in looks.PROCEDURES else None
        if args.gallery:
            build_gallery(session.engine_home)
            ready = GALLERY_SHOWN
        launch = session.dialog_screenshot(args.procedure, shot, ready,
                                           args.wait if ready else min(args.wait, 60))
        if not os.path.exists(shot):
            raise SystemExit("no screenshot taken:\n" + launch.stderr)
        target = os.path.join(gimp3.REPO, "docs", "images", name)
        shutil.copy(shot, target)
        print("saved " + target)
    finally:
        session.close()


def build_gallery(engine_home):
    """The default layer's channel gallery, kept where the dialog's engine looks for it."""
    os.environ["INCEPTIONISM_HOME"] = engine_home
    from inceptionism.engine import Engine
    values = settings.validate("dream", {})
    Engine(device="cpu", random_weights=True).gallery(values["model"], values["layer"])


if __name__ == "__main__":
    main()
