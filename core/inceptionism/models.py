"""The ImageNet networks: built, given verified weights, frozen, and cut after the dreamed layers.

A dream needs the activations of one or a few layers, never the classifier, so the network is
truncated as torchvision's create_feature_extractor does (cut()): it keeps only the modules the
requested layers depend on, and the forward pass stops there. Each batch norm is then folded
into the convolution before it, a ReLU read only by a max pool runs after it, the first
convolution takes its input gradient through space-to-depth on the CPU (space_to_depth.py), and
the network runs channels_last (docs/performance.md has the numbers).
"""
import collections
import importlib.util
import os
import sys
import types

import torch


def _import_torchvision():
    """import torchvision, less torch._dynamo (2 to 3 s of a cold start on 2 cores, most of
    torchvision's import: docs/performance.md): torchvision.ops.roi_align imports
    torch._dynamo.utils for one function that only its box operations call. For that import
    alone, torch._dynamo.utils is a stand-in that loads the real module when any of its names is
    used; later imports (torch.compile's) load the real one. The engine's other modules take
    torchvision from here (models.tvm), so whichever is imported first, this runs first."""
    name = "torch._dynamo.utils"
    if name in sys.modules or "torchvision" in sys.modules:
        return
    stand_in = types.ModuleType(name)

    def real(attribute):
        if attribute.startswith("__"):  # what the import machinery asks of any module
            raise AttributeError(attribute)
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        return getattr(__import__(name, fromlist=[attribute]), attribute)

    stand_in.__getattr__ = real  # any other name: the real module, at once (PEP 562)
    stand_in.is_compile_supported = lambda *args, **kwargs: real("is_compile_supported")(
        *args, **kwargs)
    sys.modules[name] = stand_in
    try:
        import torchvision  # noqa: F401
    finally:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]


_import_torchvision()
import torchvision.models as tvm  # noqa: E402
from torch.fx import GraphModule  # noqa: E402
from torch.fx.experimental.optimization import fuse  # noqa: E402
from torchvision.models.feature_extraction import NodePathTracer  # noqa: E402

from . import catalogue, efficientnet_lite, errors, paths, space_to_depth  # noqa: E402
from .errors import InceptionismError  # noqa: E402

# Each network's builder, by its record's name (catalogue.NETWORKS): the module without weights
# (torchvision's without auxiliary classifiers or transform_input: we normalise ourselves), and
# what makes a published file's state dict this module's (the auxiliary classifiers' weights
# dropped, EfficientNet-Lite's keys renamed).
Builder = collections.namedtuple("Builder", "make adapt")


def _without(*prefixes):
    return lambda state: dict((k, v) for k, v in state.items() if not k.startswith(prefixes))


BUILDERS = {
    "googlenet": Builder(lambda: tvm.googlenet(weights=None, aux_logits=False, init_weights=True,
                                               transform_input=False), _without("aux1.", "aux2.")),
    "efficientnet_lite0": Builder(lambda: efficientnet_lite.EfficientNetLite("lite0"),
                                  efficientnet_lite.renamed_state),
    "inception_v3": Builder(lambda: tvm.inception_v3(weights=None, aux_logits=False,
                                                     init_weights=True, transform_input=False),
                            _without("AuxLogits.")),
    "vgg16": Builder(lambda: tvm.vgg16(weights=None), dict),
    "resnet50": Builder(lambda: tvm.resnet50(weights=None), dict),
}


def normalisation(model):
    """(mean, std) in 0..1 pixel units, in the network's channel order (catalogue.Input)."""
    given = catalogue.network(model).input
    return (tuple(m / given.scale for m in given.mean), tuple(s / given.scale for s in given.std))


RANDOM_SEED = 20150617  # the day the Inceptionism article was published


def random_weights_requested(random_weights=None):
    """An explicit True/False wins; else INCEPTIONISM_RANDOM_WEIGHTS=1 asks for random weights."""
    if random_weights is not None:
        return bool(random_weights)
    return os.environ.get("INCEPTIONISM_RANDOM_WEIGHTS", "") == "1"


def weights_path(model, weights_file=None):
    """The weights file to use: the one given, else the installed one: in paths.weights_dir(),
    or inside the package that brought it with the engine."""
    if weights_file:
        return weights_file
    entry = catalogue.network(model).weights
    if "package" not in entry:
        return os.path.join(paths.weights_dir(), entry["file"])
    found = importlib.util.find_spec(entry["module"])  # found, not imported
    folder = found.submodule_search_locations[0] if found else "<%s>" % entry["module"]
    return os.path.join(folder, *entry["file"].split("/"))


