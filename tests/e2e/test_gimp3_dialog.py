"""The Dream dialog in a real GIMP 3 with a screen (Xvfb): the artist's words lead, the preview
runs on the dialog's worker and is shown inside it, with the time estimate. The screenshot is
the one in the documentation (screenshot_dialog.py takes it the same way)."""
import re
import struct

import pytest

pytestmark = pytest.mark.gimp
DISPLAY_TROUBLE = ("Traceback", "CRITICAL", "cannot open display", "Gtk-WARNING")


def test_the_preview_is_dreamed_by_the_worker_and_shown_in_the_dialog(dream_dialog):
    shown = re.search(r"plug-in: preview (\d+)\u00d7(\d+) of inception4c shown", dream_dialog["log"])
    assert shown, dream_dialog["log"] + dream_dialog["launch"].stderr
    assert max(int(shown.group(1)), int(shown.group(2))) == 256
    assert re.search(r"worker \d+: preview #1 ok", dream_dialog["log"])


def test_the_dialog_estimates_the_full_dream_from_the_preview(dream_dialog):
    shown = [row for row in dream_dialog["log"].splitlines() if "plug-in: preview" in row][0]
    assert re.search(r"Full size \(640 \u00d7 420\): about \d+ (s|min) on cpu", shown), shown


def test_the_preview_has_the_classic_look_in_the_dialogs_words(dream_dialog):
    line = [row for row in dream_dialog["log"].splitlines() if "preview #1 ok" in row][0]
    for word in ('"recipe": "custom"', '"layer": "inception4c"', '"iterations": 5'):
        assert word in line  # the preview's own lighter settings, of the dialog's classic look


def test_no_display_or_python_error_on_the_way(dream_dialog):
    stderr = dream_dialog["launch"].stderr
    assert not [trouble for trouble in DISPLAY_TROUBLE if trouble in stderr], stderr


def test_the_screen_was_captured_with_the_dialog(dream_dialog):
    assert dream_dialog["png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", dream_dialog["png"][16:24]) == (1280, 900)


def dialog_window(dialog):
    windows = [w for w in dialog["windows"]["windows"] if w["name"].startswith("Dream")]
    assert len(windows) == 1, dialog["windows"]
    return windows[0]


@pytest.mark.parametrize("fixture", ["dream_dialog", "dream_dialog_without_network",
                                     "dream_dialog_real_weights"])
def test_the_dialog_and_all_its_buttons_fit_on_the_screen(request, fixture):
    dialog = request.getfixturevalue(fixture)
    window, (width, height) = dialog_window(dialog), dialog["windows"]["screen"]
    assert window["x"] >= 0 and window["y"] >= 0, window
    assert window["x"] + window["width"] <= width and window["y"] + window["height"] <= height
    assert window["width"] <= 640, window  # messages wrap: the dialog keeps a sensible width


def test_with_real_weights_and_no_googlenet_file_lite0_dreams_the_preview_and_auto_stays(
        dream_dialog_real_weights):
    """The dialog keeps Network = auto (what a run and GIMP's last values get), while the
    layer follows EfficientNet-Lite0, which auto stands for here."""
    log = dream_dialog_real_weights["log"]
    shown = re.search(r"plug-in: preview \d+\u00d7\d+ of lite0-block11 shown.*"
                      r"the dialog's Network: (\w+)", log)
    assert shown and shown.group(1) == "auto", log
    line = [row for row in log.splitlines() if "preview #1 ok" in row][0]
    for word in ('"model": "efficientnet_lite0"', '"layer": "lite0-block11"'):
        assert word in line, line  # what the engine was asked to dream
    assert "run button is on" in log and "greyed out" not in log
    stderr = dream_dialog_real_weights["launch"].stderr
    assert not [trouble for trouble in DISPLAY_TROUBLE if trouble in stderr], stderr


def test_with_googlenet_chosen_and_no_file_the_dialog_says_so_and_greys_out_dream(
        dream_dialog_without_network):
    log = dream_dialog_without_network["log"]
    assert ("run button is greyed out: missing-weights: "
            "The GoogLeNet network file is not installed.") in log, log
    assert "plug-in: preview" not in log  # no dream is tried
    stderr = dream_dialog_without_network["launch"].stderr
    assert not [trouble for trouble in DISPLAY_TROUBLE if trouble in stderr], stderr
