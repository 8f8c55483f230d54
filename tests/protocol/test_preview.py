"""The dialog's preview and time estimate (preview.py, plugin_support.Session) with the real
worker and engine (random networks): what the GIMP 3 dialog runs behind its Preview button."""
import json
import os

import pytest

from inceptionism import plugin_support, preview, settings
from protocol_helpers import real_worker_session

pytestmark = pytest.mark.slow
LIGHT = {"recipe": "custom", "depth": "custom", "detail": "custom", "strength": "custom",
         "layer": "conv2", "octaves": 2, "iterations": 3}


def picture(width, height):
    return plugin_support.Pixels(width, height, 3, "u8", os.urandom(width * height * 3))


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("home")


@pytest.fixture
def session(home, monkeypatch):
    with real_worker_session(home, monkeypatch, home / "inceptionism.log") as session:
        yield session


@pytest.mark.parametrize("size, expected", [((640, 400), (256, 160)), ((90, 120), (90, 120))])
def test_a_preview_is_the_selection_shrunk_to_fit_the_preview_side_in_8_bit_rgb(
        session, size, expected):
    meta, small = session.preview(LIGHT, picture(*size))
    assert (small.width, small.height, small.channels, small.dtype) == expected + (3, "u8")
    assert len(small.data) == expected[0] * expected[1] * 3
    assert meta["settings"]["layer"] == "conv2" and meta["random_weights"] is True


def test_gimp_may_hand_the_preview_already_shrunk(session):
    meta, small = session.preview(LIGHT, picture(200, 100), full_size=(2000, 1000))
    assert (small.width, small.height) == (200, 100)
    assert meta["settings"]["octaves"] == 2  # the shrinking stands for the small octaves


def test_a_16_bit_gray_selection_previews_as_rgb(session):
    gray = plugin_support.Pixels(64, 48, 1, "u16", os.urandom(64 * 48 * 2))
    _, small = session.preview(LIGHT, gray)
    assert (small.width, small.height, small.channels, small.dtype) == (64, 48, 3, "u8")


def test_the_preview_keeps_the_look_lighter():
    values = preview.preview_settings(dict(settings.defaults("dream"), detail="large"), 1024, 768)
    assert values["layer"] == "inception4c"  # the same look
    assert values["octaves"] == 6 - 4  # 1024 -> 256 stands for 4 octaves of 1.4
    assert values["iterations"] == preview.PREVIEW_ITERATIONS
    assert values["step-size"] * values["iterations"] == pytest.approx(0.01 * 10)
    small = preview.preview_settings(dict(LIGHT, octaves=4), 200, 100)
    assert small["octaves"] == 4  # nothing shrunk, nothing skipped


def test_the_run_after_previews_reuses_their_worker(session):
    session.preview(LIGHT, picture(64, 48))
    process = session.worker.process
    session.preview(LIGHT, picture(64, 48))
    session.run("dream", LIGHT, picture(64, 48))
    assert session.worker.process is process and process.poll() is None


def test_before_any_dream_the_estimate_asks_for_a_preview(tmp_path):
    path = str(tmp_path / "speed.json")
    assert preview.estimate(LIGHT, 800, 600, path) is None
    assert "preview once" in preview.estimate_text(LIGHT, 800, 600, path)


def test_the_estimate_after_a_preview_is_within_a_factor_of_two_of_the_run(session, home):
    values = dict(LIGHT, layer="inception3a", iterations=4)
    selection = picture(640, 480)
    session.preview(values, selection)  # also builds the network, as the dialog's preview does
    estimated, device = preview.estimate(values, 640, 480)
    meta, _ = session.run("dream", values, selection)
    measured = meta["speed"]["seconds"]
    assert device == meta["device"]
    assert 0.5 <= estimated / measured <= 2.0, (estimated, measured)
    assert u"on cpu" in preview.estimate_text(values, 640, 480)
    title = plugin_support.progress_title("dream", values, selection)
    assert title.startswith(u"Dream\u2026 about ")


def test_a_step_costs_a_fixed_part_and_a_part_growing_with_its_pixels():
    samples = [[pixels, 0.2 + 1e-6 * pixels] for pixels in (50000, 100000, 400000)]
    fixed, per_pixel = preview.step_cost(samples)
    assert fixed == pytest.approx(0.2) and per_pixel == pytest.approx(1e-6)
    assert preview.step_cost([[1000, 0.5]]) == (0.0, 0.0005)  # one size: proportional
    assert preview.step_cost([[1000, 0.5], [4000, 0.4]]) == (0.0, 0.9 / 5000)  # noise


def test_remembered_speeds_make_the_estimate_and_a_damaged_file_is_ignored(tmp_path):
    path = str(tmp_path / "speed.json")
    values = settings.validate("dream", LIGHT)
    meta = {"settings": values, "device": "cuda:0",
            "speed": {"octaves": [[10000, 3, 0.3], [20000, 3, 0.6]]}}
    preview.remember_speed(meta, path)
    work = sum(preview.octave_areas(values, 1000, 1000)) * values["iterations"]
    assert preview.estimate(LIGHT, 1000, 1000, path) == (pytest.approx(1e-5 * work), "cuda:0")
    assert preview.estimate(dict(LIGHT, layer="conv3"), 1000, 1000, path) is None
    with open(path, "w") as damaged:
        damaged.write("{not json")
    assert preview.estimate(LIGHT, 1000, 1000, path) is None


def test_the_estimate_trusts_the_latest_measure_over_older_ones(tmp_path):
    """Steps measured earlier under other conditions (a busy machine, other sizes) must not
    outweigh the preview just dreamed on this picture."""
    path = str(tmp_path / "speed.json")
    values = settings.validate("dream", LIGHT)
    slow = {"settings": values, "device": "cpu",
            "speed": {"octaves": [[pixels, 3, 3 * 1e-4 * pixels] for pixels in (900, 1600)]}}
    for _ in range(8):
        preview.remember_speed(slow, path)
    latest = dict(slow, speed={"octaves": [[10000, 3, 0.3], [20000, 3, 0.6]]})
    preview.remember_speed(latest, path)
    work = sum(preview.octave_areas(values, 1000, 1000)) * values["iterations"]
    assert preview.estimate(LIGHT, 1000, 1000, path)[0] == pytest.approx(1e-5 * work)


def test_an_older_speed_file_still_gives_an_estimate(tmp_path):
    path = tmp_path / "speed.json"
    path.write_text(json.dumps({"googlenet conv2": {"device": "cpu",
                                                   "samples": [[10000, 0.1], [20000, 0.2]]}}))
    work = sum(preview.octave_areas(settings.validate("dream", LIGHT), 1000, 1000)) * 3
    assert preview.estimate(LIGHT, 1000, 1000, str(path))[0] == pytest.approx(1e-5 * work)
