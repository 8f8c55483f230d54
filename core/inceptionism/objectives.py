"""What a dream maximises: small pieces that add and scale like numbers (lucent's objectives).

An Objective turns the network's activations, {layer name: [N, C, H, W] tensor}, into one scalar.
`0.8 * layer_l2("inception4c") + 0.2 * layer_l2("inception3b")` is itself an Objective, and
`objective.layers` says which layers the network must compute.
"""
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
