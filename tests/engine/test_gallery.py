"""The channel gallery: one picture per channel, kept in the data folder, resumed after a cancel."""
import functools
import os

import numpy as np
import pytest

from inceptionism import cli, gallery, images, plugin_support
from inceptionism.errors import Cancelled

# conv1 of GoogLeNet has 64 channels: four batches of 16 tiny pictures, two steps each.
LAYER, SMALL = "conv1", dict(tile=32, steps=2, batch=16)


@pytest.fixture(scope="module")
def network(engine):
    return engine.network("googlenet", [LAYER])


def build(network, folder, **options):
    return gallery.pictures(network, LAYER, str(folder), **dict(SMALL, **options))


def test_one_picture_per_channel_each_in_its_labelled_cell(network, tmp_path):
    tiles = build(network, tmp_path)
    assert tiles.shape == (64, 32, 32, 3) and tiles.dtype == np.uint8
    assert len(set(tile.tobytes() for tile in tiles)) == 64  # each channel paints its own
    sheet, cell = gallery.grid(tiles)
    assert sheet.shape == (4 * (32 + gallery.LABEL), 16 * 32, 3) and cell == (32, 44)
    meta = {"cell": cell, "columns": 16, "channels": 64}
    for channel in (0, 17, 63):
        x, y = (channel % 16) * 32, (channel // 16) * 44
        assert np.array_equal(sheet[y:y + 32, x:x + 32], tiles[channel])
        assert sheet[y + 32:y + 44, x:x + 32].max() > 200  # its number, drawn light on dark
        assert plugin_support.gallery_channel_at(x + 31, y + 43, meta) == channel
    assert plugin_support.gallery_channel_at(16 * 32, 0, meta) is None


def test_a_built_gallery_is_kept_and_not_made_again(network, tmp_path):
    first = build(network, tmp_path)

    def must_not_dream():
        raise AssertionError("the kept gallery was optimised again")
    assert np.array_equal(build(network, tmp_path, should_stop=must_not_dream), first)


def test_a_cancelled_build_resumes_where_it_stopped(network, tmp_path):
    whole = build(network, tmp_path / "whole")
    asked = []

    def stop_in_the_third_batch():
        asked.append(True)
        return len(asked) > 2 * SMALL["steps"]
    with pytest.raises(Cancelled):
        build(network, tmp_path / "cancelled", should_stop=stop_in_the_third_batch)
    kept = sorted(os.listdir(str(tmp_path / "cancelled")))
    assert kept == ["channels-0000-0016.npy", "channels-0016-0032.npy"]  # no half batch
    steps = []
    resumed = build(network, tmp_path / "cancelled", should_stop=lambda: steps.append(1) or False)
    assert len(steps) == 2 * SMALL["steps"]  # only the two batches left were made
    assert np.array_equal(resumed, whole)


def test_the_command_line_writes_the_labelled_gallery(tmp_path, monkeypatch):
    monkeypatch.setenv("INCEPTIONISM_HOME", str(tmp_path))
    monkeypatch.setattr(gallery, "pictures", functools.partial(gallery.pictures, **SMALL))
    out = str(tmp_path / "channels.png")
    assert cli.main(["channels", "--layer", LAYER, out, "--random-weights"]) == 0
    assert images.read_image(out).shape == (4 * 44, 16 * 32, 3)
    assert os.listdir(str(tmp_path / "gallery")) == [
        "googlenet-conv1-random-64px-24steps-gain0.25-lr0.2"]


def test_an_unknown_layer_is_one_line(tmp_path, capsys):
    assert cli.main(["channels", "--layer", "inception9z", str(tmp_path / "x.png")]) == 1
    assert "inception9z" in capsys.readouterr().err
