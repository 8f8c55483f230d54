"""The artist's words (looks.py): one table that the settings, the CLI and both dialogs read."""
import pytest

from inceptionism import catalogue, cli, looks, settings

WORD_NAMES = [word.name for word in looks.WORDS]


def test_every_depth_names_a_layer_of_every_network():
    looks.check_tables()
    for model in catalogue.model_names():
        assert set(catalogue.network(model).depths) == set(nick for nick, _, _ in looks.DEPTHS)


def test_a_network_without_a_depth_is_a_settings_error_not_a_bare_key_error(monkeypatch):
    record = catalogue.network("googlenet")
    depths = dict(record.depths)
    del depths["eyes"]
    monkeypatch.setitem(catalogue.BY_NAME, "googlenet", record._replace(depths=depths))
    with pytest.raises(ValueError, match="googlenet has no layer for the depth eyes"):
        looks.check_tables()


def test_depths_run_from_shallow_to_deep_in_every_network():
    for model in catalogue.model_names():
        depths = [catalogue.layer_of(model, looks.depth_layer(nick, model)).depth
                  for nick, _, _ in looks.DEPTHS]
        assert depths == sorted(depths), model


@pytest.mark.parametrize("nick", [nick for nick, _, _ in looks.DEPTHS])
def test_a_depth_sets_the_layer_of_the_chosen_network(nick):
    for model in catalogue.model_names():
        assert (settings.validate("dream", {"model": model, "depth": nick})["layer"]
                == catalogue.network(model).depths[nick])


@pytest.mark.parametrize("nick, _label, row", looks.DETAILS + looks.STRENGTHS)
def test_detail_and_strength_set_their_engine_settings(nick, _label, row):
    word = "detail" if "octaves" in row else "strength"
    values = settings.validate("dream", {word: nick})
    assert dict((key, values[key]) for key in row) == row


@pytest.mark.parametrize("nick, _label, row", looks.RECIPES)
def test_a_recipe_is_its_words(nick, _label, row):
    by_recipe = settings.validate("dream", {"recipe": nick})
    by_words = settings.validate("dream", dict(row))
    assert by_recipe == by_words and by_recipe["recipe"] == nick


def test_the_classic_recipe_is_the_original_inceptionism_and_the_tables_defaults():
    engine = ("model", "layer", "octaves", "octave-scale", "iterations", "step-size")
    classic, defaults = settings.validate("dream", {"recipe": "classic"}), settings.validate("dream", {})
    assert [classic[key] for key in engine] == [defaults[key] for key in engine]
    assert settings.validate("dream", {})["layer"] == "inception4c"


def test_a_word_chosen_beside_a_recipe_wins_and_the_record_says_custom():
    values = settings.validate("dream", {"recipe": "animals", "strength": "subtle"})
    assert (values["layer"], values["octaves"], values["iterations"]) == ("inception4e", 6, 5)
    assert values["recipe"] == "custom"


def test_scripts_that_set_engine_settings_keep_them_when_the_words_are_left_custom():
    values = settings.validate("dream", {"layer": "conv2", "octaves": 1, "iterations": 3})
    assert (values["layer"], values["octaves"], values["iterations"]) == ("conv2", 1, 3)
    assert [values[word] for word in WORD_NAMES] == ["custom", "strokes", "none", "custom", "custom"]


def test_validating_twice_changes_nothing():
    """The client validates, then the worker again: both must get the same settings."""
    once = settings.validate("dream", {"recipe": "ornaments", "depth": "objects"})
    assert settings.validate("dream", once) == once


def test_a_word_that_is_not_in_the_table_is_a_clear_error():
    with pytest.raises(ValueError) as raised:
        settings.validate("dream", {"depth": "abyss"})
    assert "abyss" in str(raised.value) and "ornaments" in str(raised.value)


def test_the_dialogs_show_the_words_of_the_engine_settings():
    table = dict((s.name, s.default) for s in settings.for_dialog("dream"))
    assert [table[word] for word in WORD_NAMES] == ["classic", "eyes", "none", "medium", "medium"]
    assert looks.describe(dict(table, layer="conv2"))["depth"] == "strokes"
    assert looks.describe(dict(table, layer="conv1")) == dict(
        recipe="custom", depth="custom", detail="medium", strength="medium", **{"depth-2": "none"})


def test_choosing_in_a_dialog_keeps_words_and_settings_in_step():
    values = settings.validate("dream", {})
    values = looks.settle(dict(values, recipe="animals"), ["recipe"])
    assert (values["depth"], values["layer"], values["octaves"]) == ("animals", "inception4e", 6)
    values = looks.settle(dict(values, layer="inception5b"), ["layer"])
    assert (values["depth"], values["recipe"]) == ("objects", "custom")
    values = looks.settle(dict(values, model="vgg16"), ["model"])
    assert (values["depth"], values["layer"]) == ("objects", "conv5-3")


def in_a_dialog(procedure):
    """A dialog's values as it opens: the table's defaults, described in words."""
    return looks.settle(settings.defaults(procedure), [])


