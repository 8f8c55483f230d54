"""One record per network (catalogue.NETWORKS) and the fallback rule beside looks.settle: auto
and the Looks dream with the first installed network along the fallback list; a network named
by hand is never replaced."""
import os

import pytest

from inceptionism import catalogue, cli, looks, settings

LITE0_ONLY = {"efficientnet_lite0"}
STAND_IN_LINE = ("GoogLeNet is not installed yet: dreaming with EfficientNet-Lite0, which came "
                 "with the engine")


def test_every_record_is_complete_and_its_names_are_unique():
    layer_names = [layer.name for network in catalogue.NETWORKS for layer in network.layers]
    assert len(layer_names) == len(set(layer_names))  # a layer name alone names its network
    for network in catalogue.NETWORKS:
        assert network.default_layer in [layer.name for layer in network.layers]
        assert network.input.channels in ("RGB", "BGR") and len(network.input.mean) == 3
        assert network.title and network.licence and network.min_size >= 1
        assert set(("file", "sha256")) <= set(network.weights)
        if catalogue.comes_with_engine(network.name):
            assert len(network.weights["sha256"]) == 64  # the full sum, where one is known


def test_the_fallback_list_is_googlenet_then_the_network_that_comes_with_the_engine():
    assert catalogue.FALLBACK == ("googlenet", "efficientnet_lite0")
    assert catalogue.comes_with_engine(catalogue.FALLBACK[-1])
    assert catalogue.model_names()[:2] == list(catalogue.FALLBACK)


@pytest.mark.parametrize("procedure", settings.PROCEDURES)
def test_auto_dreams_with_googlenet_where_it_is_installed(procedure):
    values = settings.validate(procedure, {})
    assert values["model"] == "googlenet"
    assert looks.stand_in_note(values) is None


@pytest.mark.parametrize("procedure", settings.PROCEDURES)
def test_auto_falls_back_to_lite0_with_its_layer_and_one_line(procedure):
    values = settings.validate(procedure, {}, installed=LITE0_ONLY)
    assert values["model"] == "efficientnet_lite0"
    if "layer" in values:
        assert values["layer"] == catalogue.network("efficientnet_lite0").default_layer
    assert looks.stand_in_note(values, LITE0_ONLY) == STAND_IN_LINE


@pytest.mark.parametrize("recipe", [nick for nick, _, _ in looks.RECIPES])
def test_every_look_falls_back_and_still_reads_as_that_look(recipe):
    values = settings.validate("dream", {"recipe": recipe}, installed=LITE0_ONLY)
    row = dict((nick, row) for nick, _, row in looks.RECIPES)[recipe]
    assert values["model"] == "efficientnet_lite0" and values["recipe"] == recipe
    assert values["layer"] == looks.depth_layer(row["depth"], "efficientnet_lite0")
    assert looks.stand_in_note(values, LITE0_ONLY) == STAND_IN_LINE


def test_the_dialog_starts_from_the_classic_look_whichever_network_stands_in(monkeypatch):
    monkeypatch.setattr(catalogue, "installed_networks", lambda weights_dir=None: LITE0_ONLY)
    defaults = dict((s.name, s.default) for s in settings.for_dialog("dream"))
    assert defaults["recipe"] == "classic" and defaults["model"] == catalogue.AUTO
    values = looks.settle(defaults, [])
    assert (values["model"], values["layer"], values["recipe"]) == (
        "efficientnet_lite0", "lite0-block11", "classic")


@pytest.mark.parametrize("given, changed", [
    ({"model": "googlenet"}, ["model"]),  # Network under Advanced, --model, a script's model
    ({"layer": "inception4c"}, ["layer"]),  # a layer chosen by name
    ({"model": "googlenet", "depth": "eyes"}, ["model", "depth"]),
])
def test_a_network_named_by_hand_is_never_replaced(given, changed):
    values = settings.validate("dream", given, changed, installed=LITE0_ONLY)
    assert values["model"] == "googlenet"
    assert looks.stand_in_note(values, LITE0_ONLY) is None


def test_a_script_naming_googlenet_keeps_it_without_a_changed_list():
    """A worker validates what a front end sent without knowing who chose what: a network
    other than auto counts as chosen."""
    values = settings.validate("dream", {"model": "googlenet"}, installed=LITE0_ONLY)
    assert values["model"] == "googlenet"


def test_auto_chosen_by_hand_with_a_layer_by_name_dreams_that_layers_network():
    values = settings.validate("dream", {"model": "auto", "layer": "lite0-block5"},
                               ["model", "layer"], installed=set(catalogue.BY_NAME))
    assert (values["model"], values["layer"]) == ("efficientnet_lite0", "lite0-block5")


