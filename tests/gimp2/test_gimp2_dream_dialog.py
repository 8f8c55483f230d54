"""GIMP 2.10's Dream dialog (plugin/gimp2/dream_dialog.py), played by dialog_user.py under a real
Python 2.7 with the strict PyGTK stubs: its widgets come from the settings table, its preview is
dreamed by the worker (the fake engine of tests/protocol, which echoes), OK hands gimpfu the
dialog's values (a mix and a guide layer too), Cancel runs nothing, and an engine that cannot
dream greys out Dream."""
import base64
import io
import json
import os
import sys

import pytest

from inceptionism import catalogue, errors, looks, settings

import gimp2_run

pytestmark = pytest.mark.py27

FAKE_WORKER = [sys.executable, os.path.join(gimp2_run.REPO, "tests", "protocol", "fake_worker.py"),
               "engine"]
BROKEN_WORKER = ["/nonexistent/inceptionism-venv/bin/python", "-m", "inceptionism.worker"]
IMAGE = {"size": [40, 30]}
PREVIEW_WIDGETS = ["preview", "preview-status", "estimate", "preview-button", "gallery-button"]
# Words the artist picks, and an engine value set by hand under Advanced.
EDITS = {"depth": "animals", "strength": "subtle", "iterations": 3}
GLOW = {"name": "glow", "kind": "float", "default": 0.25, "low": 0.0, "high": 1.0,
        "label": "Glow", "help": "A setting added to the table.", "choices": None,
        "procedures": ["dream"], "advanced": True}


def case(values, script, image=IMAGE, **more):
    return dict(gimp2_run.interactive("dream", image, values), dialog_script=script, **more)


def guided_mix():
    """A second depth blended in, and the image's Guide layer (the third item, after None and
    the Source layer) picked as the guide."""
    played = case({"depth-2": "ornaments", "blend": 0.3}, ["ok"], dict(IMAGE, guide=[20, 15]))
    played["dialog_edits"]["guide"] = 2
    return played


CASES = {
    "preview": (case(EDITS, ["wait", "preview", "wait", "ok"]), {}),
    "cancel": (case(EDITS, ["wait", "cancel"]), {}),
    # GoogLeNet named under Advanced, its file missing (auto would dream with Lite0)
    "missing_network": (case({"model": "googlenet"}, ["wait", "ok"]), {"FAKE_WEIGHTS": "missing"}),
    "lite0_stands_in": (case({}, ["wait", "ok"]), {"FAKE_WEIGHTS": "missing"}),
    # Dream pressed while the preview still dreams, one second a step
    "busy": (case({}, ["pause", "ok"]), {"FAKE_STEP_S": "1"}),
    "added_setting": (case({}, ["cancel"], extra_settings=[GLOW]), {}),
    "guided_mix": (guided_mix(), {}),
    "gallery": (case({}, ["wait", "channels", "pause", "cancel"]), {}),
}


class Runs(dict):
    """Each case's record, run on first use in a GIMP 2.10 folder installed for its worker."""

    def __init__(self, make_folder):
        dict.__init__(self)
        self.make_folder, self.folders = make_folder, {}

    def gimp2(self, worker):
        key = tuple(worker)
        if key not in self.folders:
            self.folders[key] = gimp2_run.Gimp2(self.make_folder("gimp2"), worker)
        return self.folders[key]

    def __missing__(self, name):
        if name == "dead_engine":
            self[name] = self.gimp2(BROKEN_WORKER).run(name, case({}, ["wait", "ok"]))
        else:
            played, env = CASES[name]
            self[name] = self.gimp2(FAKE_WORKER).run(name, played, **env)
        return self[name]

    def log(self):
        with io.open(os.path.join(self.gimp2(FAKE_WORKER).base, "data", "inceptionism.log"),
                     encoding="utf-8") as handle:
            return handle.read()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return Runs(lambda name: str(tmp_path_factory.mktemp(name)))


def shot(run, step):
    return [taken for taken in run["dream_dialog"] if taken["step"] == step][-1]


def widgets(taken):
    return dict((widget["name"], widget) for widget in taken["widgets"])


def recipe(run):
    assert len(run["new"]) == 1, run["output"]
    return json.loads(run["new"][0]["recipe"])["settings"]


def test_every_setting_of_the_table_has_its_widget_label_and_place(runs):
    taken = shot(runs["cancel"], "cancel")
    table = settings.for_procedure("dream")
    assert [name for name in taken["order"] if name not in PREVIEW_WIDGETS] == \
        [s.name for s in table if not s.advanced] + ["guide"] + \
        [s.name for s in table if s.advanced]
    shown = widgets(taken)
    for setting in table:
        widget = shown[setting.name]
        assert (widget["label"], widget["advanced"]) == (setting.label, setting.advanced)
        if setting.kind == "choice":
            assert widget["items"] == [label for _, label in setting.choices]
    assert taken["title"] == "Dream"
    guide = shown["guide"]  # the guide layer argument, after the settings, is no setting
    assert (guide["label"], guide["advanced"], guide["items"][0]) == ("Guide layer", False, "None")


