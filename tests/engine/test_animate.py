"""The sequence dream (Engine.animate): independent frames at coherence 0, the seed honoured,
warm frames starting from the last dream, cancel and resume."""
import numpy as np
import pytest

from inceptionism import animate
from inceptionism.errors import Cancelled

LIGHT = {"model": "googlenet", "layer": "conv2", "octaves": 1, "iterations": 2, "jitter": 4}


def panned(make_picture, count=4, height=32, width=40, step=2):
    """count frames of one picture, the view moving right step pixels a frame."""
    wide = make_picture(height, width + step * count, seed=3)
    return [np.ascontiguousarray(wide[:, k * step:k * step + width]) for k in range(count)]


def dreamed(engine, frames, values, done=None, **options):
    out = []
    engine.animate([(f, None if done is None else done[i]) for i, f in enumerate(frames)],
                   values, len(frames), on_frame=lambda i, p, reused: out.append((p, reused)),
                   **options)
    return out


def test_coherence_0_dreams_each_frame_as_an_independent_dream(engine, make_picture):
    frames = panned(make_picture, 3)
    values = dict(LIGHT, coherence=0.0, seed=5)
    together = [p for p, _ in dreamed(engine, frames, values)]
    for index, frame in enumerate(frames):
        alone, _ = engine.dream(frame, dict(LIGHT, seed=animate.frame_seed(5, index)))
        assert np.array_equal(together[index], alone)


def test_the_same_seed_gives_the_same_frames_and_another_seed_others(engine, make_picture):
    frames = panned(make_picture, 3)
    first = [p for p, _ in dreamed(engine, frames, dict(LIGHT, coherence=0.8, seed=1))]
    again = [p for p, _ in dreamed(engine, frames, dict(LIGHT, coherence=0.8, seed=1))]
    other = [p for p, _ in dreamed(engine, frames, dict(LIGHT, coherence=0.8, seed=2))]
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not any(np.array_equal(a, b) for a, b in zip(first, other))


def test_warm_frames_start_from_the_last_dream_and_take_fewer_iterations(engine, make_picture):
    frames = panned(make_picture, 3)
    free = [p for p, _ in dreamed(engine, frames, dict(LIGHT, iterations=6, coherence=0.0))]
    locked = [p for p, _ in dreamed(engine, frames, dict(LIGHT, iterations=6, flicker="locked"))]
    assert np.array_equal(free[0], locked[0])  # the first frame has nothing to follow
    assert not np.array_equal(free[1], locked[1])
    assert animate.warm_iterations(6, 0.0) == 6
    assert 1 <= animate.warm_iterations(6, 0.95) < animate.warm_iterations(6, 0.8) < 6


def test_frame_seeds_differ_between_frames_and_seeds():
    seeds = set(animate.frame_seed(seed, index) for seed in range(5) for index in range(50))
    assert len(seeds) == 250


def test_cancel_keeps_the_frames_done_and_a_resume_reuses_them(engine, make_picture):
    frames = panned(make_picture, 4)
    values = dict(LIGHT, coherence=0.8, seed=4)
    whole = [p for p, _ in dreamed(engine, frames, values)]
    kept = []
    with pytest.raises(Cancelled):
        engine.animate([(f, None) for f in frames], values, 4,
                       on_frame=lambda i, p, reused: kept.append(p),
                       should_stop=lambda: len(kept) >= 2)
    assert len(kept) == 2
    resumed = dreamed(engine, frames, values, done=kept + [None, None])
    assert [reused for _, reused in resumed] == [True, True, False, False]
    assert all(np.array_equal(a, b) for a, b in zip(whole, [p for p, _ in resumed]))


def test_progress_counts_frames_and_the_selection_applies_to_every_frame(engine, make_picture):
    frames = panned(make_picture, 3)
    mask = np.zeros(frames[0].shape[:2], np.float32)
    mask[:, :20] = 1.0
    stages = []
    out = dreamed(engine, frames, dict(LIGHT, coherence=0.8), mask=mask,
                  progress=lambda fraction, stage, eta: stages.append((fraction, stage)))
    for (result, _), frame in zip(out, frames):
        assert np.array_equal(result[:, 20:], frame[:, 20:])
        assert not np.array_equal(result[:, :20], frame[:, :20])
    assert stages[0][1].startswith("frame 1 of 3") and stages[-1][1].startswith("frame 3 of 3")
    assert [f for f, _ in stages] == sorted(f for f, _ in stages) and stages[-1][0] == 1.0