def build(model, weights_file=None, random_weights=False, log=None):
    """The full network, frozen in eval mode, with verified or random weights. (Network makes
    the part it keeps channels_last: converting the whole network here was 0.05 s of a cold
    start spent mostly on weights that the cut leaves out or folding replaces.)"""
    log = log or (lambda message: None)
    if random_weights:
        network = _random_network(model)
        log("%s uses RANDOM weights (seed %d): good for tests, not for real dreams"
            % (model, RANDOM_SEED))
    else:
        path = weights_path(model, weights_file)
        network = _trained_network(model, path)
        log("%s weights loaded from %s" % (model, path))
    return network.eval().requires_grad_(False)


def _random_network(model):
    """A randomly initialised network, the same one every time, calibrated to sensible scales."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(RANDOM_SEED)
        network = BUILDERS[model].make()
        _calibrate_batch_norm(network, model)
    return network


def _calibrate_batch_norm(network, model):
    """Set every batch norm's statistics from random pictures, so a random network's activations
    are of order one at every depth, as a trained network's are (otherwise they shrink or grow by
    orders of magnitude per layer and deep gradients underflow)."""
    mean, std = (torch.tensor(v).view(1, 3, 1, 1) for v in normalisation(model))
    for module in network.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.reset_running_stats()
            module.momentum = None  # cumulative average over the calibration batch
    network.train()
    with torch.no_grad():
        network((torch.rand(2, 3, 128, 128) - mean) / std)


def _trained_network(model, path):
    """The network with the weights in path, once path is known to be the published file."""
    record = catalogue.network(model)
    title, entry = catalogue.short_title(model), record.weights
    # where it comes from, so the front end can say what to do
    where = "%s (from %s)" % (path, entry.get("url") or "the %s package: run %s" % (
        entry.get("package"), "python3 install.py"))
    if not os.path.isfile(path):
        raise errors.missing_weights(title, "%s is missing" % where)
    if not paths.sha256_matches(path, entry["sha256"]):
        raise InceptionismError("bad-weights", None, "%s: its checksum does not match" % where)
    with torch.device("meta"):  # shapes only: no initialisation for the file to overwrite
        network = BUILDERS[model].make()
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
        # strict (the default): a tensor missing from the file is an error, none stays on meta
        network.load_state_dict(BUILDERS[model].adapt(state), assign=True)
    except Exception as error:  # unreadable, truncated or another network's: all unusable
        raise InceptionismError("bad-weights", None, "%s cannot be loaded: %r" % (where, error))
    return network


def module_of(model, name):
    """The torchvision module behind a layer name, or behind catalogue.LOGITS."""
    if name == catalogue.LOGITS:
        return catalogue.network(model).logits
    return catalogue.layer_of(model, name).module


class Network(torch.nn.Module):
    """A network cut after some layers: normalise() pixels, then call it: {layer: activations}.

    compute_dtype: what the convolutions compute in; "auto" is bfloat16 where the hardware
    computes it natively or INCEPTIONISM_COMPUTE_DTYPE asks for it (fast_dtype) and the layers
    are features, float32 for the classifier's logits (class scores are small differences
    between large numbers, which bfloat16's three digits blur). Activations always come back as
    float32.
    """

    def __init__(self, model, full_network, layer_names, compute_dtype="auto"):
        super().__init__()
        modules = dict((name, module_of(model, name)) for name in layer_names)
        self.extractor = pool_before_relu(fold_batch_norms(cut(
            full_network, dict((module, name) for name, module in modules.items()))))
        mean, std = normalisation(model)
        self.register_buffer("mean", torch.tensor(mean).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(std).view(1, 3, 1, 1))
        self.model = model
        self.bgr = catalogue.network(model).input.channels == "BGR"
        self.min_size = catalogue.network(model).min_size
        device = next(full_network.parameters()).device
        if compute_dtype == "auto":
            logits = catalogue.LOGITS in layer_names
            compute_dtype = torch.float32 if logits else fast_dtype(device)
        self.compute_dtype = compute_dtype
        if device.type == "cpu":  # where it was measured to pay (a GPU's cuDNN: not measured)
            space_to_depth.regroup_first_convolutions(self.extractor)
        if device.type == "cuda":
            torch.backends.cudnn.benchmark = True  # tiles keep one shape per octave: tuned once
        self.to(device, memory_format=torch.channels_last).eval()
        self.channels = self._count_channels()

    def normalise(self, pixels):
        """[N, 3, H, W] sRGB 0..1 -> the network's input space, channels_last for speed."""
        pixels = pixels.flip(1) if self.bgr else pixels
        return ((pixels - self.mean) / self.std).contiguous(memory_format=torch.channels_last)

    def forward(self, normalised):
        if self.compute_dtype == torch.float32:
            return self.extractor(normalised)
        with torch.autocast(normalised.device.type, dtype=self.compute_dtype):
            activations = self.extractor(normalised)
        return dict((name, acts.float()) for name, acts in activations.items())

    def _count_channels(self):
        probe = torch.zeros(1, 3, self.min_size, self.min_size, device=self.mean.device)
        with torch.no_grad():
            return dict((name, act.shape[1]) for name, act in self(self.normalise(probe)).items())


