"""Two Inceptionism plug-ins at once in a real GIMP 3 (Xvfb): the Dream dialog open on one image
with its preview (its connection to the warm engine stays open as long as the dialog), and a
dream started on another image meanwhile. The second dream finishes on the same warm engine,
and nothing fails with a timeout (before, it waited in silence for the dialog to close and then
blamed the installation)."""
import re

import pytest

pytestmark = pytest.mark.gimp


def test_the_second_dream_finishes_while_the_dialog_is_open(two_at_once):
    second = two_at_once["second"]
    assert second is not None, two_at_once["launch"].stderr[-3000:]
    assert second["status"] == "success", second["message"]
    assert len(second["layers"]) == 2  # the dream's new layer above the picture


def test_both_are_served_by_the_same_warm_engine(two_at_once):
    log = two_at_once["log"]
    preview = re.search(r"worker (\d+): preview #\d+ ok", log)
    dream = re.search(r"worker (\d+): dream #\d+ ok", log)
    assert preview and dream, log
    assert preview.group(1) == dream.group(1)


def test_nothing_timed_out_or_blamed_the_installation(two_at_once):
    everything = two_at_once["log"] + two_at_once["launch"].stderr
    for words in ("worker-timeout", "stopped answering", "did not answer", "install.py --check"):
        assert words not in everything


def test_the_dialog_was_still_on_screen(two_at_once):
    assert two_at_once["shot"] is not None
    with open(two_at_once["shot"], "rb") as png:
        assert png.read(8) == b"\x89PNG\r\n\x1a\n"