def test_installed_networks_are_the_files_there_and_those_that_come_with_the_engine(
        installed_here, tmp_path, monkeypatch):
    monkeypatch.delenv("INCEPTIONISM_RANDOM_WEIGHTS", raising=False)
    assert catalogue.installed_networks(str(tmp_path)) == LITE0_ONLY
    open(os.path.join(str(tmp_path), catalogue.network("googlenet").weights["file"]), "w").close()
    assert catalogue.installed_networks(str(tmp_path)) == {"googlenet", "efficientnet_lite0"}
    monkeypatch.setenv("INCEPTIONISM_RANDOM_WEIGHTS", "1")  # random weights need no file
    assert catalogue.installed_networks(str(tmp_path)) == set(catalogue.BY_NAME)


def test_the_command_line_says_which_network_stands_in(installed_here, tmp_path, monkeypatch,
                                                        capsys):
    monkeypatch.setenv("INCEPTIONISM_HOME", str(tmp_path))
    monkeypatch.delenv("INCEPTIONISM_RANDOM_WEIGHTS", raising=False)
    args = cli.build_parser().parse_args(["dream", "in.png", "out.png", "--recipe", "classic"])
    values = cli.dream_values(args)
    assert (values["model"], values["layer"]) == ("efficientnet_lite0", "lite0-block11")
    assert STAND_IN_LINE in capsys.readouterr().err
    args = cli.build_parser().parse_args(["dream", "in.png", "out.png", "--model", "googlenet"])
    assert cli.dream_values(args)["model"] == "googlenet"  # named: kept, its file missing
    assert STAND_IN_LINE not in capsys.readouterr().err


# ---- a dialog's side of the rule (looks.settle_shown): Network keeps auto ----

def dialog_values(**given):
    """What a Dream dialog holds for the dialog's defaults and given values."""
    return dict(dict((s.name, s.default) for s in settings.for_dialog("dream")), **given)


@pytest.mark.parametrize("installed, network, layer", [
    (LITE0_ONLY, "efficientnet_lite0", "lite0-block11"),
    (set(catalogue.FALLBACK), "googlenet", "inception4c")])
@pytest.mark.parametrize("changed", [[], ["depth"], ["recipe"], ["detail"]])
def test_a_dialog_keeps_showing_auto_while_its_layer_follows_the_network_auto_stands_for(
        installed, network, layer, changed):
    shown, dreaming = looks.settle_shown(dialog_values(), changed, installed)
    assert (shown["model"], dreaming, shown["layer"]) == (catalogue.AUTO, network, layer)
    assert shown["recipe"] == "classic"  # the Classic look, dreamed by the network that can
    # what the dialog shows (and GIMP remembers) dreams the same as what the rule settled
    assert settings.validate("dream", shown, installed=installed)["model"] == network


def test_a_layer_chosen_in_a_dialog_with_auto_leaves_auto_shown_and_dreams_its_network():
    shown, dreaming = looks.settle_shown(dialog_values(layer="lite0-block5"), ["layer"],
                                         LITE0_ONLY)
    assert (shown["model"], dreaming, shown["layer"]) == (catalogue.AUTO, "efficientnet_lite0",
                                                          "lite0-block5")
    # the remembered values dream the same later, with GoogLeNet installed meanwhile or not
    assert settings.validate("dream", shown, installed=LITE0_ONLY)["layer"] == "lite0-block5"


def test_a_network_a_dialog_holds_other_than_auto_was_named_and_stays_through_later_changes():
    """GoogLeNet chosen under Advanced with no GoogLeNet file: a later word changes nothing of
    it (settle alone would see a network nobody chose in this change, and replace it)."""
    held = looks.settle_shown(dialog_values(model="googlenet"), ["model"], LITE0_ONLY)[0]
    for changed, value in (("detail", "large"), ("recipe", "ornaments"), ("depth", "eyes")):
        held, dreaming = looks.settle_shown(dict(held, **{changed: value}), [changed],
                                            LITE0_ONLY)
        assert (held["model"], dreaming) == ("googlenet", "googlenet")
        assert catalogue.find_layer(held["layer"])[0] == "googlenet"


def test_choosing_auto_again_in_a_dialog_brings_the_layer_of_the_network_it_stands_for():
    held = looks.settle_shown(dialog_values(model="vgg16"), ["model"], LITE0_ONLY)[0]
    assert held["layer"] == "conv4-3"
    shown, dreaming = looks.settle_shown(dict(held, model=catalogue.AUTO), ["model"], LITE0_ONLY)
    assert (shown["model"], dreaming, shown["layer"]) == (catalogue.AUTO, "efficientnet_lite0",
                                                          "lite0-block11")


def test_settle_alone_would_write_the_concrete_network_back_into_a_dialog():
    """Why dialogs use settle_shown: settle's result names the network that dreams."""
    assert looks.settle(dialog_values(), [], LITE0_ONLY)["model"] == "efficientnet_lite0"
