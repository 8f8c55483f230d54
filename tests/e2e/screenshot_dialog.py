"""Takes docs/images/PROCEDURE-dialog.png: a real dialog of the real GIMP 3, under Xvfb.

Usage (as root): python tests/e2e/screenshot_dialog.py [--procedure dream|visualize|zoom]
[--wait SECONDS]. GIMP starts with a screen inside the cached root, opens an image and the
dialog; after the wait the whole screen is captured (there is no window manager: the dialog sits
at the top left).
"""
import argparse
import os
import shlex
import shutil

import gimp3
from inceptionism import settings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedure", choices=settings.PROCEDURES, default="dream")
    parser.add_argument("--wait", type=int, default=60, help="seconds until the dialog is up")
    args = parser.parse_args()
    name = "%s-dialog.png" % args.procedure
    session = gimp3.GimpSession(gimp3.ensure_root())
    try:
        shot = os.path.join(session.out_dir, name)
        script = os.path.join(gimp3.HERE, "in_gimp", "open_dialog.py")
        gimp = "gimp-3.0 --no-splash --batch-interpreter python-fu-eval -b %s" % shlex.quote(
            "exec(open(%r).read())" % script)
        steps = "%s & sleep %d; import -window root %s; kill $!" % (
            gimp, args.wait, shlex.quote(session.inside(shot)))
        launch = session.launch(["xvfb-run", "-a", "-s", "-screen 0 1280x900x24",
                                 "bash", "-c", steps],
                                {"INCEPTIONISM_DIALOG": args.procedure})
        if not os.path.exists(shot):
            raise SystemExit("no screenshot taken:\n" + launch.stderr)
        target = os.path.join(gimp3.REPO, "docs", "images", name)
        shutil.copy(shot, target)
        print("saved " + target)
    finally:
        session.close()


if __name__ == "__main__":
    main()
