"""The dream's settings in an artist's words: Depth, Detail, Strength, and named recipes.

One table, read by the settings table (the choices every front end offers), and one rule, settle(),
that every front end and the worker's validation apply: a word decides its engine settings unless
those were set by hand, "custom" leaves them as they are (a script that sets the layer itself
keeps working), and a network comes with its layer. Standard library only, Python 2.7 compatible.
"""
from collections import namedtuple

from . import catalogue

CUSTOM = "custom"
# name: the setting; label: its dialog label; custom: what "custom" is called in its list.
Word = namedtuple("Word", "name label help custom")
WORDS = (
    Word("recipe", "Look", "A named recipe: network, depth, detail and strength together.",
         u"My own (the choices below)"),
    Word("depth", "Depth", "How deep in the network the dream looks: shallow layers paint "
         "strokes and ornaments, deep ones eyes, animals and buildings.",
         u"As set under Advanced (layer)"),
    Word("depth-2", "Second depth", "A second depth dreamed at once, as much as Blend with says: "
         "eyes blended with ornaments, animals with strokes.",
         u"As set under Advanced (second layer)"),
    Word("detail", "Detail", "How large the dreamed shapes grow: fine keeps them small, "
         "large lets them spread over the picture.",
         u"As set under Advanced (octaves)"),
    Word("strength", "Strength", "How far the dream goes: subtle leaves the picture readable, "
         "intense paints it over.",
         u"As set under Advanced (iterations, step)"),
)
# Offered where frames follow each other (a Dream animation), not beside the words above.
FLICKER = Word("flicker", "Flicker", "How much each frame's dream follows the last one along "
               "the motion: free dreams every frame anew (it flickers), locked keeps the dream "
               "stuck to the moving picture (and dreams the later frames faster).",
               u"As set under Advanced (coherence)")

# Depth: the layer of each network that paints that look.
DEPTHS = [
    ("strokes", u"Shallow \u2014 strokes & edges",
     {"googlenet": "conv2", "inception_v3": "conv2d-2b", "vgg16": "conv2-2", "resnet50": "stem"}),
    ("textures", u"Fine textures",
     {"googlenet": "conv3", "inception_v3": "conv2d-4a", "vgg16": "conv3-3", "resnet50": "layer1"}),
    ("ornaments", u"Ornaments & swirls",
     {"googlenet": "inception3b", "inception_v3": "mixed5d", "vgg16": "conv3-3",
      "resnet50": "layer2"}),
    ("eyes", u"Eyes & fur (the classic)",
     {"googlenet": "inception4c", "inception_v3": "mixed6c", "vgg16": "conv4-3",
      "resnet50": "layer3"}),
    ("animals", u"Animals & buildings",
     {"googlenet": "inception4e", "inception_v3": "mixed7a", "vgg16": "conv5-3",
      "resnet50": "layer4"}),
    ("objects", u"Deep \u2014 whole objects",
     {"googlenet": "inception5b", "inception_v3": "mixed7c", "vgg16": "conv5-3",
      "resnet50": "layer4"}),
]
# The second depth: none, or a depth's layer (layer-2 "none" dreams the first layer alone).
NONE = "none"
SECOND_DEPTHS = [(NONE, u"None \u2014 one depth only",
                  dict((model, NONE) for model in catalogue.model_names()))] + DEPTHS
# Detail: how many octaves the dream climbs (more octaves: shapes larger than the network sees).
DETAILS = [
    ("fine", u"Fine \u2014 small patterns", {"octaves": 2, "octave-scale": 1.4}),
    ("medium", u"Medium", {"octaves": 4, "octave-scale": 1.4}),
    ("large", u"Large \u2014 big shapes", {"octaves": 6, "octave-scale": 1.4}),
]
# Strength: iterations per octave times the step each one takes.
STRENGTHS = [
    ("subtle", u"Subtle", {"iterations": 5, "step-size": 0.006}),
    ("medium", u"Medium", {"iterations": 10, "step-size": 0.01}),
    ("strong", u"Strong", {"iterations": 20, "step-size": 0.012}),
    ("intense", u"Intense", {"iterations": 40, "step-size": 0.015}),
]
# Named recipes: a network and a word for each of depth, detail and strength.
RECIPES = [
    ("classic", u"Classic Inceptionism (eyes, fur, dog faces)",
     {"model": "googlenet", "depth": "eyes", "detail": "medium",
      "strength": "medium", "depth-2": NONE}),
    ("ornaments", u"Ornaments (swirls and lattices)",
     {"model": "googlenet", "depth": "ornaments", "detail": "fine",
      "strength": "medium", "depth-2": NONE}),
    ("animals", u"Animals everywhere",
     {"model": "googlenet", "depth": "animals", "detail": "large",
      "strength": "strong", "depth-2": NONE}),
    ("brushwork", u"Brushwork (a painterly touch)",
     {"model": "googlenet", "depth": "strokes", "detail": "fine",
      "strength": "subtle", "depth-2": NONE}),
]
# Flicker: how much of the last frame's detail, carried along the motion, each frame starts from
# (animate.py); a warm start also takes fewer iterations (animate.warm_iterations).
FLICKERS = [
    ("free", u"Free \u2014 every frame dreams anew", {"coherence": 0.0}),
    ("smooth", u"Smooth \u2014 the dream follows the motion", {"coherence": 0.9}),
    ("locked", u"Locked \u2014 the dream sticks to the picture", {"coherence": 0.97}),
]
_TABLES = {"recipe": RECIPES, "depth": DEPTHS, "depth-2": SECOND_DEPTHS, "detail": DETAILS,
           "strength": STRENGTHS, "flicker": FLICKERS}
