"""What the GIMP 2.10 plug-in registers: the shared procedures, built from the settings table."""
import json

import pytest

from inceptionism import plugin_support, settings

import gimp2_run

pytestmark = pytest.mark.py27

# gimpfu's PF_* and GIMP's PDB type numbers
PF_IMAGE, PF_LAYER, PF_DRAWABLE, PF_STRING = 13, 14, 16, 4
PF_TOGGLE, PF_SLIDER, PF_SPINNER, PF_OPTION = 1000, 1001, 1002, 1013
PDB_INT32, PDB_FLOAT, PDB_STRING, PDB_LAYER = 0, 3, 4, 14
PF_TYPES = {"choice": PF_OPTION, "int": PF_SPINNER, "float": PF_SLIDER, "bool": PF_TOGGLE,
            "string": PF_STRING}
PDB_TYPES = {"choice": PDB_INT32, "int": PDB_INT32, "float": PDB_FLOAT, "bool": PDB_INT32,
             "string": PDB_STRING}


@pytest.fixture(scope="module")
def gimp2(tmp_path_factory):
    return gimp2_run.Gimp2(str(tmp_path_factory.mktemp("gimp2")))


@pytest.fixture(scope="module")
def installed(gimp2):
    with open(gimp2.pluginrc) as handle:
        return json.load(handle)


def procedures():
    return sorted((name, entry[0]) for name, entry in plugin_support.PROCEDURES.items())


def test_every_shared_procedure_is_registered_in_the_menu(gimp2, installed):
    assert sorted(installed) == sorted(gimp2.registrations) == sorted(plugin_support.PROCEDURES)
    assert sorted(procedure for _, procedure in procedures()) == sorted(settings.PROCEDURES)
    for name, (_, label, blurb) in plugin_support.PROCEDURES.items():
        assert installed[name]["menus"] == [plugin_support.MENU_PATH]
        assert (installed[name]["label"], installed[name]["blurb"]) == (label, blurb)
        assert installed[name]["imagetypes"] == "*"  # indexed images get a message, not a grey menu


@pytest.mark.parametrize("name, procedure", procedures())
def test_image_and_drawable_come_first_then_one_parameter_per_setting(gimp2, name, procedure):
    params = gimp2.registrations[name]["params"]
    assert [p[:2] for p in params[:2]] == [[PF_IMAGE, "image"], [PF_DRAWABLE, "drawable"]]
    table = settings.for_procedure(procedure)
    guide = [(PF_LAYER,) + plugin_support.GUIDE_ARGUMENT[:2]] if procedure == "dream" else []
    assert [(p[0], p[1], p[2]) for p in params[2:]] == [
        (PF_TYPES[s.kind], s.name, s.label) for s in table] + guide


@pytest.mark.parametrize("name, procedure", procedures())
def test_defaults_and_ranges_come_from_the_table(gimp2, name, procedure):
    for param, setting in zip(gimp2.registrations[name]["params"][2:],
                              settings.for_dialog(procedure)):
        if setting.kind == "choice":
            nicks, labels = zip(*setting.choices)
            assert param[3] == nicks.index(setting.default)
            assert param[4] == list(labels), "option labels must read as in GIMP 3"
        elif setting.kind in ("int", "float"):
            assert param[3] == setting.default
            low, high, step = param[4]
            assert (low, high) == (setting.low, setting.high)
            assert step == 1 if setting.kind == "int" else (high - low) / step >= 100
        else:
            assert param[3] == setting.default


def test_the_dream_dialog_leads_with_the_classic_look_in_words(gimp2):
    params = dict((p[1], p) for p in gimp2.registrations["python-fu-inceptionism-dream"]["params"])
    chosen = dict((word, params[word][4][params[word][3]]) for word in ("recipe", "depth"))
    assert chosen == {"recipe": u"Classic Inceptionism (eyes, fur, dog faces)",
                      "depth": u"Eyes & fur (the classic)"}


@pytest.mark.parametrize("name, procedure", procedures())
def test_gimp_installs_run_mode_first_and_the_pdb_types(installed, name, procedure):
    params = installed[name]["params"]
    assert params[0][:2] == [PDB_INT32, "run-mode"]
    guide = [PDB_LAYER] if procedure == "dream" else []  # a Dream's optional guide layer
    assert [p[0] for p in params[3:]] == [PDB_TYPES[s.kind]
                                          for s in settings.for_procedure(procedure)] + guide


@pytest.mark.parametrize("name", sorted(plugin_support.PROCEDURES))
def test_only_a_procedure_that_makes_an_image_returns_it(installed, name):
    returned = plugin_support.RETURNS.get(name)
    expected = [[PF_IMAGE, returned[0], returned[2]]] if returned else []
    assert installed[name]["results"] == expected