@pytest.mark.parametrize("procedure", ["dream", "zoom"])
@pytest.mark.parametrize("model", catalogue.model_names())
def test_a_network_chosen_alone_brings_its_default_layer(procedure, model):
    """Whatever the order of a dialog's handlers: one rule, one call, the same result."""
    values = looks.settle(dict(in_a_dialog(procedure), model=model), ["model"])
    assert (values["model"], values["layer"]) == (model, catalogue.network(model).default_layer)
    assert settings.validate(procedure, values) == values  # the worker agrees
    if procedure in looks.PROCEDURES:  # Classic is GoogLeNet's: another network is "My own"
        assert values["recipe"] == ("classic" if model == "googlenet" else "custom")
        assert values["depth"] == "eyes"  # the layer is that network's eyes-and-fur layer


@pytest.mark.parametrize("model", catalogue.model_names())
def test_a_network_brings_the_layer_of_the_chosen_depth(model):
    values = looks.settle(dict(in_a_dialog("dream"), depth="ornaments", model=model),
                          ["depth", "model"])
    assert values["layer"] == catalogue.network(model).depths["ornaments"] and values["depth"] == "ornaments"


def test_a_layer_chosen_alone_brings_its_network():
    values = looks.settle(dict(in_a_dialog("zoom"), layer="mixed5b"), ["layer"])
    assert values["model"] == "inception_v3"


def test_a_layer_chosen_with_another_network_is_a_clear_error():
    with pytest.raises(ValueError) as raised:
        looks.settle(dict(in_a_dialog("zoom"), model="vgg16", layer="conv2"), ["model", "layer"])
    assert "conv2 belongs to googlenet" in str(raised.value)


def test_a_value_set_by_hand_wins_over_the_words_and_the_recipe_becomes_my_own():
    dialog = dict((s.name, s.default) for s in settings.for_dialog("dream"))
    chosen = dict(dialog, octaves=6, iterations=3)
    values = settings.validate("dream", chosen, settings.chosen_in_dialog("dream", chosen))
    assert (values["octaves"], values["iterations"]) == (6, 3)
    assert (values["recipe"], values["detail"], values["strength"]) == ("custom", "large", "custom")


def test_a_dialog_that_cannot_react_takes_what_differs_from_its_defaults_as_chosen():
    dialog = dict((s.name, s.default) for s in settings.for_dialog("dream"))
    assert settings.chosen_in_dialog("dream", dialog) == []
    assert settings.chosen_in_dialog("dream", dict(dialog, model="vgg16")) == ["model"]


def test_the_words_lead_and_the_engine_settings_they_stand_for_are_advanced():
    table = settings.for_procedure("dream")
    simple = [s.name for s in table if not s.advanced]
    assert simple[:6] == ["recipe", "depth", "depth-2", "blend", "detail", "strength"]
    assert [name for name in simple[:6] if name != "blend"] == WORD_NAMES
    for name in ("model", "layer", "layer-2", "octaves", "iterations", "step-size"):
        assert settings.BY_NAME[name].advanced and name not in simple
    zoom = [s.name for s in settings.for_procedure("zoom") if not s.advanced]
    assert "layer" in zoom and "depth" not in zoom  # a dive has no words: it keeps its settings


@pytest.mark.parametrize("options", [
    ["--depth", "animals", "--detail", "fine"],
    ["--recipe", "brushwork"],
    ["--recipe", "ornaments", "--strength", "intense", "--model", "googlenet"],
    ["--depth", "eyes", "--model", "vgg16"],
])
def test_the_command_line_maps_words_as_the_settings_table_does(options):
    args = cli.build_parser().parse_args(["dream", "a.png", "b.png"] + options)
    given = dict(zip(options[::2], options[1::2]))
    direct = dict((flag[2:], value) for flag, value in given.items())
    assert settings.validate("dream", cli.dream_values(args)) == settings.validate("dream", direct)


@pytest.mark.parametrize("nick", [nick for nick, _, _ in looks.SECOND_DEPTHS])
def test_a_second_depth_sets_the_second_layer_of_the_chosen_network(nick):
    for model in catalogue.model_names():
        values = settings.validate("dream", {"model": model, "depth-2": nick})
        assert values["layer-2"] == looks.depth_layer(nick, model) and values["depth-2"] == nick


def test_a_second_layer_follows_a_new_network_and_a_recipe_dreams_one_layer():
    mixed = settings.validate("dream", {"depth-2": "ornaments", "blend": 0.3})
    assert (mixed["layer-2"], mixed["recipe"]) == ("inception3b", "custom")
    moved = settings.validate("dream", dict(mixed, model="vgg16"), changed=["model"])
    assert (moved["layer"], moved["layer-2"]) == ("conv4-3", "conv3-3")
    by_hand = settings.validate("dream", {"layer-2": "inception5a"}, changed=["layer-2"])
    assert by_hand["depth-2"] == "custom"
    assert settings.validate("dream", dict(by_hand, model="vgg16"),
                             changed=["model"])["layer-2"] == "none"
    assert settings.validate("dream", dict(mixed, recipe="classic"),
                             changed=["recipe"])["layer-2"] == "none"


def test_a_second_layer_of_another_network_is_named():
    with pytest.raises(ValueError) as raised:
        settings.validate("dream", {"layer": "inception4c", "layer-2": "mixed6c"})
    assert "layer-2 mixed6c belongs to inception_v3" in str(raised.value)
