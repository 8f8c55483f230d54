"""Networks are cut where the dream needs them, frozen, and only given weights they can trust."""
import os
import subprocess
import sys

import pytest
import torch

from inceptionism import catalogue, models, paths
from inceptionism.errors import InceptionismError


def full_network_activations(network, module_path, normalised):
    """What the whole, uncut network computes at module_path (via a forward hook)."""
    seen = {}
    module = network.get_submodule(module_path)
    handle = module.register_forward_hook(lambda mod, inputs, output: seen.update(out=output))
    with torch.no_grad():
        network(normalised)
    handle.remove()
    return seen["out"]


@pytest.mark.parametrize("model,layer", [
    ("googlenet", "inception4c"), ("googlenet", "conv1"), ("inception_v3", "mixed5d"),
    ("efficientnet_lite0", "lite0-block8"), ("efficientnet_lite0", "lite0-head"),
    ("resnet50", "stem"), ("resnet50", "layer2"),
    pytest.param("vgg16", "conv3-3", marks=pytest.mark.slow)])
def test_truncated_network_computes_what_the_full_one_does(random_build, model, layer):
    full = random_build(model)
    network = models.Network(model, full, [layer], compute_dtype=torch.float32)
    generator = torch.Generator().manual_seed(0)
    pictures = network.normalise(torch.rand(1, 3, 80, 96, generator=generator))
    with torch.no_grad():
        cut = network(pictures)[layer]
    expected = full_network_activations(full, catalogue.layer_of(model, layer).module, pictures)
    # Folded batch norms compute the same function with other roundings (activations ~1).
    torch.testing.assert_close(cut, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("model", [
    "googlenet", "efficientnet_lite0", "inception_v3", "resnet50",
    pytest.param("vgg16", marks=pytest.mark.slow)])
def test_no_batch_norm_is_left_in_any_networks_cut(random_build, model):
    """Folding (torch.fx's fuse) recognises nn.Conv2d alone and skips any other convolution
    without a word: every network's cut must come out with no batch norm left."""
    record = catalogue.network(model)
    layers = [layer.name for layer in record.layers] + [catalogue.LOGITS]
    network = models.Network(model, random_build(model), layers, compute_dtype=torch.float32)
    assert not [m for m in network.extractor.modules() if isinstance(m, torch.nn.BatchNorm2d)]


def test_truncated_network_stops_at_the_deepest_layer(googlenet):
    network = models.Network("googlenet", googlenet, ["inception3a", "inception4a"])
    kept = set(name.split(".")[0] for name, _ in network.extractor.named_modules() if name)
    assert "inception4a" in kept and "inception3a" in kept
    assert not kept & {"inception4b", "inception5b", "fc", "avgpool"}


@pytest.mark.parametrize("model", ["googlenet", "resnet50"])
def test_the_cut_is_torchvisions_feature_extractor_traced_once(random_build, model):
    """cut() replaces create_feature_extractor (which traces twice): the same graph and modules."""
    from torchvision.models.feature_extraction import create_feature_extractor
    outputs = {catalogue.network(model).layers[1].module: "middle", catalogue.network(model).logits: "end"}
    for wanted in (outputs, dict([next(iter(outputs.items()))])):
        ours, theirs = (make(random_build(model), wanted)
                        for make in (models.cut, create_feature_extractor))
        assert ours.code == theirs.code
        assert set(dict(ours.named_modules())) == set(dict(theirs.named_modules()))
    with pytest.raises(ValueError, match="no module"):
        models.cut(random_build(model), {"no.such.module": "x"})


def test_bfloat16_activations_come_back_as_float32_close_to_float32s(googlenet):
    exact, fast = (models.Network("googlenet", googlenet, ["inception4c"], compute_dtype=dtype)
                   for dtype in (torch.float32, torch.bfloat16))
    pictures = exact.normalise(torch.rand(1, 3, 96, 96, generator=torch.Generator().manual_seed(0)))
    with torch.no_grad():
        expected, got = exact(pictures)["inception4c"], fast(pictures)["inception4c"]
    assert got.dtype == torch.float32 and not torch.equal(got, expected)
    # 8 bits of mantissa through a dozen layers move activations by some percent; what counts
    # is that the dream climbs as high (test_quality_guard.py).
    assert (got - expected).norm() < 0.1 * expected.norm()


@pytest.mark.parametrize("asked,expected", [("float32", torch.float32),
                                             ("bfloat16", torch.bfloat16),
                                             (" Float32 ", torch.float32)])
def test_compute_dtype_variable_forces_the_precision(googlenet, monkeypatch, asked, expected):
    monkeypatch.setenv(models.COMPUTE_DTYPE_VARIABLE, asked)
    assert models.fast_dtype("cpu") == expected
    assert models.Network("googlenet", googlenet, ["inception4c"]).compute_dtype == expected
    # the classifier's logits stay exact whatever is asked
    logits = models.Network("googlenet", googlenet, [catalogue.LOGITS])
    assert logits.compute_dtype == torch.float32


@pytest.mark.parametrize("asked", ["", "auto"])
def test_compute_dtype_auto_is_what_the_hardware_computes_natively(monkeypatch, asked):
    monkeypatch.setenv(models.COMPUTE_DTYPE_VARIABLE, asked)
    native = models.bfloat16_is_native("cpu")
    assert models.fast_dtype("cpu") == (torch.bfloat16 if native else torch.float32)


def test_an_unknown_compute_dtype_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(models.COMPUTE_DTYPE_VARIABLE, "float16")
    with pytest.raises(InceptionismError) as raised:
        models.fast_dtype("cpu")
    assert raised.value.code == "bad-settings"
    assert "INCEPTIONISM_COMPUTE_DTYPE" in raised.value.message
    assert "float32" in raised.value.message and "'float16'" in raised.value.message


@pytest.mark.parametrize("model,layer", [("googlenet", "inception4c"), ("resnet50", "layer2")])
def test_batch_norms_are_folded_into_the_cut_network_only(random_build, model, layer):
    full = random_build(model)
    before = dict((name, tensor.clone()) for name, tensor in full.state_dict().items())
    network = models.Network(model, full, [layer])
    kinds = [type(module) for module in network.modules()]
    assert torch.nn.Conv2d in kinds and torch.nn.BatchNorm2d not in kinds
    assert all(torch.equal(before[name], tensor) for name, tensor in full.state_dict().items())


def test_network_is_frozen_in_eval_mode_and_channels_last(googlenet):
    network = models.Network("googlenet", googlenet, ["inception4c"])
    assert not network.training
    assert not any(p.requires_grad for p in network.parameters())
    for conv in (network.extractor.conv3.conv.weight,
                 network.extractor.conv1.conv.convolution.weight):  # (space_to_depth's)
        assert conv.is_contiguous(memory_format=torch.channels_last) and not conv.is_contiguous()


def relus_after_pools(network):
    modules = dict(network.extractor.named_modules())
    return [node.name for node in network.extractor.graph.nodes
            if models._is_relu(node, modules) and node.args[0].op == "call_module"
            and isinstance(modules[node.args[0].target], torch.nn.MaxPool2d)]


@pytest.mark.parametrize("model,layers,moved", [
    ("googlenet", ["inception3a"], 2), ("resnet50", ["layer1"], 1),
    ("googlenet", ["conv1", "inception3a"], 1),  # conv1's ReLU is a layer: it stays
    pytest.param("vgg16", ["conv3-3"], 2, marks=pytest.mark.slow)])
def test_a_relu_read_only_by_a_max_pool_runs_after_it_with_the_same_gradient(
        random_build, model, layers, moved):
    full = random_build(model)
    network = models.Network(model, full, layers, compute_dtype=torch.float32)
    assert len(relus_after_pools(network)) == moved
    plain = models.fold_batch_norms(models.cut(full, dict(
        (models.module_of(model, layer), layer) for layer in layers)))
    pixels = network.normalise(torch.rand(1, 3, 75, 90, generator=torch.Generator().manual_seed(0)))
    gradients = []
    for extractor in (network.extractor, plain):
        pixels = pixels.detach().requires_grad_(True)
        activations = extractor(pixels)
        loss = sum((activations[layer] ** 2).mean() for layer in layers)
        gradients.append((activations, torch.autograd.grad(loss, pixels)[0]))
    (moved_acts, moved_grad), (plain_acts, plain_grad) = gradients
    for layer in layers:
        assert torch.equal(moved_acts[layer], plain_acts[layer])
    torch.testing.assert_close(moved_grad, plain_grad, rtol=1e-5, atol=1e-6)


def test_network_knows_each_layers_channel_count(googlenet):
    assert models.Network("googlenet", googlenet, ["inception4c", "conv1"]).channels == \
        {"inception4c": 512, "conv1": 64}


def test_random_weights_are_the_same_every_time_and_say_so(googlenet):
    lines = []
    again = models.build("googlenet", random_weights=True, log=lines.append)
    assert "RANDOM" in lines[0]
    for (name, a), (_, b) in zip(googlenet.state_dict().items(), again.state_dict().items()):
        assert torch.equal(a, b), name


def test_random_weights_are_asked_for_explicitly_or_by_environment(monkeypatch):
    monkeypatch.delenv("INCEPTIONISM_RANDOM_WEIGHTS", raising=False)
    assert models.random_weights_requested() is False
    assert models.random_weights_requested(True) is True
    monkeypatch.setenv("INCEPTIONISM_RANDOM_WEIGHTS", "1")
    assert models.random_weights_requested() is True
    assert models.random_weights_requested(False) is False


def test_missing_weights_say_where_to_get_them(no_weights):
    with pytest.raises(InceptionismError) as caught:
        models.build("googlenet")
    error = caught.value
    entry = catalogue.network("googlenet").weights
    assert (error.code, error.message) == ("missing-weights",
                                           "The GoogLeNet network file is not installed.")
    for words in (entry["url"], paths.weights_dir()):  # for the log; each front end advises
        assert words in error.detail


@pytest.fixture
def saved_weights(random_build):
    """save(folder, model): a random network's state-dict file under googlenet's file name."""
    return lambda folder, model="googlenet": write_weights(folder, random_build(model).state_dict())


def write_weights(folder, state):
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, catalogue.network("googlenet").weights["file"])
    torch.save(state, path)
    return path, state