# Where the words are offered (a zoom dive keeps its light defaults); flicker only in "animate".
PROCEDURES = ("dream", "animate")


def choices(word):
    """[(nick, label)] for a word's setting, "custom" first (the settings table's default)."""
    custom = [w.custom for w in WORDS + (FLICKER,) if w.name == word][0]
    return [(CUSTOM, custom)] + [(nick, label) for nick, label, _ in _TABLES[word]]


def settle(values, changed):
    """Consistent settings from values and the names of those the artist (or a script) chose.

    The one rule every front end and the worker's validation share:
    - a chosen recipe sets its network and words, except those chosen beside it;
    - a chosen layer brings its network (a layer chosen with another network is a ValueError);
    - each chosen word sets the engine settings it stands for, except those chosen by hand,
      which win over the words;
    - a layer not chosen follows the network: the Depth word's layer for it, else its default;
    - the words then describe the result ("custom" where none does: the recipe becomes "My own"
      when a hand-set value departs from it).
    """
    values, hand = dict(values), set(changed)
    words = set(hand) & set(_TABLES)
    recipe = _row("recipe", values.get("recipe", CUSTOM)) if "recipe" in hand else None
    for name, value in (recipe or {}).items():
        if name not in hand and not (name == "model" and "layer" in hand):
            values[name] = value
            words.add(name)
    if "layer" in values:
        depth_chosen = "depth" in words and values.get("depth", CUSTOM) != CUSTOM
        _settle_layer(values, hand, depth_chosen
                      or values["model"] != _layer_model(values["layer"]))
    if "layer-2" in values:
        _settle_second_layer(values, hand, "depth-2" in words)
    for word in words & set(("detail", "strength", "flicker")):
        for name, value in (_row(word, values[word]) or {}).items():
            if name not in hand:
                values[name] = value
    values.update(describe(values) if any(w.name in values for w in WORDS) else {})
    return values


def _settle_layer(values, hand, follow):
    """The layer and the network in step (see settle); follow: the layer must follow the Depth
    word or the network (they changed, or the layer belongs to another network)."""
    layer_model = _layer_model(values["layer"])
    if "layer" in hand:
        if layer_model != values["model"] and "model" in hand:
            raise ValueError("layer %s belongs to %s, not %s; choose one of: %s" % (
                values["layer"], layer_model, values["model"],
                ", ".join(l.name for l in catalogue.LAYERS[values["model"]])))
        values["model"] = layer_model
    elif follow:
        depth = _row("depth", values.get("depth", CUSTOM))
        values["layer"] = (depth or catalogue.DEFAULT_LAYER)[values["model"]]


def _settle_second_layer(values, hand, word_chosen):
    """The second layer of a mix (layer-2) in step with the network, as the first one is: chosen
    by hand it must belong to the first layer's network (a ValueError names it); otherwise it
    follows the Second depth word, or becomes none when its network is gone."""
    second = values["layer-2"]
    if "layer-2" in hand:
        if second != NONE and _layer_model(second) != values["model"]:
            raise ValueError("layer-2 %s belongs to %s, not %s (the network of layer %s); "
                             "choose none or one of: %s" % (
                                 second, _layer_model(second), values["model"], values["layer"],
                                 ", ".join(l.name for l in catalogue.LAYERS[values["model"]])))
        return
    word = values.get("depth-2", CUSTOM)
    if (word_chosen and word != CUSTOM) or (second != NONE
                                            and _layer_model(second) != values["model"]):
        row = _row("depth-2", word)
        values["layer-2"] = row[values["model"]] if row else NONE


def _layer_model(layer):
    return catalogue.find_layer(layer)[0]


def describe(values):
    """The words that give values' engine settings ("custom" where none does): what a dialog
    shows for settings that came from elsewhere (last run, a script, the advanced section)."""
    model = values.get("model", "googlenet")
    matching = {
        "depth": [nick for nick, _, layers in DEPTHS if layers.get(model) == values.get("layer")],
        "depth-2": [nick for nick, _, layers in SECOND_DEPTHS
                    if layers.get(model) == values.get("layer-2")],
        "detail": [nick for nick, _, row in DETAILS if _matches(row, values)],
        "strength": [nick for nick, _, row in STRENGTHS if _matches(row, values)],
    }
    if "coherence" in values:  # an animation's settings
        matching["flicker"] = [nick for nick, _, row in FLICKERS if _matches(row, values)]
    words = dict((word, _kept(values.get(word), nicks)) for word, nicks in matching.items())
    recipes = [nick for nick, _, row in RECIPES if _matches(row, dict(values, **words))]
    words["recipe"] = _kept(values.get("recipe"), recipes)
    return words


def look_table():
    """Rows (recipe label, network, depth, detail, strength) for the README's table of looks."""
    labels = dict((word, dict(choices(word))) for word in _TABLES)
    return [(label, row["model"], labels["depth"][row["depth"]], labels["detail"][row["detail"]],
             labels["strength"][row["strength"]]) for _, label, row in RECIPES]


def check_tables():
    """Raise ValueError unless every depth names a layer of each network."""
    for nick, _, layers in DEPTHS + SECOND_DEPTHS[1:]:
        for model in catalogue.model_names():
            catalogue.layer_of(model, layers[model])


def _row(word, nick):
    if nick == CUSTOM:
        return None
    for name, _, row in _TABLES[word]:
        if name == nick:
            return row
    raise ValueError("%s must be one of %s, not %r"
                     % (word, ", ".join(n for n, _ in choices(word)), nick))


def _matches(row, values):
    return all(values.get(name) == value for name, value in row.items())


def _kept(current, nicks):
    """current if it is among the matching nicks (two depths may share a layer), else the
    first, else "custom"."""
    return current if current in nicks else (nicks[0] if nicks else CUSTOM)
