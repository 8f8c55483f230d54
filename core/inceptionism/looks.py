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

# Depth: each network's record (catalogue.Network.depths) names the layer that paints the look.
DEPTHS = [
    ("strokes", u"Shallow \u2014 strokes & edges", None),
    ("textures", u"Fine textures", None),
    ("ornaments", u"Ornaments & swirls", None),
    ("eyes", u"Eyes & fur (the classic)", None),
    ("animals", u"Animals & buildings", None),
    ("objects", u"Deep \u2014 whole objects", None),
]
# The second depth: none, or a depth's layer (layer-2 "none" dreams the first layer alone).
NONE = "none"
SECOND_DEPTHS = [(NONE, u"None \u2014 one depth only", None)] + DEPTHS
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


def depth_layer(nick, model):
    """The layer of model that a Depth (or Second depth) word stands for."""
    return NONE if nick == NONE else catalogue.network(model).depths[nick]


def settle(values, changed, installed=None):
    """Consistent settings from values and the names of those the artist (or a script) chose.

    The one rule every front end and the worker's validation share:
    - a chosen recipe sets its network and words, except those chosen beside it;
    - a chosen layer brings its network (a layer chosen with another network is a ValueError);
    - a network nobody chose (auto, or a Look's) is the first installed one along the fallback
      list (catalogue.stand_in; installed: the networks that can dream, by default here's);
    - each chosen word sets the engine settings it stands for, except those chosen by hand,
      which win over the words;
    - a layer not chosen follows the network: the Depth word's layer for it, else its default;
    - the words then describe the result ("custom" where none does: the recipe becomes "My own"
      when a hand-set value departs from it).
    """
    values, hand = dict(values), set(changed)
    installed = _installed(installed)  # the weights folder read once for the whole rule
    words = set(hand) & set(_TABLES)
    recipe = _row("recipe", values.get("recipe", CUSTOM)) if "recipe" in hand else None
    for name, value in (recipe or {}).items():
        if name not in hand and not (name == "model" and "layer" in hand):
            values[name] = value
            words.add(name)
    if "model" in values:
        _settle_network(values, hand, installed)
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
    values.update(describe(values, installed) if any(w.name in values for w in WORDS) else {})
    return values


def settle_shown(values, changed, installed=None):
    """settle() for a dialog, which shows (and GIMP remembers) what it holds: (the values to
    show, the network that dreams with them).

    A dialog shows auto for every network the rule chose (auto's, or a Look's where auto would
    choose the same), so the dialog, its remembered values and a later run keep meaning "the
    best installed network", while the layers and the words follow the network it stands for
    now. Any other network a dialog holds was named by the artist (or a script): it counts as
    chosen, and is never substituted, unless a layer chosen now brings its own network.
    """
    hand, installed = list(changed), _installed(installed)
    if values.get("model", catalogue.AUTO) != catalogue.AUTO and "layer" not in hand:
        hand.append("model")
    settled = settle(values, hand, installed)
    network = settled.get("model")
    if values.get("model") == catalogue.AUTO and \
            network == catalogue.stand_in(catalogue.AUTO, installed):
        settled["model"] = catalogue.AUTO
    return settled, network


def stand_in_note(values, installed=None):
    """For settled values: the line that says a network dreams for one not installed (auto's
    first choice, or the Look's own network), or None."""
    if "model" not in values:
        return None
    recipe = _row("recipe", values.get("recipe", CUSTOM))
    preferred = recipe["model"] if recipe else catalogue.FALLBACK[0]
    if values["model"] == preferred or preferred in _installed(installed):
        return None
    return catalogue.stand_in_note(preferred, values["model"])


def _installed(installed):
    return catalogue.installed_networks() if installed is None else installed


