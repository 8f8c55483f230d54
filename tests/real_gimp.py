"""The cases the two real-GIMP harnesses run, side by side, and how both judge what was recorded.

GIMP 3 (tests/e2e: in_gimp/cases.py, in one launch of gimp-console-3.0) and GIMP 2.10
(tests/gimp210: in_gimp/batch.py, in one launch of gimp-console-2.10) build each case's image,
call one procedure non-interactively and record the same things: results.json (one entry a case),
raw pixel dumps, and the spy's trace of every call that changed an image. Their tests read these
records with the checks below and expect what the tables below say, so a case, or what is
expected of it, cannot differ between the two without a reason written here.
tests/gimp210/test_real_gimp_cases.py fails when a harness runs a case this table does not list
for it, or misses one it does, or a procedure has no cases in one of them. A new case (or a new
procedure's cases) goes here, into tests/e2e/in_gimp/cases.py (CASES) and into
tests/gimp210/recorded210.py (SPECS); both batches call procedures by name and record whatever
layers or images appear, so neither needs more.
"""
import json
import os
import re

import numpy as np

from inceptionism import errors, plugin_support

GIMP3, GIMP210 = "gimp3", "gimp210"
BOTH = (GIMP3, GIMP210)

# The lightest settings of each procedure; a case may add its own (start from noise or layer).
FAST = {
    "dream": {"layer": "conv2", "octaves": 1, "iterations": 2, "step-size": 0.03},
    "visualize": {"class-name": "banana", "width": 40, "height": 32, "steps": 2},
    "zoom": {"layer": "conv2", "octaves": 1, "iterations": 1, "step-size": 0.03, "frames": 3,
             "width": 40, "height": 32, "frame-ms": 120},
    "animate": {"layer": "conv2", "octaves": 1, "iterations": 2, "step-size": 0.03,
                "flicker": "smooth"},
}

# name: (procedure, the harnesses that run it). A case run by one harness only says why below.
CASES = {
    "whole": ("dream", BOTH),
    "rectangle": ("dream", BOTH),
    "feathered_ellipse": ("dream", BOTH),
    "offsets": ("dream", BOTH),
    "transparency": ("dream", BOTH),
    "gray": ("dream", BOTH),
    "high_bit_depth": ("dream", (GIMP3,)),
    "high_bit_depth_at_8_bits": ("dream", (GIMP210,)),
    "several_drawables": ("dream", (GIMP3,)),
    "in_words": ("dream", BOTH),
    "guided_mix": ("dream", BOTH),
    "indexed": ("dream", BOTH),
    "layer_group": ("dream", BOTH),
    "selection_outside_layer": ("dream", BOTH),
    "worker_missing": ("dream", BOTH),
    "worker_disconnects": ("dream", (GIMP210,)),
    "worker_unreachable": ("dream", (GIMP210,)),
    "network_vgg16": ("dream", (GIMP210,)),
    "visualize_noise": ("visualize", BOTH),
    "visualize_noise_gray": ("visualize", BOTH),
    "visualize_noise_indexed": ("visualize", BOTH),
    "visualize_selection": ("visualize", BOTH),
    "zoom_noise": ("zoom", BOTH),
    "zoom_layer": ("zoom", BOTH),
    "zoom_worker_dies": ("zoom", BOTH),
    "zoom_worker_missing": ("zoom", BOTH),
    "zoom_network_vgg16": ("zoom", BOTH),
    "network_resnet50": ("dream", (GIMP3,)),
    "animation": ("animate", BOTH),
    "animation_worker_dies": ("animate", BOTH),
    "animation_single_layer": ("animate", BOTH),
    "animation_layer_group": ("animate", BOTH),
    "animation_sizes": ("animate", BOTH),
    "animation_cluster": ("animate", BOTH),
    "animation_cluster_free": ("animate", BOTH),
    "animation_cluster_unreachable": ("animate", BOTH),
}
ONE_HARNESS_ONLY = {
    "high_bit_depth": "GIMP 2.10 hands plug-ins 8-bit pixels; the plug-in dreams at 8 bits there",
    "high_bit_depth_at_8_bits": "as high_bit_depth: GIMP 2.10's own case",
    "several_drawables": "a GIMP 2.10 procedure takes one drawable",
    "worker_disconnects": "only the GIMP 2.10 root reaches its worker through a socket (the "
                          "remote-worker path); GIMP 3 covers a dying worker with zoom_worker_dies",
    "worker_unreachable": "as worker_disconnects: a remote worker's socket nobody serves",
    "network_vgg16": "GIMP 2.10's dialog cannot react to a change, so the rule for Advanced "
                     "values is checked there; the GIMP 3 dialog's own test covers GIMP 3",
    "network_resnet50": "a script that sets the network alone: GIMP 2.10's own rule for "
                        "Advanced values is checked by network_vgg16",
}

