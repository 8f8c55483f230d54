"""The real-GIMP tests share one GIMP launch (each costs minutes on a small machine); the
dialog's tests need a launch with a screen of their own."""
import json
import os
import shutil

import pytest

import gimp3
import recorded
from screenshot_dialog import GREYED_OUT, PREVIEW_SHOWN


def gimp_session():
    """A fresh GimpSession in the cached root (built on first use); skips without root."""
    if os.geteuid() != 0:
        pytest.skip("the real-GIMP tests need root (chroot and private mounts)")
    return gimp3.GimpSession(gimp3.ensure_root())


@pytest.fixture(scope="session")
def gimp_run():
    yield from launched(recorded.record_all_cases)


@pytest.fixture(scope="session")
def real_weights_run():
    """A launch of its own, the engine with its real weights and no GoogLeNet file."""
    yield from launched(recorded.record_real_weight_cases)


def launched(record):
    """record(session) of a fresh GimpSession, closed after its one use."""
    session = gimp_session()
    try:
        yield record(session)
    finally:
        session.close()


def open_dream_dialog(name, ready, env=None):
    """The Dream dialog opened by an artist, once the log says ready: what GIMP said, the
    engine's log, the screenshot's first bytes and the windows' geometry. With
    INCEPTIONISM_KEEP_SCREENSHOTS=DIR the screenshot is kept there as name (for docs/images)."""
    session = gimp_session()
    try:
        shot = os.path.join(session.out_dir, name)
        launch = session.dialog_screenshot("dream", shot, ready, wait_s=300, env=env)
        with open(shot, "rb") as png:
            header = png.read(24)
        if os.environ.get("INCEPTIONISM_KEEP_SCREENSHOTS"):
            shutil.copy(shot, os.path.join(os.environ["INCEPTIONISM_KEEP_SCREENSHOTS"], name))
        with open(shot + ".json") as geometry:
            windows = json.load(geometry)
        return {"launch": launch, "log": session.engine_log(), "png": header, "windows": windows}
    finally:
        session.close()


@pytest.fixture(scope="module")
def dream_dialog():
    return open_dream_dialog("dream-dialog.png", PREVIEW_SHOWN)


# The engine with its real weights, in a fresh install where no GoogLeNet file was downloaded.
REAL_WEIGHTS = {"INCEPTIONISM_RANDOM_WEIGHTS": "0"}
COFFEE = os.path.join(gimp3.REPO, "tests", "data", "coffee.jpg")  # tests/data/README.md


@pytest.fixture(scope="module")
def dream_dialog_real_weights():
    """The Dream dialog with the default settings, on a photograph: auto stands for
    EfficientNet-Lite0, which came with the engine."""
    return open_dream_dialog("dream-dialog-lite0.png", PREVIEW_SHOWN,
                             dict(REAL_WEIGHTS, INCEPTIONISM_E2E_PICTURE=COFFEE))


@pytest.fixture(scope="module")
def dream_dialog_without_network():
    """The same, with GoogLeNet chosen under Advanced and its file missing (an offline
    install): a network named by hand is never replaced."""
    return open_dream_dialog("dream-dialog-no-network.png", GREYED_OUT, dict(
        REAL_WEIGHTS, INCEPTIONISM_E2E_DIALOG_VALUES=json.dumps({"model": "googlenet"})))


@pytest.fixture(scope="module")
def two_at_once():
    """The Dream dialog open on one image with its preview shown, and meanwhile a second GIMP
    dreaming on another image: the second dream's outcome, the engine's log, the screenshot."""
    session = gimp_session()
    try:
        shot = os.path.join(session.out_dir, "two-at-once.png")
        launch = session.dialog_screenshot(
            "dream", shot, PREVIEW_SHOWN, wait_s=300, meanwhile=recorded.SECOND_DREAM,
            env={"INCEPTIONISM_E2E_SETTINGS": json.dumps(recorded.FAST["dream"])})
        second = os.path.join(session.out_dir, "second_dream.json")
        outcome = None
        if os.path.exists(second):
            with open(second) as handle:
                outcome = json.load(handle)
        yield {"launch": launch, "log": session.engine_log(), "second": outcome,
               "shot": shot if os.path.exists(shot) else None}
    finally:
        session.close()
