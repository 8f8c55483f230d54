"""Takes docs/images/PROCEDURE-dialog.png: a real dialog of the real GIMP 3, under Xvfb.

Usage (as root): python tests/e2e/screenshot_dialog.py [--procedure dream|visualize|zoom|animate]
[--wait SECONDS]. GIMP starts with a screen inside the cached root, opens an image and the
dialog; once the Dream dialog's preview is shown (the others: after a minute) the whole screen
is captured.
"""
import argparse
import os
import shutil

import gimp3
from inceptionism import looks, settings

# The line the Dream dialog logs once its first preview is on screen.
PREVIEW_SHOWN = "plug-in: preview .* shown"
# The line it logs when it greys out its Dream button (and says why).
GREYED_OUT = "run button is greyed out"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedure", choices=settings.PROCEDURES, default="dream")
    parser.add_argument("--wait", type=int, default=240,
                        help="seconds to wait for the dialog (and its preview) at most")
    args = parser.parse_args()
    name = "%s-dialog.png" % args.procedure
    session = gimp3.GimpSession(gimp3.ensure_root())
    try:
        shot = os.path.join(session.out_dir, name)
        ready = PREVIEW_SHOWN if args.procedure in looks.PROCEDURES else None
        launch = session.dialog_screenshot(args.procedure, shot, ready,
                                           args.wait if ready else min(args.wait, 60))
        if not os.path.exists(shot):
            raise SystemExit("no screenshot taken:\n" + launch.stderr)
        target = os.path.join(gimp3.REPO, "docs", "images", name)
        shutil.copy(shot, target)
        print("saved " + target)
    finally:
        session.close()


if __name__ == "__main__":
    main()
