"""The cases of the real GIMP 2.10 tests, their one launch, and what it recorded.

Each case says how in_gimp/batch.py builds its image, what a script passes to the procedure
(every argument, in the order GIMP 2.10 registered them) and which worker answers. The record is
the GIMP 3 harness's (tests/real_gimp.py judges both); the plug-in's message for a failed case
is taken from GIMP's stderr, between the batch's markers for that case.
"""
import json
import os
import re
import sys
from collections import namedtuple

from inceptionism import plugin_support, settings

import gimp210
import gimp2_run  # the stubs' harness: what a script passes, the same for the real GIMP 2.10
from real_gimp import (ADVANCED_NETWORK, CASES, FAST, GUIDE_SIZE, MIX, read_results,
                       read_traces)

BATCH = os.path.join(gimp210.HERE, "in_gimp", "batch.py")
PROBE = os.path.join(gimp210.HERE, "in_gimp", "probe.py")
SPY = os.path.join(gimp210.HERE, "spy", "usercustomize.py")
REPO_E2E = os.path.join(gimp210.REPO, "tests", "e2e")
MISSING_WORKER = ["/nonexistent/inceptionism-venv/bin/python", "-m", "inceptionism.worker"]
MARKER = re.compile(r"^INCEPTIONISM-CASE-(START|END) (\w+)$", re.M)
WARNING = re.compile(r"^[^\n]*?-Warning: (.*)$", re.M)

Run = namedtuple("Run", "registered cases out_dir traces log pluginrc stderr probe")

SELECTION = {"selection": ["rectangle", [8, 6, 24, 20]]}
LAYER_AT_OFFSETS = {"size": [40, 30], "offsets": [10, 8]}
# name: (image spec for batch.py, the case's own settings, worker). A script's cases give FAST
# over the table's defaults; an artist's (DIALOG) give their changes over the dialog's defaults.
# worker: a relay's name ("worker", as installed, when None; "unserved": a socket nobody serves;
# "cluster": the installed worker with install.py --cluster-address local:2's --cluster local:2;
# "cluster_unreachable": with a cluster address where nothing listens) or "missing".
DIALOG = "dialog"
SPECS = {
    "whole": ({}, {}, None),
    "rectangle": (SELECTION, {}, None),
    "feathered_ellipse": ({"selection": ["ellipse", [12, 8, 36, 28]], "feather": 8.0}, {}, None),
    "offsets": (dict(LAYER_AT_OFFSETS, selection=["rectangle", [0, 0, 30, 24]]), {}, None),
    "transparency": ({"alpha": True}, {}, None),
    "gray": ({"mode": "gray"}, {}, None),
    "high_bit_depth_at_8_bits": ({"precision": "u16"}, {}, None),
    # words only: engine settings set beside them would win over them (looks.settle)
    "in_words": ({}, {"depth": "animals", "detail": "fine", "strength": "subtle", "layer": None,
                      "octaves": None, "iterations": None, "step-size": None}, None),
    # a script's guide: batch.py builds the "Guide" layer and passes it where GUIDE stands
    "guided_mix": ({"guide": GUIDE_SIZE}, dict(MIX, guide=gimp2_run.GUIDE), None),
    "indexed": ({"indexed": True}, {}, None),
    "layer_group": ({"in_group": True}, {}, None),
    "selection_outside_layer": ({"size": [20, 20], "offsets": [40, 24],
                                 "selection": ["rectangle", [0, 0, 16, 16]]}, {}, None),
    "worker_missing": ({}, {}, "missing"),
    "worker_disconnects": ({}, {}, "disconnecting"),
    "worker_unreachable": ({}, {}, "unserved"),
    "network_vgg16": ({}, (DIALOG, {"model": ADVANCED_NETWORK["model"]}), None),
    "visualize_noise": ({"white_layer_above": True}, {"start": "noise"}, None),
    "visualize_noise_gray": ({"mode": "gray"}, {"start": "noise"}, None),
    "visualize_noise_indexed": ({"indexed": True}, {"start": "noise"}, None),
    "visualize_selection": (SELECTION, {"start": "layer"}, None),
    "zoom_noise": ({}, {"start": "noise"}, None),
    "zoom_layer": (dict(LAYER_AT_OFFSETS, selection=["rectangle", [14, 10, 32, 24]]),
                   {"start": "layer"}, None),
    "zoom_worker_dies": ({}, {"start": "noise"}, "dying"),
    "zoom_worker_missing": ({}, {"start": "noise"}, "missing"),
    # a short, small dive from noise, with Network = VGG16 and the layer left as it was
    "zoom_network_vgg16": ({}, (DIALOG, {"start": "noise", "frames": 2, "width": 40,
                                         "height": 32, "model": ADVANCED_NETWORK["model"]}),
                           None),
    "animation": ({"frames": 6, "selection": ["rectangle", [8, 6, 40, 30]]}, {}, None),
    "animation_worker_dies": ({"frames": 6}, {}, "dying"),
    "animation_single_layer": ({"frames": 1}, {}, None),
    "animation_layer_group": ({"frames": 3, "group_at": 1}, {}, None),
    "animation_sizes": ({"frames": 3, "sizes": {"2": [40, 30]}}, {}, None),
    "animation_cluster": ({"frames": 4}, {}, "cluster"),
    "animation_cluster_free": ({"frames": 4}, {"flicker": "free"}, "cluster"),
    "animation_cluster_unreachable": ({"frames": 4}, {}, "cluster_unreachable"),
}
PDB_NAME = dict((entry[0], name) for name, entry in plugin_support.PROCEDURES.items())


