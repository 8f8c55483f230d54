"""The GIMP 3 plug-in in a real, headless GIMP 3 with this checkout's engine behind it.

One GIMP launch runs every case of in_gimp/dream_cases.py (tiny images, a random-weight network,
the lightest settings); each test then reads what that launch recorded.
"""
import json
import os
from collections import namedtuple

import numpy as np
import pytest

import gimp3
from inceptionism import errors, plugin_support, settings

pytestmark = pytest.mark.gimp

CASES_SCRIPT = os.path.join(gimp3.HERE, "in_gimp", "dream_cases.py")
FAST = {"layer": "conv2", "octaves": 1, "iterations": 2, "step-size": 0.03}
DREAMED = ["whole", "rectangle", "feathered_ellipse", "offsets", "transparency", "gray",
           "high_bit_depth", "several_drawables"]
REFUSED = {
    "indexed": "Indexed-colour images",
    "layer_group": "layer group",
    "selection_outside_layer": "selection does not touch this layer",
    "worker_missing": errors.CODES["worker-missing"],
}

Run = namedtuple("Run", "registered cases out_dir traces")


@pytest.fixture(scope="module")
def gimp_run():
    if os.geteuid() != 0:
        pytest.skip("the real-GIMP tests need root (chroot and private mounts)")
    session = gimp3.GimpSession(gimp3.ensure_root())
    trace = os.path.join(session.run_dir, "trace.txt")
    try:
        launch = session.batch(CASES_SCRIPT, {"INCEPTIONISM_E2E_SETTINGS": json.dumps(FAST),
                                              "INCEPTIONISM_E2E_TRACE": session.inside(trace)})
        results = read_results(launch)
        assert results["registered"], "GIMP did not register the plug-in:\n" + launch.stderr
        yield Run(results["registered"], results["cases"], launch.out_dir, read_traces(trace))
    finally:
        session.close()


def read_results(launch):
    path = os.path.join(launch.out_dir, "results.json")
    assert os.path.exists(path), "GIMP wrote no results (exit %d):\n%s\n%s" % (
        launch.returncode, launch.stdout, launch.stderr)
    with open(path) as handle:
        return json.load(handle)


def read_traces(path):
    """The spy's trace split by case: {case: [[method, target id, argument ids...], ...]}."""
    traces, calls = {}, None
    with open(path) as handle:
        for words in (line.split() for line in handle):
            if words[0] == "case":
                calls = traces.setdefault(words[1], [])
            else:
                calls.append(words)
    return traces


def pixels(run, dump):
    """A dump as an array (height, width, channels)."""
    width, height = dump["size"]
    dtype = np.uint16 if dump["format"].endswith("u16") else np.uint8
    with open(os.path.join(run.out_dir, dump["file"]), "rb") as handle:
        return np.frombuffer(handle.read(), dtype).reshape(height, width, -1)


def new_layer(run, name):
    case = run.cases[name]
    assert case["status"] == "success", case["message"]
    assert len(case["new"]) == 1, "expected one new layer, got %r" % case["new"]
    return case["new"][0]


def selected(run, layer):
    """Which pixels of the new layer the selection covers fully (all when nothing is selected)."""
    coverage = pixels(run, layer["selection_under"])[..., 0]
    return coverage == 255 if coverage.any() else np.ones(coverage.shape, bool)


def test_gimp_registers_every_procedure_with_the_settings_table_as_arguments(gimp_run):
    assert sorted(gimp_run.registered) == sorted(plugin_support.PROCEDURES)
    for pdb_name, (name, label, _) in plugin_support.PROCEDURES.items():
        declared = gimp_run.registered[pdb_name]
        assert declared["menu_label"] == label
        assert declared["menu_paths"] == [plugin_support.MENU_PATH]
        assert declared["arguments"] == ["run-mode", "image", "drawables"] + [
            s.name for s in settings.for_procedure(name)]


@pytest.mark.parametrize("name", DREAMED + sorted(REFUSED))
def test_the_source_layer_stays_bit_identical(gimp_run, name):
    case = gimp_run.cases[name]
    assert np.array_equal(pixels(gimp_run, case["before"]), pixels(gimp_run, case["after"]))


@pytest.mark.parametrize("name", DREAMED)
def test_the_new_layer_sits_right_above_the_source(gimp_run, name):
    case, layer = gimp_run.cases[name], new_layer(gimp_run, name)
    source_before = find(case["layers_before"], case["source"]["id"])
    source_after = find(case["layers_after"], case["source"]["id"])
    placed = find(case["layers_after"], layer["id"])
    assert (placed["parent"], placed["position"]) == (source_before["parent"],
                                                      source_before["position"])
    assert source_after["position"] == source_before["position"] + 1
    assert len(case["layers_after"]) == len(case["layers_before"]) + 1


