"""Cancel in GIMP 2.10 kills the plug-in process (there is nothing to poll): the worker must
notice its parent is gone and stop, and the image must hold nothing of the unfinished dream; a
zoom dive's new image keeps the frames finished before the kill.

The stub journals every change the GIMP core sees as it happens, so the journal survives the
kill and tells what reached the image.
"""
import json
import os
import time

import pytest

import gimp2_run

pytestmark = [pytest.mark.py27, pytest.mark.slow]

# Long enough to be killed mid-run: many steps on a small image; many frames for a dive.
SLOW = {"layer": "inception3a", "octaves": 2, "iterations": 200}
SLOW_DIVE = {"start": "noise", "width": 48, "height": 32, "frames": 200, "layer": "conv2",
             "octaves": 1, "iterations": 5, "frame-ms": 80}
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


def kill_when(gimp2, path, case, condition, what):
    """Starts case, kills the plug-in once condition(journal) holds, as GIMP does on Cancel;
    returns the journal from the run on, after checking that the worker ended too."""
    process, _ = gimp2.start("cancel", case, GIMP_STUB_JOURNAL=path)
    try:
        wait_for(lambda: condition(journal(path)), what, process)
        workers = children(process.pid)
    finally:
        process.kill()  # what GIMP does when the artist presses Cancel
        process.wait()
    assert workers, "no worker process was running"
    wait_for(lambda: all(parent_and_state(pid)[1] in ("gone", "Z") for pid in workers),
             "end of the worker")
    events = journal(path)
    return events[[e["event"] for e in events].index("run"):]


def test_killing_the_plugin_stops_the_worker_and_leaves_the_image_alone(tmp_path):
    case = gimp2_run.noninteractive("dream", {"size": [64, 48]}, SLOW)
    during_run = kill_when(gimp2_run.Gimp2(str(tmp_path)), str(tmp_path / "journal.jsonl"), case,
                           lambda events: any(e["event"] == "progress" for e in events),
                           "progress")
    assert set(e["event"] for e in during_run) == {"run", "progress"}, during_run


def test_a_cancelled_zoom_dive_keeps_its_finished_frames_in_the_new_image(tmp_path):
    case = gimp2_run.interactive("zoom", {"size": [64, 48]}, SLOW_DIVE)
    during_run = kill_when(gimp2_run.Gimp2(str(tmp_path)), str(tmp_path / "journal.jsonl"), case,
                           lambda events: any(e["event"] == "display" for e in events),
                           "the first frame")
    made = [e["image"] for e in during_run if e["event"] == "new_image"]
    assert len(made) == 1, during_run
    inserted = [e for e in during_run if e["event"] == "insert_layer"]
    assert inserted and [e["name"] for e in inserted] == [
        "Frame %d (%dms) (replace)" % (n + 1, SLOW_DIVE["frame-ms"]) for n in range(len(inserted))]
    ours = set(made + [e["layer"] for e in inserted if e["image"] == made[0]])
    for event in during_run:
        touched = set(event[key] for key in ("image", "layer", "drawable", "owner") if key in event)
        assert touched <= ours, "the dive touched another image: %r" % event
    assert [e["image"] for e in during_run if e["event"] == "display"] == made
