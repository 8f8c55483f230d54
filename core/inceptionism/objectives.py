"""What a dream maximises: small pieces that add and scale like numbers (lucent's objectives).

An Objective turns the network's activations, {layer name: [N, C, H, W] tensor}, into one scalar.
`0.8 * layer_l2("inception4c") + 0.2 * layer_l2("inception3b")` is itself an Objective, and
`objective.layers` says which layers the network must compute.
"""
from . import catalogue
from .catalogue import LOGITS
from .errors import InceptionismError


class Objective(object):
    """A scalar to maximise, computed from {layer: activations}."""

    def __init__(self, function, layers, description):
        self.function = function
        self.layers = frozenset(layers)
        self.description = description

    def __call__(self, activations):
        return self.function(activations)

    def __add__(self, other):
        return Objective(lambda acts: self(acts) + other(acts), self.layers | other.layers,
                         "%s + %s" % (self.description, other.description))

    def __mul__(self, weight):
        return Objective(lambda acts: weight * self(acts), self.layers,
                         "%g * %s" % (weight, self.description))

    __rmul__ = __mul__

    def __repr__(self):
        return "Objective(%s)" % self.description


def layer_l2(layer, channel=None):
    """Mean squared activation of a layer (or of one of its channels): "see more of what it sees".

    Its gradient is the activations themselves, which is what google/deepdream's objective_L2 sets.
    """
    def value(activations):
        acts = activations[layer]
        if channel is not None:
            acts = acts[:, channel]
        return (acts ** 2).mean()
    return Objective(value, [layer], layer if channel is None else "%s:%d" % (layer, channel))


def weighted_layers(weights):
    """The weighted sum of layer_l2 over {layer: weight}: several layers dreamed at once."""
    terms = [weight * layer_l2(layer) for layer, weight in sorted(weights.items())]
    return sum(terms[1:], terms[0])


def mix(first, second_layer, blend):
    """A layer mix (the settings' layer-2 and blend): (1 - blend) of the first objective and
    blend of the second layer's layer_l2. The first may be a channel or a guide."""
    return (1.0 - blend) * first + blend * layer_l2(second_layer)


def guide(layer, guide_activations):
    """Dream towards a guide picture's features (google/deepdream's objective_guide).

    At each position the image's feature vector is paired with the guide feature it matches best
    (largest dot product), and that match is maximised: the picture grows what the guide shows.
    guide_activations: the layer's [1, C, h, w] activations for the guide picture.
    """
    guide_features = guide_activations.detach().flatten(2)[0]  # C x (h*w)

    def value(activations):
        features = activations[layer].flatten(2)  # N x C x (H*W)
        matches = features.transpose(1, 2) @ guide_features.to(features)  # N x (H*W) x (h*w)
        return matches.max(dim=2).values.mean()
    return Objective(value, [layer], "guide at %s" % layer)


def class_logit(index):
    """The network's score for one ImageNet class (its logit): what class visualisation raises."""
    return Objective(lambda activations: activations[LOGITS][:, index].mean(), [LOGITS],
                     "class %d" % index)


def parse_target(text):
    """"inception4c:12" -> ("inception4c", 12); "inception4c" -> ("inception4c", None)."""
    layer, separator, channel = text.partition(":")
    if not separator:
        return layer, None
    if not channel.isdigit():
        raise InceptionismError("bad-settings", "%r: write a layer and a channel number, such as "
                                "inception4c:12." % text)
    return layer, int(channel)


def parse_layers(text):
    """The command line's --layer as settings: "inception4c:12" -> layer and channel;
    "0.7*inception4c+0.3*inception5a" -> layer, layer-2 and blend (the second's share of the
    weights, 0.3); "inception4c+inception4d" mixes them equally. Errors name the wrong part."""
    parts = text.split("+")
    if len(parts) == 1:
        layer, channel = parse_target(text)
        return dict({"layer": layer}, **({} if channel is None else {"channel": channel}))
    if len(parts) > 2:
        raise _bad_mix(text, "a mix holds two layers")
    (first, weight_1), (second, weight_2) = [_mix_part(text, part) for part in parts]
    models = [catalogue.find_layer(layer)[0] for layer in (first, second)]
    if models[0] != models[1]:
        raise _bad_mix(text, "%s belongs to %s and %s to %s; mix layers of one network"
                       % (first, models[0], second, models[1]))
    return {"layer": first, "layer-2": second, "blend": round(weight_2 / (weight_1 + weight_2), 6)}


def _mix_part(text, part):
    """(layer, weight) of one part of a mix, "0.7*inception4c" or "inception4c"."""
    weight, star, layer = part.strip().rpartition("*")
    layer = layer.strip()
    try:
        weight = float(weight) if star else 1.0
    except ValueError:
        raise _bad_mix(text, "%r is not a weight" % weight.strip())
    if not weight > 0:
        raise _bad_mix(text, "the weight of %s must be above 0" % layer)
    if ":" in layer:
        raise _bad_mix(text, "%s: a mix dreams whole layers, not one channel" % layer)
    try:
        catalogue.find_layer(layer)
    except ValueError:
        raise _bad_mix(text, "%r is not a layer (see inceptionism layers)" % layer)
    return layer, weight


def _bad_mix(text, reason):
    return InceptionismError("bad-settings", "--layer %s: %s. Write a mix such as "
                             "0.7*inception4c+0.3*inception5a." % (text, reason))
