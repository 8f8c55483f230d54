"""The Dream dialog in a real GIMP 3 with a screen (Xvfb): the artist's words lead, the preview
runs on the dialog's worker and is shown inside it, with the time estimate. The screenshot is
the one in the documentation (screenshot_dialog.py takes it the same way)."""
import os
import re
import struct

import pytest

import gimp3
from screenshot_dialog import PREVIEW_SHOWN

pytestmark = pytest.mark.gimp
DISPLAY_TROUBLE = ("Traceback", "CRITICAL", "cannot open display", "Gtk-WARNING")


@pytest.fixture(scope="module")
def dialog():
    if os.geteuid() != 0:
        pytest.skip("the real-GIMP tests need root (chroot and private mounts)")
    session = gimp3.GimpSession(gimp3.ensure_root())
    try:
        shot = os.path.join(session.out_dir, "dream-dialog.png")
        launch = session.dialog_screenshot("dream", shot, PREVIEW_SHOWN, wait_s=300)
        with open(shot, "rb") as png:
            header = png.read(24)
        yield {"launch": launch, "log": session.engine_log(), "png": header}
    finally:
        session.close()


def test_the_preview_is_dreamed_by_the_worker_and_shown_in_the_dialog(dialog):
    shown = re.search(r"plug-in: preview (\d+)\u00d7(\d+) of inception4c shown", dialog["log"])
    assert shown, dialog["log"] + dialog["launch"].stderr
    assert max(int(shown.group(1)), int(shown.group(2))) == 256
    assert re.search(r"worker \d+: preview #1 ok", dialog["log"])


def test_the_preview_has_the_classic_look_in_the_dialogs_words(dialog):
    line = [row for row in dialog["log"].splitlines() if "preview #1 ok" in row][0]
    for word in ('"recipe": "custom"', '"layer": "inception4c"', '"iterations": 5'):
        assert word in line  # the preview's own lighter settings, of the dialog's classic look


def test_no_display_or_python_error_on_the_way(dialog):
    stderr = dialog["launch"].stderr
    assert not [trouble for trouble in DISPLAY_TROUBLE if trouble in stderr], stderr


def test_the_screen_was_captured_with_the_dialog(dialog):
    assert dialog["png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", dialog["png"][16:24]) == (1280, 900)
