"""The zoom dive: one frame per step of the dive, each a small change of the last."""
import numpy as np
import pytest

from inceptionism.errors import Cancelled

DIVE = {"layer": "conv2", "octaves": 1, "iterations": 1, "width": 48, "height": 40}


def test_frames_have_the_count_and_size_asked_for_and_follow_each_other(engine):
    frames = []
    last, meta = engine.zoom(dict(DIVE, frames=4), on_frame=lambda i, f: frames.append((i, f)))
    assert [i for i, _ in frames] == [0, 1, 2, 3]
    assert all(f.shape == (40, 48, 3) and f.dtype == np.uint8 for _, f in frames)
    assert (last == frames[-1][1]).all() and meta["frames"] == 4
    unrelated = np.random.RandomState(5).randint(0, 256, (40, 48, 3))
    for (_, a), (_, b) in zip(frames, frames[1:]):
        step = np.abs(a.astype(float) - b).mean()
        assert step < np.abs(a.astype(float) - unrelated).mean() / 2


def test_dive_from_a_layer_keeps_its_kind(engine, make_picture):
    picture = make_picture(36, 44, channels=4, dtype=np.uint16)
    frames = []
    engine.zoom(dict(DIVE, frames=2, start="layer", rotate=3.0), picture,
                on_frame=lambda i, f: frames.append(f))
    assert [f.shape for f in frames] == [picture.shape] * 2 and frames[0].dtype == np.uint16


def test_cancel_keeps_the_finished_frames(engine):
    frames = []
    with pytest.raises(Cancelled):
        engine.zoom(dict(DIVE, frames=10), on_frame=lambda i, f: frames.append(f),
                    should_stop=lambda: len(frames) >= 2)
    assert len(frames) == 2
