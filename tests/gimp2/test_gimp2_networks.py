"""Changing the network (and the layer) in GIMP 2.10's dialogs (Dream's own, which keeps the
words in step as the artist edits, and gimpfu's for Zoom dive, which cannot react): what the
engine receives, for Dream and Zoom dive and all four networks. The worker's engine only echoes
(echo_worker.py); its recipe says what the engine was given."""
import json
import os
import sys

import pytest

from inceptionism import catalogue, looks

import gimp2_run

pytestmark = pytest.mark.py27

ECHO_WORKER = [sys.executable, os.path.join(gimp2_run.HERE, "echo_worker.py")]
IMAGE = {"size": [32, 24]}
DIVE = {"frames": 2, "start": "layer"}
CASES = {}
for _model in catalogue.model_names():
    # the Look stays at its default (Classic, a GoogLeNet recipe); only the network is changed
    CASES["dream-" + _model] = gimp2_run.interactive("dream", IMAGE, {"model": _model})
    CASES["zoom-" + _model] = gimp2_run.interactive("zoom", IMAGE, dict(DIVE, model=_model))
CASES["dream-vgg16-conv5-3"] = gimp2_run.interactive("dream", IMAGE,
                                                     {"model": "vgg16", "layer": "conv5-3"})
CASES["dream-octaves-by-hand"] = gimp2_run.interactive("dream", IMAGE, {"octaves": 6,
                                                                        "iterations": 3})


class Runs(gimp2_run.Runs):
    def __missing__(self, name):
        self.gimp2 = self.gimp2 or gimp2_run.Gimp2(self.make_folder("gimp2"), ECHO_WORKER)
        return gimp2_run.Runs.__missing__(self, name)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return Runs(lambda name: str(tmp_path_factory.mktemp(name)), CASES)


def received(run):
    """The settings the engine was given, from the recipe of what the run made."""
    assert run["result"]["status"] == "success", run["output"]
    made = run["new"][0] if run["new"] else run["new_images"][0]
    return json.loads(made["recipe"])["settings"]


@pytest.mark.parametrize("procedure", ["dream", "zoom"])
@pytest.mark.parametrize("model", catalogue.model_names())
def test_a_network_chosen_under_advanced_is_the_one_that_dreams(runs, procedure, model):
    settings = received(runs["%s-%s" % (procedure, model)])
    assert (settings["model"], settings["layer"]) == (model, catalogue.network(model).default_layer)
    if procedure in looks.PROCEDURES:  # the Classic look is GoogLeNet's: another is "My own"
        assert settings["recipe"] == ("classic" if model == "googlenet" else "custom")


def test_a_layer_chosen_with_its_network_is_kept(runs):
    settings = received(runs["dream-vgg16-conv5-3"])
    assert (settings["model"], settings["layer"]) == ("vgg16", "conv5-3")


def test_advanced_values_win_over_the_words_and_the_look_becomes_my_own(runs):
    settings = received(runs["dream-octaves-by-hand"])
    assert (settings["octaves"], settings["iterations"], settings["recipe"]) == (6, 3, "custom")
    assert settings["layer"] == "inception4c"  # the rest of the Classic look stays