def find(rows, item_id):
    return next(row for row in rows if row["id"] == item_id)


@pytest.mark.parametrize("name, offsets, size", [
    ("whole", [0, 0], [64, 48]),
    ("rectangle", [8, 6], [24, 20]),
    ("offsets", [10, 8], [20, 16]),  # a 40x30 layer at (10, 8), selection (0, 0)-(30, 24)
    ("transparency", [0, 0], [64, 48]),
    ("gray", [0, 0], [64, 48]),
    ("high_bit_depth", [0, 0], [64, 48]),
    ("several_drawables", [0, 0], [64, 48]),
])
def test_the_new_layer_covers_exactly_the_selected_part(gimp_run, name, offsets, size):
    layer = new_layer(gimp_run, name)
    assert (layer["offsets"], layer["size"]) == (offsets, size)


def test_a_feathered_selection_becomes_the_new_layers_mask(gimp_run):
    layer = new_layer(gimp_run, "feathered_ellipse")
    x1, y1, x2, y2 = gimp_run.cases["feathered_ellipse"]["selection_bounds"]
    assert (layer["offsets"], layer["size"]) == ([x1, y1], [x2 - x1, y2 - y1])
    assert layer["mask"], "a soft selection needs a layer mask"
    assert np.array_equal(pixels(gimp_run, layer["mask"]),
                          pixels(gimp_run, layer["selection_under"]))


@pytest.mark.parametrize("name", [n for n in DREAMED if n != "feathered_ellipse"])
def test_hard_or_no_selections_need_no_mask(gimp_run, name):
    assert new_layer(gimp_run, name)["mask"] is None


@pytest.mark.parametrize("name", DREAMED)
def test_the_selected_pixels_are_dreamed(gimp_run, name):
    layer = new_layer(gimp_run, name)
    dreamed = pixels(gimp_run, layer["pixels"]).astype(int)
    source = pixels(gimp_run, layer["source_under"]).astype(int)
    changed = (dreamed != source).any(axis=-1)[selected(gimp_run, layer)]
    assert changed.mean() > 0.5, "only %.0f%% of the selected pixels changed" % (
        100 * changed.mean())


def test_transparency_passes_through_unchanged(gimp_run):
    layer = new_layer(gimp_run, "transparency")
    assert layer["type"] == gimp_run.cases["transparency"]["source"]["type"] == "rgba-image"
    assert np.array_equal(pixels(gimp_run, layer["pixels"])[..., 3],
                          pixels(gimp_run, layer["source_under"])[..., 3])


def test_a_gray_layer_stays_gray(gimp_run):
    assert new_layer(gimp_run, "gray")["type"] == "gray-image"


def test_high_bit_depth_is_dreamed_in_high_bit_depth(gimp_run):
    """8-bit values widen to multiples of 257 in 16 bits; dreamed floats do not."""
    layer = new_layer(gimp_run, "high_bit_depth")
    values = pixels(gimp_run, layer["pixels"])
    assert (values % 257 != 0).mean() > 0.5


@pytest.mark.parametrize("name", DREAMED)
def test_the_recipe_parasite_says_how_the_layer_was_made(gimp_run, name):
    layer = new_layer(gimp_run, name)
    recipe = json.loads(layer["recipe"])
    assert recipe["procedure"] == "dream"
    assert dict((key, recipe["settings"][key]) for key in FAST) == FAST
    assert recipe["random_weights"] is True
    assert layer["name"] == plugin_support.layer_name(recipe)


@pytest.mark.parametrize("name", DREAMED)
def test_all_changes_are_one_undo_step(gimp_run, name):
    """Every change the plug-in makes sits in one undo group, except the preparation of the new
    layer before it enters the image (not undoable, and not part of the image yet)."""
    calls, new_id = gimp_run.traces[name], str(new_layer(gimp_run, name)["id"])
    methods = [call[0] for call in calls]
    assert methods.count("undo_group_start") == methods.count("undo_group_end") == 1, calls
    start, end = methods.index("undo_group_start"), methods.index("undo_group_end")
    assert ["insert_layer", calls[start][1], new_id] in calls[start:end], calls
    assert [call for call in calls[:start] if call[1] != new_id] == [], calls
    assert calls[end + 1:] == [], calls


@pytest.mark.parametrize("name, words", sorted(REFUSED.items()))
def test_refusals_are_one_clear_message_and_leave_the_image_alone(gimp_run, name, words):
    case = gimp_run.cases[name]
    assert case["status"] == "execution-error"
    assert words in case["message"]
    assert case["layers_after"] == case["layers_before"]
    assert gimp_run.traces.get(name, []) == [], "refused, yet it changed the image"