def case_list():
    """What batch.py runs, in order: each case's image, procedure and PDB arguments."""
    cases = []
    for name, (image, own, worker) in SPECS.items():
        procedure = CASES[name][0]
        if isinstance(own, tuple):
            values, defaults = own[1], dialog_defaults(procedure)
        else:
            values = dict((key, value) for key, value in dict(FAST[procedure], **own).items()
                          if value is not None)  # None: left at the table's default
            defaults = settings.defaults(procedure)
        cases.append({"name": name, "procedure": procedure, "pdb_name": PDB_NAME[procedure],
                      "image": image, "settings": values, "worker": worker,
                      "arguments": gimp2_run.pdb_arguments(procedure,
                                                           dict(defaults, **values))})
    return cases


def real_weight_case_list():
    """The GIMP 3 harness's REAL_WEIGHT_CASES (tests/e2e/in_gimp/cases.py), for a launch whose
    worker has the real weights: a script's Dream with the default settings, and with GoogLeNet
    named, whose file is missing."""
    return [{"name": name, "procedure": "dream", "pdb_name": PDB_NAME["dream"], "image": {},
             "settings": own, "worker": None,
             "arguments": gimp2_run.pdb_arguments("dream", dict(settings.defaults("dream"),
                                                                **own))}
            for name, own in (("real_auto", {}), ("real_googlenet_named", {"model": "googlenet"}))]


def dialog_defaults(procedure):
    """What GIMP 2.10's dialog starts from: the defaults the plug-in registered."""
    return dict((s.name, s.default) for s in settings.for_dialog(procedure))


def worker_commands():
    """The relays served outside the root: (name, the worker command each connection runs)."""
    python = os.path.join(sys.prefix, "bin", "python")
    installed = [python, "-m", "inceptionism.worker", "--keep-warm", str(gimp210.WARM_S)]
    return [("worker", installed), ("cluster", installed + ["--cluster", "local:2"]),
            ("cluster_unreachable", installed + ["--cluster", "ray://127.0.0.1:1"]),
            ("dying", [python, os.path.join(REPO_E2E, "dying_worker.py")]),
            ("disconnecting", [python, os.path.join(gimp210.HERE, "disconnecting_worker.py")])]


def record_all_cases(session, cases=None):
    """Run every case (or those given) in one GIMP 2.10 launch and read back what it recorded,
    as a Run."""
    cases = cases or case_list()
    for case in cases:
        case["worker"] = resolve_worker(session, case["worker"])
    cases_file = os.path.join(session.run_dir, "cases.json")
    with open(cases_file, "w") as handle:
        json.dump(cases, handle)
    trace = os.path.join(session.run_dir, "trace.txt")
    install_spy(session.home)
    probe = os.path.join(session.out_dir, "probe.json")
    launch = session.batch([BATCH, PROBE], {
        "INCEPTIONISM_E2E_CASES": session.inside(cases_file),
        "INCEPTIONISM_E2E_TRACE": session.inside(trace),
        "INCEPTIONISM_PROBE_OUT": session.inside(probe)})
    results = read_results(launch)
    assert results["registered"], "GIMP did not register the plug-in:\n" + launch.stderr
    for name, message in messages(launch.stderr).items():
        if name in results["cases"]:
            results["cases"][name]["message"] = message
    with open(os.path.join(session.gimp_dir, "pluginrc"), errors="replace") as handle:
        pluginrc = handle.read()
    return Run(results["registered"], results["cases"], launch.out_dir, read_traces(trace),
               session.engine_log(), pluginrc, launch.stderr, read_json(probe))


def resolve_worker(session, worker):
    """None (the installed command), or worker.json's command for the case."""
    if worker is None:
        return None
    if worker == "missing":
        return MISSING_WORKER
    return session.worker_command(worker)


def install_spy(home):
    """The spy as the user's usercustomize, which Python 2.7 loads at start-up."""
    folder = os.path.join(home, ".local", "lib", "python2.7", "site-packages")
    os.makedirs(folder, exist_ok=True)
    with open(SPY) as source, open(os.path.join(folder, "usercustomize.py"), "w") as target:
        target.write(source.read())


def messages(stderr):
    """{case: the messages GIMP showed while it ran ("Dream-Warning: ..." on stderr, one a
    line)}, found between the batch's markers for the case."""
    found, start = {}, None
    for marker in MARKER.finditer(stderr):
        if marker.group(1) == "START":
            start = marker.end()
        elif start is not None:
            found[marker.group(2)] = "\n".join(
                WARNING.findall(stderr[start:marker.start()])) or None
            start = None
    return found


def read_json(path):
    """A file the launch wrote; None when it wrote none (the tests that need it say so)."""
    if not os.path.exists(path):
        return None
    with open(path) as handle:
        return json.load(handle)