# What is expected of each case, by kind. Dreamed: the new layer's offsets and size (None: the
# selection's bounds).
DREAMED = {
    "whole": ([0, 0], [64, 48]),
    "rectangle": ([8, 6], [24, 20]),
    "feathered_ellipse": None,
    "offsets": ([10, 8], [20, 16]),  # a 40x30 layer at (10, 8), selection (0, 0)-(30, 24)
    "transparency": ([0, 0], [64, 48]),
    "gray": ([0, 0], [64, 48]),
    "high_bit_depth": ([0, 0], [64, 48]),
    "high_bit_depth_at_8_bits": ([0, 0], [64, 48]),
    "several_drawables": ([0, 0], [64, 48]),
    "guided_mix": ([0, 0], [64, 48]),
}
# guided_mix: a script passes a "Guide" layer of GUIDE_SIZE (the pattern turned round) beside
# the source, and a mix of two layers.
GUIDE_SIZE = [40, 30]
MIX = {"layer-2": "conv3", "blend": 0.25}
FEATHERED = ("feathered_ellipse",)
REFUSED_WORDS = {
    "indexed": "Indexed-colour images",
    "layer_group": "layer group",
    "selection_outside_layer": "selection does not touch this layer",
    "worker_missing": errors.CODES["worker-missing"],
    "worker_disconnects": errors.CODES["worker-crashed"],
    "worker_unreachable": errors.CODES["worker-crashed"],
    "visualize_noise_indexed": "Indexed-colour images",
    "animation_cluster_unreachable": "Cannot reach the Ray cluster at ray://127.0.0.1:1: ",
}
FROM_NOISE = {"visualize_noise": "rgb-image", "visualize_noise_gray": "gray-image"}
DIVES = ["zoom_noise", "zoom_layer"]
FRAME_NAME = re.compile(r"^Frame (\d+) \((\d+)ms\) \(replace\)$")
# Dream animation with the worker told to use a local Ray (its command ends in --cluster local:2,
# as install.py --cluster-address local:2 writes it): case -> the Flicker word it is given.
ON_CLUSTER = {"animation_cluster": FAST["animate"]["flicker"], "animation_cluster_free": "free"}
# The worker commands with a cluster (local:2, and one where nothing listens): each has a warm
# worker of its own beside the installed command's.
CLUSTER_COMMANDS = 2
# Network = VGG16 under Advanced, everything else as the dialog has it: what the engine gets.
ADVANCED_NETWORK = {"model": "vgg16", "layer": "conv4-3"}


def runs(harness, names):
    """The names a harness runs, in the order given."""
    return [name for name in names if harness in CASES[name][1]]


# ---- reading the records ----

def read_results(launch):
    path = os.path.join(launch.out_dir, "results.json")
    assert os.path.exists(path), "GIMP wrote no results (exit %d):\n%s\n%s" % (
        launch.returncode, launch.stdout, launch.stderr)
    with open(path) as handle:
        return json.load(handle)


def read_traces(path):
    """The spy's trace split by case: {case: [[method, target id, argument ids...], ...]}."""
    traces, calls = {}, None
    if not os.path.exists(path):
        return traces
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


def dive(run, name):
    """The one image a zoom dive made, as recorded."""
    images = run.cases[name]["new_images"]
    assert len(images) == 1, "expected one new image, got %d" % len(images)
    return images[0]


def frames(run, image):
    """The frames in play order (GIF export plays the bottom layer first)."""
    return [pixels(run, layer["pixels"]).astype(int) for layer in reversed(image["layers"])]


def distance(a, b):
    return np.abs(a - b).mean()


def shuffled(picture):
    """The same pixel values at random places: noise with the picture's own colours."""
    flat = picture.reshape(-1, picture.shape[-1])
    return np.random.default_rng(0).permutation(flat).reshape(picture.shape)


# ---- the checks both harnesses make ----

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
    assert words in case["message"], case["message"]
    assert case["layers_after"] == case["layers_before"]
    assert run.traces.get(name, []) == [], "refused, yet it changed the image"


def assert_guided_mix(run):
    """The guided_mix case's layer: its recipe records the mix and the guide, its name the mix."""
    layer = new_layer(run, "guided_mix")
    recipe = assert_recipe(layer, "dream", dict(FAST["dream"], **MIX))
    assert recipe["guide"] == {"layer": "Guide", "width": GUIDE_SIZE[0], "height": GUIDE_SIZE[1]}
    assert layer["name"] == plugin_support.layer_name(recipe)
    assert u"conv2 + 25% conv3" in layer["name"]


def assert_one_warm_worker_a_command(log):
    """Every dream, visualization and dive went to the one warm worker of the installed command,
    and no command's socket had a second one (the cluster cases' commands have their own)."""
    sockets = re.findall(r"warm worker listening at (\S+),", log)
    assert len(sockets) == len(set(sockets)) == 1 + CLUSTER_COMMANDS, sockets
    served = set(re.findall(r"worker (\d+): (?:dream|visualize|zoom) #1 ok", log))
    assert len(served) == 1, log


def assert_recipe(layer_or_image, procedure, settings):
    """The recipe parasite names the procedure, the settings it was given and the random network."""
    recipe = json.loads(layer_or_image["recipe"])
    assert recipe["procedure"] == procedure
    assert dict((key, recipe["settings"][key]) for key in settings) == settings
    assert recipe["random_weights"] is True
    return recipe