def trust_file(monkeypatch, path, model="googlenet"):
    """Make the record's checksum prefix the file's own, as for a real download."""
    record = catalogue.network(model)
    weights = dict(record.weights, sha256=paths.sha256_of(path)[:8])
    monkeypatch.setitem(catalogue.BY_NAME, model, record._replace(weights=weights))


def test_installed_weights_with_the_right_checksum_load(no_weights, monkeypatch, saved_weights):
    path, state = saved_weights(paths.weights_dir())
    trust_file(monkeypatch, path)
    loaded = models.build("googlenet").state_dict()
    name = "inception4c.branch1.conv.weight"
    assert torch.equal(loaded[name], state[name])


def test_weights_file_given_explicitly_loads(tmp_path, monkeypatch, saved_weights):
    path, state = saved_weights(str(tmp_path / "elsewhere"))
    trust_file(monkeypatch, path)
    loaded = models.build("googlenet", weights_file=path).state_dict()
    assert torch.equal(loaded["fc.bias"], state["fc.bias"])


def corrupt(path):
    with open(path, "r+b") as handle:
        handle.seek(os.path.getsize(path) // 2)
        handle.write(b"\x00garbage\xff" * 64)


def test_corrupted_weights_fail_the_checksum(no_weights, monkeypatch, saved_weights):
    path, _ = saved_weights(paths.weights_dir())
    trust_file(monkeypatch, path)
    corrupt(path)
    with pytest.raises(InceptionismError) as caught:
        models.build("googlenet")
    assert caught.value.code == "bad-weights" and "checksum does not match" in caught.value.detail


def test_unreadable_weights_with_the_right_checksum_are_rejected(no_weights, monkeypatch,
                                                                  saved_weights):
    path, _ = saved_weights(paths.weights_dir())
    with open(path, "r+b") as handle:  # a download cut off halfway
        handle.truncate(os.path.getsize(path) // 2)
    trust_file(monkeypatch, path)
    with pytest.raises(InceptionismError) as caught:
        models.build("googlenet")
    assert caught.value.code == "bad-weights" and "cannot be loaded" in caught.value.detail


def test_weights_of_another_network_are_rejected(no_weights, monkeypatch, saved_weights):
    path, _ = saved_weights(paths.weights_dir(), model="resnet50")
    trust_file(monkeypatch, path)
    with pytest.raises(InceptionismError) as caught:
        models.build("googlenet")
    assert caught.value.code == "bad-weights"


def test_weights_from_a_file_make_the_same_network_with_nothing_left_unloaded(
        no_weights, monkeypatch, saved_weights, random_build):
    path, _ = saved_weights(paths.weights_dir())
    trust_file(monkeypatch, path)
    loaded, original = models.build("googlenet"), random_build("googlenet")
    tensors = list(loaded.parameters()) + list(loaded.buffers())
    assert not any(tensor.is_meta for tensor in tensors)  # built on meta, every tensor assigned
    assert not any(parameter.requires_grad for parameter in loaded.parameters())
    picture = torch.rand(1, 3, 64, 64)
    with torch.no_grad():
        assert torch.equal(loaded(picture), original(picture))


def test_a_weights_file_missing_a_tensor_is_rejected(no_weights, monkeypatch, random_build):
    state = random_build("googlenet").state_dict()
    del state["inception4c.branch1.bn.running_var"]
    path, _ = write_weights(paths.weights_dir(), state)
    trust_file(monkeypatch, path)
    with pytest.raises(InceptionismError) as caught:
        models.build("googlenet")
    assert caught.value.code == "bad-weights"


def test_torchvision_comes_without_torch_dynamo_and_its_box_ops_still_find_it():
    """models imports torchvision with a stand-in for torch._dynamo.utils (cold start: 2-3 s)."""
    # engine imports classes before models: torchvision must come the light way all the same
    script = ("import sys; from inceptionism import engine\n"
              "assert 'torch._dynamo' not in sys.modules\n"
              "import torch, torchvision.ops\n"
              "assert torchvision.ops.roi_align(torch.rand(1, 1, 8, 8), [torch.tensor("
              "[[0.0, 0.0, 4.0, 4.0]])], 2).shape == (1, 1, 2, 2)\n"
              "assert sys.modules['torchvision.ops.roi_align'].is_compile_supported('cpu')\n"
              "assert 'torch._dynamo' in sys.modules and hasattr(torch._dynamo, 'utils')\n")
    subprocess.check_call([sys.executable, "-c", script], env=dict(
        os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(models.__file__))))


def test_a_still_dream_starts_without_opencv():
    """OpenCV (the animations' optical flow) loads only when an animation runs (cold start)."""
    script = ("import sys; from inceptionism import cli, engine, worker\n"
              "assert 'cv2' not in sys.modules, 'cv2 loaded'\n"
              "from inceptionism import animate\n"
              "assert 'cv2' in sys.modules\n")
    subprocess.check_call([sys.executable, "-c", script], env=dict(
        os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(models.__file__))))
