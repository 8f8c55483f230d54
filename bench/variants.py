"""The ways to dream that the benchmark compares: the engine, the plain reference, and the engine
with one optimisation taken away at a time (so each row says what that optimisation gives)."""
import copy
from unittest import mock

import numpy as np
import torch
from torchvision.models.feature_extraction import create_feature_extractor

from inceptionism import allocator, catalogue, dream, models, objectives, space_to_depth
from reference_dream import ReferenceNetwork, reference_dream


def photo_like(side, seed=0):
    """A smooth [1, 3, side, side] picture with a little noise, the same for every contender."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:side, 0:side].astype(np.float32) * (64.0 / side)
    planes = [0.5 + 0.4 * np.sin(x / 7.0 + k) * np.cos(y / 5.0 - k) for k in range(3)]
    noise = rng.uniform(-0.05, 0.05, (3, side, side)).astype(np.float32)
    return torch.from_numpy(np.clip(np.stack(planes) + noise, 0, 1))[None].contiguous()


class Engine(object):
    """The engine's own path: models.Network and dream.deep_dream, as the worker runs them."""

    def __init__(self, network, layer, recipe, threads=None):
        self.network, self.layer, self.recipe, self.threads = network, layer, recipe, threads

    def __call__(self, image, seed=0):
        with torch_threads(self.threads):
            return dream.deep_dream(image, self.network, objectives.layer_l2(self.layer),
                                    self.recipe, seed)


class Reference(object):
    """The plain reference loop (bench/reference_dream.py) on a network adapter, in tiles as
    the engine's recipe has them (tiled=False: the notebook's whole picture at once)."""

    def __init__(self, network, recipe, tiled=True):
        self.network, self.recipe, self.tiled = network, recipe, tiled

    def __call__(self, image, seed=0):
        recipe = self.recipe
        return reference_dream(image, self.network, recipe.octaves, recipe.octave_scale,
                               recipe.iterations, recipe.step_size, recipe.jitter, seed,
                               max(recipe.tile_size, self.network.min_size), self.tiled)


class EngineNetworkObjective(object):
    """The engine's network seen through the reference's interface: objective(pixels)."""

    def __init__(self, network, layer):
        self.network, self.min_size = network, network.min_size
        self.objective_of = objectives.layer_l2(layer)

    def objective(self, pixels):
        return self.objective_of(self.network(self.network.normalise(pixels)))


class Compiled(object):
    """A network through torch.compile (one compilation per tile shape)."""

    def __init__(self, network):
        self.compiled, self.min_size = torch.compile(network), network.min_size
        self.normalise = network.normalise

    def __call__(self, normalised):
        return self.compiled(normalised)


class torch_threads(object):
    """Within the block torch uses this many threads (None: leave as it is)."""

    def __init__(self, count):
        self.count, self.before = count, None

    def __enter__(self):
        self.before = torch.get_num_threads()
        if self.count:
            torch.set_num_threads(self.count)

    def __exit__(self, *exc_info):
        torch.set_num_threads(self.before)


def reference(model, layer, recipe):
    """The plain reference: the full network, contiguous fp32, the notebook's loop in tiles."""
    full = models.build(model, random_weights=True)
    return Reference(ReferenceNetwork(model, full, layer), recipe)


def engine_network(model, layer, full=None):
    return models.Network(model, full or models.build(model, random_weights=True), [layer])


def ablation_names(compute_dtype, with_compile=False):
    """The rows ablations() gives on this machine: "float32 (no bfloat16)" only where the
    engine computes in bfloat16 (models.fast_dtype), "torch.compile" only when asked."""
    names = ["engine", "batch norms not folded", "contiguous memory format",
             "whole network (not cut)", "first convolution's gradient direct",
             "ReLU before max pool", "memory given back between octaves",
             "reference loop (copies)", "1 thread"]
    if compute_dtype != torch.float32:
        names.append("float32 (no bfloat16)")
    names += ["tile 256", "tile 1024"]
    return names + (["torch.compile"] if with_compile else [])


def ablations(model, layer, recipe, with_compile=False):
    """{name: contender}: the engine, then the engine less one optimisation per row."""
    full = models.build(model, random_weights=True)
    network = models.Network(model, full, [layer])
    made = {
        "engine": lambda: Engine(network, layer, recipe),
        "batch norms not folded": lambda: Engine(_unfolded(model, full, layer), layer, recipe),
        "contiguous memory format": lambda: Engine(_contiguous(model, full, layer), layer,
                                                   recipe),
        "whole network (not cut)": lambda: Engine(
            _whole(model, full, layer, network.compute_dtype), layer, recipe),
        "reference loop (copies)": lambda: Reference(EngineNetworkObjective(network, layer),
                                                     recipe),
        "first convolution's gradient direct": lambda: Engine(
            direct_first_convolution(models.Network(model, full, [layer])), layer, recipe),
        "ReLU before max pool": lambda: Engine(_relu_before_pool(model, full, layer), layer,
                                               recipe),
        "memory given back between octaves": lambda: GivingBack(network, layer, recipe),
        "1 thread": lambda: Engine(network, layer, recipe, threads=1),
        "float32 (no bfloat16)": lambda: Engine(
            models.Network(model, full, [layer], compute_dtype=torch.float32), layer, recipe),
        "tile 256": lambda: Engine(network, layer, recipe._replace(tile_size=256)),
        "tile 1024": lambda: Engine(network, layer, recipe._replace(tile_size=1024)),
        "torch.compile": lambda: Engine(Compiled(network), layer, recipe),
    }
    return dict((name, made[name]())
                for name in ablation_names(network.compute_dtype, with_compile))


def _whole(model, full, layer, compute_dtype):
    """The network run to its classifier; only the layer's activations enter the objective."""
    return models.Network(model, full, [layer, catalogue.LOGITS], compute_dtype)


def _unfolded(model, full, layer):
    network = models.Network(model, full, [layer])
    network.extractor = create_feature_extractor(full, {models.module_of(model, layer): layer})
    return network


def direct_first_convolution(network):
    """network, in place, with its first convolution's input gradient taken directly again:
    the ablation, and the FLOPs of the work (space_to_depth's regrouping does more of them)."""
    for name, module in list(network.extractor.named_modules()):
        if isinstance(module, space_to_depth.SpaceToDepthGradient):
            parent, _, child = name.rpartition(".")
            setattr(network.extractor.get_submodule(parent), child, module.convolution)
    return network


def _relu_before_pool(model, full, layer):
    with mock.patch.object(models, "pool_before_relu", lambda extractor: extractor):
        return models.Network(model, full, [layer])


class GivingBack(Engine):
    """The engine giving memory back before every octave, as it does for a tiled picture."""

    def __call__(self, image, seed=0):
        with mock.patch.object(dream, "between_octaves", lambda *_: allocator.give_back):
            return Engine.__call__(self, image, seed)


def _contiguous(model, full, layer):
    network = models.Network(model, copy.deepcopy(full), [layer])
    network.to(memory_format=torch.contiguous_format)
    network.normalise = lambda pixels: (pixels - network.mean) / network.std
    return network