def test_a_setting_added_to_the_table_gets_a_widget(runs):
    glow = widgets(shot(runs["added_setting"], "cancel"))["glow"]
    assert (glow["kind"], glow["label"], glow["advanced"], glow["value"]) == \
        ("HScale", "Glow", True, 0.25)


def test_the_words_and_the_values_keep_in_step_as_the_artist_edits(runs):
    shown = widgets(shot(runs["preview"], "wait"))
    layer = settings.BY_NAME["layer"]
    assert layer.choices[shown["layer"]["value"]][0] == "inception4e"  # Depth: animals
    strength = settings.BY_NAME["strength"]
    assert strength.choices[shown["strength"]["value"]][0] == looks.CUSTOM  # iterations by hand
    assert shown["iterations"]["value"] == 3
    model = settings.BY_NAME["model"]  # auto stays auto: the layer follows what it stands for
    assert model.choices[shown["model"]["value"]][0] == catalogue.AUTO


def test_the_preview_is_dreamed_by_the_worker_and_shown_with_the_estimate(runs):
    run = runs["preview"]
    first, clicked, second = (run["dream_dialog"][index] for index in range(3))
    assert first["status"].startswith(u"Preview (40 \u00d7 30)"), first["status"]
    assert first["picture"] == [40, 30]
    assert first["estimate"].startswith(u"Full size (40 \u00d7 30)"), first["estimate"]
    assert clicked["status"] == u"Dreaming a preview\u2026"
    assert second["status"].startswith(u"Preview (40 \u00d7 30)")
    assert runs.log().count(u"plug-in: preview 40\u00d730") >= 2


def test_ok_hands_gimpfu_the_dialogs_values_and_they_are_dreamed(runs):
    run = runs["preview"]
    dreamed = recipe(run)
    assert (dreamed["layer"], dreamed["iterations"], dreamed["depth"]) == \
        ("inception4e", 3, "animals")
    assert dreamed == settings.validate("dream", dreamed)  # consistent as they are
    assert run["dialogs"] == []  # gimpfu's own dialog never showed


def test_cancel_runs_nothing(runs):
    run = runs["cancel"]
    assert (run["new"], run["image_unchanged"], run["messages"]) == ([], True, [])
    assert run["new_images"] == []


def test_without_the_network_file_dream_is_greyed_out_and_says_why(runs):
    run = runs["missing_network"]
    taken = shot(run, "ok")
    assert not taken["ok_sensitive"]
    assert not widgets(taken)["preview-button"]["sensitive"]
    assert "network file is not installed" in taken["status"]
    assert "install.py --all-models" in taken["status"]
    assert run["new"] == []


def test_without_the_googlenet_file_auto_stays_auto_and_lite0_dreams(runs):
    """The worker's hello says GoogLeNet is missing: the dialog keeps Network = auto (what
    gimpfu remembers), its layer follows EfficientNet-Lite0, and Lite0 dreams."""
    run = runs["lite0_stands_in"]
    taken = shot(run, "ok")
    assert taken["ok_sensitive"], taken["status"]
    shown = widgets(taken)
    assert settings.BY_NAME["model"].choices[shown["model"]["value"]][0] == catalogue.AUTO
    assert settings.BY_NAME["layer"].choices[shown["layer"]["value"]][0] == "lite0-block11"
    assert (recipe(run)["model"], recipe(run)["layer"]) == ("efficientnet_lite0", "lite0-block11")


def test_a_dead_engine_greys_out_dream_and_says_why(runs):
    run = runs["dead_engine"]
    taken = shot(run, "ok")
    assert not taken["ok_sensitive"]
    assert errors.CODES["worker-missing"] in taken["status"], taken["status"]
    assert run["new"] == []


def test_dream_pressed_while_the_preview_dreams_stops_it_and_dreams(runs):
    run = runs["busy"]
    assert shot(run, "ok")["status"] == u"Dreaming a preview\u2026"  # five steps of a second
    assert recipe(run)["layer"] == "inception4c"
    assert run["messages"] == []


def test_a_second_depth_and_a_guide_layer_chosen_in_the_dialog_are_dreamed(runs):
    run = runs["guided_mix"]
    guide = widgets(shot(run, "ok"))["guide"]
    assert guide["items"][guide["value"]].endswith(" / Guide")
    dreamed = recipe(run)
    assert (dreamed["layer-2"], dreamed["blend"]) == ("inception3b", 0.3)  # ornaments, GoogLeNet
    assert json.loads(run["new"][0]["recipe"])["guide"]["layer"] == "Guide"


def test_show_channels_opens_the_labelled_gallery_as_a_new_image_and_says_how_to_use_it(runs):
    """The fake engine's gallery is 2 x 2 pixels of 7s; nothing is dreamed (Cancel)."""
    run = runs["gallery"]
    assert run["new"] == [], run["output"]
    gallery, = run["new_images"]
    assert gallery["size"] == [2, 2] and len(gallery["displays"]) == 1
    layer, = gallery["layers"]
    assert layer["name"] == "Channels of inception4c"
    assert base64.b64decode(layer["pixels"]) == b"\x07" * 12
    assert shot(run, "pause")["status"] == (u"Channel gallery of inception4c: opened as a new "
                                            u"image: put a picture's number in Advanced "
                                            u"\u25b8 Channel")
