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


def test_a_mixs_gradient_is_the_weighted_sum_of_its_parts():
    """A tiny network x -> {"a": 2x, "b": x*x}: layer_l2("a") has gradient 4x over the two
    pixels, layer_l2("b") 2x**3; a mix with blend 0.25 takes 0.75 of one and 0.25 of the other."""
    def gradient(objective):
        pixels = torch.tensor([[[[1.0, 2.0]]]], requires_grad=True)
        objective({"a": 2 * pixels, "b": pixels * pixels}).backward()
        return pixels.grad.flatten().tolist()
    first, second = gradient(objectives.layer_l2("a")), gradient(objectives.layer_l2("b"))
    assert (first, second) == ([4.0, 8.0], [2.0, 16.0])
    mixed = objectives.mix(objectives.layer_l2("a"), "b", 0.25)
    assert gradient(mixed) == [3.5, 10.0] == [0.75 * f + 0.25 * s for f, s in zip(first, second)]
    assert mixed.layers == {"a", "b"}


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


@pytest.mark.parametrize("text,settings", [
    ("inception4c", {"layer": "inception4c"}),
    ("inception4c:12", {"layer": "inception4c", "channel": 12}),
    ("0.7*inception4c+0.3*inception5a",
     {"layer": "inception4c", "layer-2": "inception5a", "blend": 0.3}),
    ("inception4c+inception4d", {"layer": "inception4c", "layer-2": "inception4d", "blend": 0.5}),
    ("3*mixed5b + 1*mixed7c", {"layer": "mixed5b", "layer-2": "mixed7c", "blend": 0.25}),
])
def test_a_layer_or_a_mix_becomes_settings(text, settings):
    assert objectives.parse_layers(text) == settings


@pytest.mark.parametrize("text,words", [
    ("0.7*inception4c+0.3*inception9z", "'inception9z' is not a layer"),
    ("0.7*inception9z+0.3*inception4c", "'inception9z' is not a layer"),
    ("0.7*inception4c+0.3*mixed6c", "inception4c belongs to googlenet and mixed6c to inception_v3"),
    ("much*inception4c+inception4d", "'much' is not a weight"),
    ("0*inception4c+inception4d", "the weight of inception4c must be above 0"),
    ("inception4c:3+inception4d", "inception4c:3: a mix dreams whole layers"),
    ("conv1+conv2+conv3", "a mix holds two layers"),
])
def test_a_wrong_mix_names_its_wrong_part(text, words):
    with pytest.raises(InceptionismError) as raised:
        objectives.parse_layers(text)
    assert raised.value.code == "bad-settings" and words in raised.value.message
    assert "0.7*inception4c+0.3*inception5a" in raised.value.message
