"""The models and the layers an artist may dream with, as plain data.

Standard library only and Python 2.7 compatible: the GIMP plug-ins import this module to
build their dialogs (without torch), and the engine imports it to build the networks.
Layer names are unique across all models, so a layer name alone identifies its model.
"""
import io
import json
import os
from collections import namedtuple

# name: what users type; module: the torchvision module whose output is dreamed on;
# look: the one-line description an artist sees; depth: 0 (lowest) .. 1 (highest) in its model.
Layer = namedtuple("Layer", "name module look depth")


def _layers(rows):
    count = len(rows)
    return [Layer(name, module, look, round(i / float(count - 1), 3))
            for i, (name, module, look) in enumerate(rows)]


LAYERS = {
    "googlenet": _layers([
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
    "inception_v3": _layers([
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
    "vgg16": _layers([
        ("conv1-2", "features.3", "colour grain"),
        ("conv2-2", "features.8", "strokes and edges"),
        ("conv3-3", "features.15", "textures and weaves"),
        ("conv4-3", "features.22", "eyes and fur"),
        ("conv5-3", "features.29", "animal faces and objects"),
    ]),
    "resnet50": _layers([
        ("stem", "relu", "strokes and edges"),
        ("layer1", "layer1", "fine textures"),
        ("layer2", "layer2", "ornaments and patterns"),
        ("layer3", "layer3", "eyes, fur, animal parts"),
        ("layer4", "layer4", "whole objects"),
    ]),
}

# The classifier's output (one logit per ImageNet class): what class visualisation maximises.
LOGITS = "logits"
LOGITS_MODULE = {"googlenet": "fc", "inception_v3": "fc", "vgg16": "classifier.6", "resnet50": "fc"}

DEFAULT_LAYER = {"googlenet": "inception4c", "inception_v3": "mixed6c", "vgg16": "conv4-3",
                 "resnet50": "layer3"}


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


def model_names():
    return sorted(LAYERS, key=lambda name: (name != "googlenet", name))


def find_layer(name):
    """(model, Layer) for a layer name, or raise ValueError listing the valid names."""
    for model, layers in LAYERS.items():
        for layer in layers:
            if layer.name == name:
                return model, layer
    raise ValueError("unknown layer %r; choose one of: %s"
                     % (name, ", ".join(l.name for m in model_names() for l in LAYERS[m])))


def layer_of(model, name):
    """The Layer called name in model, or raise ValueError naming the model's layers."""
    for layer in LAYERS[model]:
        if layer.name == name:
            return layer
    raise ValueError("layer %r is not in %s; its layers are: %s"
                     % (name, model, ", ".join(l.name for l in LAYERS[model])))
