"""Cancel in GIMP 2.10 kills the plug-in process (there is nothing to poll): the worker must
notice its parent is gone and stop, and the image must hold nothing of the unfinished dream.

The stub journals every change the GIMP core sees as it happens, so the journal survives the
kill and tells what reached the image.
"""
import json
import os
import time

import pytest

import gimp2_run

pytestmark = [pytest.mark.py27, pytest.mark.slow]

# Long enough to be killed mid-run: many steps on a small image.
SLOW = {"layer": "inception3a", "octaves": 2, "iterations": 200}
HANG_S = 300  # far beyond a step; reaching it means something hangs


def journal(path):
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        return [json.loads(line) for line in handle if line.endswith("\n")]


def children(pid):
    """The processes whose parent is pid (the plug-in's worker)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and parent_and_state(int(entry))[0] == pid:
            found.append(int(entry))
    return found


def parent_and_state(pid):
    try:
        with open("/proc/%d/stat" % pid) as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (IOError, OSError):
        return None, "gone"
    return int(fields[1]), fields[0]


def wait_for(condition, what, process=None):
    deadline = time.monotonic() + HANG_S
    while not condition():
        assert process is None or process.poll() is None, (
            "the plug-in ended before %s:\n%s" % (what, process.communicate()[0].decode()))
        assert time.monotonic() < deadline, "no %s after %d s" % (what, HANG_S)
        time.sleep(0.2)


def test_killing_the_plugin_stops_the_worker_and_leaves_the_image_alone(tmp_path):
    gimp2 = gimp2_run.Gimp2(str(tmp_path))
    path = str(tmp_path / "journal.jsonl")
    case = {"run_mode": "noninteractive", "image": {"size": [64, 48]},
            "arguments": gimp2_run.pdb_arguments("dream", SLOW)}
    process, _ = gimp2.start("cancel", case, GIMP_STUB_JOURNAL=path)
    try:
        wait_for(lambda: any(e["event"] == "progress" for e in journal(path)), "progress",
                 process)
        workers = children(process.pid)
    finally:
        process.kill()  # what GIMP does when the artist presses Cancel
        process.wait()
    assert workers, "no worker process was running"
    wait_for(lambda: all(parent_and_state(pid)[1] in ("gone", "Z") for pid in workers),
             "end of the worker")
    events = journal(path)
    during_run = [e["event"] for e in events[[e["event"] for e in events].index("run"):]]
    assert set(during_run) == {"run", "progress"}, during_run