def _settle_network(values, hand, installed):
    """auto, or a network nobody chose (a Look's), becomes the first installed one along the
    fallback list; with auto, a layer chosen by hand brings its own network."""
    if "layer" in hand and "layer" in values:
        if values["model"] == catalogue.AUTO:
            values["model"] = _layer_model(values["layer"])
    elif values["model"] == catalogue.AUTO or "model" not in hand:
        values["model"] = catalogue.stand_in(values["model"], installed)


def _settle_layer(values, hand, follow):
    """The layer and the network in step (see settle); follow: the layer must follow the Depth
    word or the network (they changed, or the layer belongs to another network)."""
    layer_model = _layer_model(values["layer"])
    if "layer" in hand:
        if layer_model != values["model"] and "model" in hand:
            raise ValueError("layer %s belongs to %s, not %s; choose one of: %s" % (
                values["layer"], layer_model, values["model"], _layer_names(values["model"])))
        values["model"] = layer_model
    elif follow:
        depth = values.get("depth", CUSTOM)
        values["layer"] = (catalogue.network(values["model"]).default_layer if depth == CUSTOM
                           else depth_layer(depth, values["model"]))


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
                                 _layer_names(values["model"])))
        return
    word = values.get("depth-2", CUSTOM)
    if (word_chosen and word != CUSTOM) or (second != NONE
                                            and _layer_model(second) != values["model"]):
        _row("depth-2", word)  # a ValueError for an unknown word
        values["layer-2"] = NONE if word == CUSTOM else depth_layer(word, values["model"])


def _layer_model(layer):
    return catalogue.find_layer(layer)[0]


def _layer_names(model):
    return ", ".join(l.name for l in catalogue.network(model).layers)


def describe(values, installed=None):
    """The words that give values' engine settings ("custom" where none does): what a dialog
    shows for settings that came from elsewhere (last run, a script, the advanced section).
    A Look matches with the network that stands in for its own where that is not installed."""
    model, installed = values.get("model", catalogue.AUTO), _installed(installed)
    if model == catalogue.AUTO:
        model = catalogue.stand_in(model, installed)
        values = dict(values, model=model)
    layers = dict((nick, depth_layer(nick, model) if model in catalogue.BY_NAME else None)
                  for nick, _, _ in SECOND_DEPTHS)
    matching = {
        "depth": [nick for nick, _, _ in DEPTHS if layers[nick] == values.get("layer")],
        "depth-2": [nick for nick, _, _ in SECOND_DEPTHS if layers[nick] == values.get("layer-2")],
        "detail": [nick for nick, _, row in DETAILS if _matches(row, values)],
        "strength": [nick for nick, _, row in STRENGTHS if _matches(row, values)],
    }
    if "coherence" in values:  # an animation's settings
        matching["flicker"] = [nick for nick, _, row in FLICKERS if _matches(row, values)]
    words = dict((word, _kept(values.get(word), nicks)) for word, nicks in matching.items())
    stood_in = dict((name, catalogue.stand_in(name, installed))
                    for name in set(row["model"] for _, _, row in RECIPES))
    recipes = [nick for nick, _, row in RECIPES
               if _matches(dict(row, model=stood_in[row["model"]]), dict(values, **words))]
    words["recipe"] = _kept(values.get("recipe"), recipes)
    return words


def look_table():
    """Rows (recipe label, network, depth, detail, strength) for the README's table of looks."""
    labels = dict((word, dict(choices(word))) for word in _TABLES)
    return [(label, row["model"], labels["depth"][row["depth"]], labels["detail"][row["detail"]],
             labels["strength"][row["strength"]]) for _, label, row in RECIPES]


def check_tables():
    """Raise ValueError unless every depth names a layer of each network (a KeyError there
    would reach an artist as a bare name)."""
    for model in catalogue.model_names():
        for nick, _, _ in DEPTHS:
            if nick not in catalogue.network(model).depths:
                raise ValueError("%s has no layer for the depth %s" % (model, nick))
            catalogue.layer_of(model, depth_layer(nick, model))


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
