"""Reading drive.py's records in the GIMP 2.10 tests: pixels, the new layer, and the checks every
procedure's runs share (placement, undo, progress, refusals)."""
import base64

import numpy as np

RGB_IMAGE, RGBA_IMAGE, GRAY_IMAGE = 0, 1, 2
RGB, GRAY = 0, 1


def pixels(encoded, layer):
    """A record's base64 pixels as a height x width x channels array."""
    width, height = layer["size"]
    return np.frombuffer(base64.b64decode(encoded), np.uint8).reshape(height, width, -1)


def new_layer(run):
    """The one layer a successful run added to the image."""
    assert run["result"]["status"] == "success", run["output"]
    assert len(run["new"]) == 1, "expected one new layer, got %r" % run["new"]
    return run["new"][0]


def find(rows, item_id):
    return next(row for row in rows if row["id"] == item_id)


def check_right_above_the_source(run):
    """The new layer took the source's place in its group; the source moved one down."""
    layer = new_layer(run)
    source_before = find(run["layers_before"], run["source"]["id"])
    source_after = find(run["layers_after"], source_before["id"])
    placed = find(run["layers_after"], layer["id"])
    assert (placed["parent"], placed["position"]) == (source_before["parent"],
                                                      source_before["position"])
    assert source_after["position"] == source_before["position"] + 1
    assert len(run["layers_after"]) == len(run["layers_before"]) + 1


def check_one_undo_step(run):
    assert [group for group, _ in run["undo_steps"]] == [True], run["undo_steps"]
    assert not run["undo_group_left_open"]
    assert run["undo_restores"], "Edit > Undo did not bring the image back as it was"


def check_progress_shown(run):
    updates = [value for kind, value in run["progress"] if kind == "update"]
    assert run["progress"][0][0] == "init" and updates and updates[-1] == 1.0


def check_refused(run, words):
    """One message with words in it, and the image as it was."""
    assert run["result"]["status"] == "execution-error"
    assert len(run["messages"]) == 1 and words in run["messages"][0], run["messages"]
    assert run["result"]["error"] == run["messages"][0]
    assert run["layers_after"] == run["layers_before"]
    assert run["undo_steps"] == [] and run["undo_restores"] and run["new_images"] == []