def cut(network, outputs):
    """The eval-mode network's graph, returning {name: output of module} for each
    {module's qualified name: name} in outputs and holding only what they depend on.

    torchvision's create_feature_extractor, less one of its two traces: it traces the network
    in training mode too, for a module that can switch modes, which a frozen network never does
    (0.08 to 0.2 s of a cold start on 2 cores). As there, a module's output is the last node
    traced inside it.
    """
    tracer = NodePathTracer()
    traced = tracer.trace(network.eval())
    cut_network = GraphModule(tracer.root, traced, type(network).__name__)
    graph, found = cut_network.graph, {}
    for node in graph.nodes:
        path = tracer.node_to_qualname.get(node)
        for module, name in outputs.items():
            if path is not None and (path == module or path.startswith(module + ".")):
                found[name] = node
    missing = [module for module, name in outputs.items() if name not in found]
    if missing:
        raise ValueError("%s has no module %s" % (type(network).__name__, ", ".join(missing)))
    for node in [node for node in graph.nodes if node.op == "output"]:
        graph.erase_node(node)
    graph.output(dict((name, found[name]) for name in outputs.values()))
    graph.eliminate_dead_code()
    cut_network.delete_all_unused_submodules()
    cut_network.recompile()
    return cut_network


def fold_batch_norms(extractor):
    """The cut network with each batch norm that follows a convolution folded into that
    convolution's weights and bias: the same function in eval mode, one layer fewer to run.

    The folded convolutions are new modules, so the full network (shared by every cut) keeps its
    own; the graph's containers are the extractor's own copies, never the full network's.
    """
    return fuse(extractor, inplace=True, no_trace=True)


def pool_before_relu(extractor):
    """The cut network with each ReLU whose only reader is a max pool moved after that pool, in
    place: max and ReLU commute, so it is the same function and the same gradient (a window
    the ReLU zeroes gets no gradient either way), and the ReLU then works on a quarter of the
    values forward and backward (GoogLeNet's first two, ResNet's first; docs/performance.md).
    """
    graph = extractor.graph
    modules = dict(extractor.named_modules())
    for pool in list(graph.nodes):
        if pool.op != "call_module" or not isinstance(modules[pool.target], torch.nn.MaxPool2d):
            continue
        relu = pool.args[0]
        if not _is_relu(relu, modules) or list(relu.users) != [pool]:
            continue
        source = relu.args[0]
        pool.replace_input_with(relu, source)
        pool.replace_all_uses_with(relu)
        relu.replace_input_with(source, pool)
        pool.append(relu)  # the ReLU now runs after the pool
    graph.lint()
    extractor.recompile()
    return extractor


def _is_relu(node, modules):
    if node.op == "call_module":
        return isinstance(modules[node.target], torch.nn.ReLU)
    return node.op == "call_function" and node.target in (torch.relu, torch.nn.functional.relu)


# The one switch over the precision the convolutions compute in (README, "For developers"):
# auto (the default) is bfloat16 where the hardware computes it natively, else float32;
# float32 forces the exact path, e.g. to see an AVX2 machine's behaviour on a CPU with more;
# bfloat16 forces it (emulated where not native: slower than float32, for tests only).
COMPUTE_DTYPE_VARIABLE = "INCEPTIONISM_COMPUTE_DTYPE"
COMPUTE_DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16}


def compute_dtype_asked():
    """The dtype INCEPTIONISM_COMPUTE_DTYPE forces, or None for auto (unset or empty)."""
    value = os.environ.get(COMPUTE_DTYPE_VARIABLE, "").strip().lower()
    if value in ("", "auto"):
        return None
    if value not in COMPUTE_DTYPES:
        raise InceptionismError("bad-settings", "%s is %r: set it to auto, float32 or bfloat16, "
                                "or leave it unset." % (COMPUTE_DTYPE_VARIABLE, value))
    return COMPUTE_DTYPES[value]


def fast_dtype(device):
    """bfloat16 where device computes it natively, else float32; INCEPTIONISM_COMPUTE_DTYPE
    (compute_dtype_asked) overrides the detection.

    bfloat16 keeps float32's range, so small gradients do not underflow as in float16 (left
    out for that reason). CPUs compute it natively with AVX512-BF16 or AMX, NVIDIA GPUs from
    Ampere on; emulated, it would be slower than float32.
    """
    asked = compute_dtype_asked()
    if asked is not None:
        return asked
    return torch.bfloat16 if bfloat16_is_native(device) else torch.float32


def bfloat16_is_native(device):
    """Whether device computes bfloat16 in hardware (not whether it is asked for)."""
    device = torch.device(device)
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported(including_emulation=False)
    if device.type == "cpu":
        return torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()
    return False
