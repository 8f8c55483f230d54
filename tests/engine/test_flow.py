"""Optical flow for the animation's warm start: it finds a known motion and distrusts what it
cannot see (flow.py)."""
import numpy as np
import pytest

from inceptionism import flow


def shifted_pair(make_picture, shift=3):
    """(first, second): second is first with the view moved right by shift pixels."""
    wide = make_picture(48, 80 + shift).astype(np.float32) / 255.0
    return np.ascontiguousarray(wide[:, :80]), np.ascontiguousarray(wide[:, shift:80 + shift])


def test_a_warp_along_the_flow_recovers_a_shift(make_picture):
    first, second = shifted_pair(make_picture, 3)
    backward = flow.estimate(flow.gray8(second), flow.gray8(first))
    inner = (slice(6, -6), slice(6, -9))
    assert np.median(backward[inner][..., 0]) == pytest.approx(3.0, abs=0.1)
    assert np.abs(np.median(backward[inner][..., 1])) < 0.1
    warped = flow.warp(first, backward)
    assert np.abs(warped - second)[inner].mean() < np.abs(first - second)[inner].mean() / 10


def test_the_consistency_mask_flags_the_disoccluded_border(make_picture):
    first, second = shifted_pair(make_picture, 4)
    a, b = flow.gray8(first), flow.gray8(second)
    mask = flow.consistency(flow.estimate(b, a), flow.estimate(a, b))
    assert mask[:, -4:].max() == 0.0  # came into view: nothing of it in the last frame
    assert mask[6:-6, 6:-10].mean() > 0.95


def test_carried_detail_moves_with_the_picture_and_is_zero_where_unseen(make_picture):
    first, second = shifted_pair(make_picture, 4)
    detail = np.zeros_like(first)
    detail[20:28, 30:38] = 0.2  # a dreamed blob on the first frame
    carried = flow.carry(detail, flow.gray8(first), flow.gray8(second))
    assert carried[22:26, 28:32].mean() > 0.15  # 4 pixels further left in the second frame
    assert carried[:, -4:].max() == 0.0

