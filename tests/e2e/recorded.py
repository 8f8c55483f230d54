"""What the one GIMP launch of the real-GIMP tests recorded, and how the tests read it.

in_gimp/cases.py runs every case inside GIMP (tiny images, a random-weight network, the lightest
settings) and writes results.json, raw pixel dumps and the spy's trace; the tests only read them.
"""
import json
import os
from collections import namedtuple

import numpy as np

import gimp3

CASES_SCRIPT = os.path.join(gimp3.HERE, "in_gimp", "cases.py")
DYING_WORKER = os.path.join(gimp3.HERE, "dying_worker.py")
# The lightest settings of each procedure; a case may add its own (start from noise or layer).
FAST = {
    "dream": {"layer": "conv2", "octaves": 1, "iterations": 2, "step-size": 0.03},
    "visualize": {"class-name": "banana", "width": 40, "height": 32, "steps": 2},
    "zoom": {"layer": "conv2", "octaves": 1, "iterations": 1, "step-size": 0.03, "frames": 3,
             "width": 40, "height": 32, "frame-ms": 120},
    "animate": {"layer": "conv2", "octaves": 1, "iterations": 2, "step-size": 0.03,
                "flicker": "smooth"},
}

Run = namedtuple("Run", "registered cases out_dir traces log")


def record_all_cases(session):
    """Run every case in one GIMP launch and read back what it recorded, as a Run."""
    trace = os.path.join(session.run_dir, "trace.txt")
    launch = session.batch(CASES_SCRIPT, {"INCEPTIONISM_E2E_SETTINGS": json.dumps(FAST),
                                          "INCEPTIONISM_E2E_TRACE": session.inside(trace),
                                          "INCEPTIONISM_E2E_DYING_WORKER": DYING_WORKER})
    results = read_results(launch)
    assert results["registered"], "GIMP did not register the plug-in:\n" + launch.stderr
    return Run(results["registered"], results["cases"], launch.out_dir, read_traces(trace),
               session.engine_log())


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


def succeeded(run, name):
    case = run.cases[name]
    assert case["status"] == "success", case["message"]
    return case


def new_layer(run, name):
    case = succeeded(run, name)
    assert len(case["new"]) == 1, "expected one new layer, got %r" % case["new"]
    return case["new"][0]


def find(rows, item_id):
    return next(row for row in rows if row["id"] == item_id)


def selected(run, layer):
    """Which pixels of the new layer the selection covers fully (all when nothing is selected)."""
    coverage = pixels(run, layer["selection_under"])[..., 0]
    return coverage == 255 if coverage.any() else np.ones(coverage.shape, bool)


def assert_selected_pixels_changed(run, layer):
    """Most selected pixels of the new layer differ from the source's under it."""
    worked = pixels(run, layer["pixels"]).astype(int)
    source = pixels(run, layer["source_under"]).astype(int)
    changed = (worked != source).any(axis=-1)[selected(run, layer)]
    assert changed.mean() > 0.5, "only %.0f%% of the selected pixels changed" % (
        100 * changed.mean())


def assert_source_untouched(run, name):
    case = run.cases[name]
    assert np.array_equal(pixels(run, case["before"]), pixels(run, case["after"]))


def assert_placed_above(case, layer, below_id):
    """The new layer took the place of below_id, which moved one down; nothing else was added."""
    below_before = find(case["layers_before"], below_id)
    placed = find(case["layers_after"], layer["id"])
    assert (placed["parent"], placed["position"]) == (below_before["parent"],
                                                      below_before["position"])
    assert find(case["layers_after"], below_id)["position"] == below_before["position"] + 1
    assert len(case["layers_after"]) == len(case["layers_before"]) + 1


def assert_one_undo_step(run, name):
    """Every change the plug-in makes sits in one undo group, except the preparation of the new
    layer before it enters the image (not undoable, and not part of the image yet)."""
    calls, new_id = run.traces[name], str(new_layer(run, name)["id"])
    methods = [call[0] for call in calls]
    assert methods.count("undo_group_start") == methods.count("undo_group_end") == 1, calls
    start, end = methods.index("undo_group_start"), methods.index("undo_group_end")
    assert ["insert_layer", calls[start][1], new_id] in calls[start:end], calls
    assert [call for call in calls[:start] if call[1] != new_id] == [], calls
    assert calls[end + 1:] == [], calls


def assert_refused(run, name, words):
    """One clear message, and the image as it was."""
    case = run.cases[name]
    assert case["status"] == "execution-error"
    assert words in case["message"]
    assert case["layers_after"] == case["layers_before"]
    assert run.traces.get(name, []) == [], "refused, yet it changed the image"


def assert_recipe(layer_or_image, procedure, settings):
    """The recipe parasite names the procedure, the settings it was given and the random network."""
    recipe = json.loads(layer_or_image["recipe"])
    assert recipe["procedure"] == procedure
    assert dict((key, recipe["settings"][key]) for key in settings) == settings
    assert recipe["random_weights"] is True
    return recipe
