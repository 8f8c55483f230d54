"""Objectives compute the numbers they promise and compose like numbers."""
import pytest
import torch

from inceptionism import objectives
from inceptionism.errors import InceptionismError

# Two layers of known activations: [1, 2 channels, 1, 2] and [1, 1 channel, 1, 1].
ACTS = {"a": torch.tensor([[[[1.0, 2.0]], [[3.0, 4.0]]]]), "b": torch.tensor([[[[2.0]]]])}


def test_layer_l2_is_the_mean_square_activation():
    assert objectives.layer_l2("a")(ACTS).item() == pytest.approx((1 + 4 + 9 + 16) / 4.0)
    assert objectives.layer_l2("a", channel=1)(ACTS).item() == pytest.approx((9 + 16) / 2.0)


def test_objectives_add_and_scale():
    combined = 0.5 * objectives.layer_l2("a") + objectives.layer_l2("b") * 2
    assert combined(ACTS).item() == pytest.approx(0.5 * 7.5 + 2 * 4.0)
    assert combined.layers == {"a", "b"}


def test_weighted_layers_sums_each_layer_by_its_weight():
    objective = objectives.weighted_layers({"a": 0.2, "b": 0.8})
    assert objective(ACTS).item() == pytest.approx(0.2 * 7.5 + 0.8 * 4.0)
    assert objective.layers == {"a", "b"}


def test_guide_pulls_each_position_towards_its_best_matching_guide_feature():
    guide_acts = torch.tensor([[[[1.0, 0.0]], [[0.0, 1.0]]]])  # guide features (1, 0) and (0, 1)
    image = {"a": torch.tensor([[[[3.0, 1.0]], [[1.0, 2.0]]]], requires_grad=True)}
    value = objectives.guide("a", guide_acts)(image)  # positions (3, 1) and (1, 2)
    assert value.item() == pytest.approx((3.0 + 2.0) / 2)
    value.backward()
    # the gradient at each position is its best guide feature (as google/deepdream sets it)
    expected = torch.tensor([[[[1.0, 0.0]], [[0.0, 1.0]]]]) / 2
    torch.testing.assert_close(image["a"].grad, expected)


@pytest.mark.parametrize("text,target", [("inception4c:12", ("inception4c", 12)),
                                         ("mixed5b", ("mixed5b", None)),
                                         ("conv1-2:0", ("conv1-2", 0))])
def test_layer_channel_shorthand(text, target):
    assert objectives.parse_target(text) == target


@pytest.mark.parametrize("text", ["inception4c:", "inception4c:x", "inception4c:-1"])
def test_bad_shorthand_says_how_to_write_it(text):
    with pytest.raises(InceptionismError, match="inception4c:12"):
        objectives.parse_target(text)
