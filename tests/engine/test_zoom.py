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


def test_pan_moves_the_view_by_its_pixels_each_frame():
    import torch
    from inceptionism import transforms
    y, x = torch.meshgrid(torch.arange(32.0), torch.arange(48.0), indexing="ij")
    ramp = torch.stack([x / 47.0, y / 31.0, x * 0 + 0.5])[None]
    moved = transforms.zoom_and_rotate(1.0, 0.0, (3.0, -2.0))(ramp)
    inner = (slice(None), slice(None), slice(4, -4), slice(4, -4))
    assert torch.allclose((moved - ramp)[:, 0][inner[2:]], torch.tensor(3.0 / 47.0), atol=1e-4)
    assert torch.allclose((moved - ramp)[:, 1][inner[2:]], torch.tensor(-2.0 / 31.0), atol=1e-4)


def test_a_panned_dive_differs_from_a_still_one_from_the_second_frame(engine):
    still, panned = [], []
    engine.zoom(dict(DIVE, frames=2, zoom=1.0), on_frame=lambda i, f: still.append(f))
    engine.zoom(dict(DIVE, frames=2, zoom=1.0, **{"pan-x": 6.0}),
                on_frame=lambda i, f: panned.append(f))
    assert np.array_equal(still[0], panned[0]) and not np.array_equal(still[1], panned[1])
