"""The first convolution's input gradient through space-to-depth is the direct one's."""
import pytest
import torch

from inceptionism import models, space_to_depth


def frozen_convolution(kernel, padding, channels=3, seed=0):
    torch.manual_seed(seed)
    convolution = torch.nn.Conv2d(channels, 8, kernel, stride=2, padding=padding)
    return convolution.requires_grad_(False).to(memory_format=torch.channels_last)


def output_and_gradient(module, pixels, seed=1):
    pixels = pixels.clone().requires_grad_(True)
    output = module(pixels)
    weights = torch.randn(output.shape, generator=torch.Generator().manual_seed(seed))
    return output, torch.autograd.grad((output * weights).sum(), pixels)[0]


@pytest.mark.parametrize("kernel,padding", [(7, 3), (5, 2), (7, 0), (5, 1)])
@pytest.mark.parametrize("height,width", [(32, 32), (33, 40), (41, 29)])
def test_the_regrouped_gradient_is_the_direct_one(kernel, padding, height, width):
    convolution = frozen_convolution(kernel, padding)
    pixels = torch.rand(2, 3, height, width).contiguous(memory_format=torch.channels_last)
    expected_output, expected = output_and_gradient(convolution, pixels)
    output, gradient = output_and_gradient(space_to_depth.SpaceToDepthGradient(convolution),
                                           pixels)
    assert torch.equal(output, expected_output)  # the forward pass is the direct convolution
    assert gradient.shape == pixels.shape and gradient.dtype == pixels.dtype
    torch.testing.assert_close(gradient, expected, rtol=1e-5, atol=1e-5)


def test_under_bfloat16_autocast_the_gradient_is_bfloat16s_and_comes_back_as_float32():
    convolution = frozen_convolution(7, 3)
    pixels = torch.rand(1, 3, 64, 64).contiguous(memory_format=torch.channels_last)
    _, expected = output_and_gradient(convolution, pixels)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        _, gradient = output_and_gradient(space_to_depth.SpaceToDepthGradient(convolution),
                                          pixels)
    assert gradient.dtype == torch.float32
    assert (gradient - expected).abs().max() < 0.02 * expected.abs().max()


def test_only_a_frozen_strided_convolution_of_few_channels_and_a_large_kernel_is_regrouped():
    assert space_to_depth.applies_to(frozen_convolution(7, 3))
    assert not space_to_depth.applies_to(frozen_convolution(3, 1))  # no faster regrouped
    assert not space_to_depth.applies_to(frozen_convolution(7, 3, channels=64))
    assert not space_to_depth.applies_to(frozen_convolution(7, 3).requires_grad_(True))
    assert not space_to_depth.applies_to(torch.nn.Conv2d(3, 8, 7, stride=1, padding=3))


@pytest.mark.parametrize("model,regrouped", [("googlenet", ["conv1.conv"]),
                                             ("resnet50", ["conv1"]), ("inception_v3", [])])
def test_a_network_regroups_its_first_convolution_and_no_other(random_build, model, regrouped):
    layer = {"googlenet": "inception3a", "resnet50": "stem", "inception_v3": "mixed5b"}[model]
    network = models.Network(model, random_build(model), [layer])
    assert [name for name, module in network.extractor.named_modules()
            if isinstance(module, space_to_depth.SpaceToDepthGradient)] == regrouped
