"""Runs under Python 2.7 (as GIMP 2.10's plug-ins do): the client and plugin_support for real.

Usage: python2.7 py27_client_run.py LOG_FILE WORKER_ARGV... ; prints what it saw as JSON.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "core"))

from inceptionism import client, errors, plugin_support  # noqa: E402


def outcome(action):
    try:
        action()
    except errors.InceptionismError as exc:
        return exc.code
    return "no error"


def slow_cancelled(command):
    env = dict(os.environ, FAKE_STEP_S="0.05")
    worker = client.WorkerClient(command, env=env)
    worker.start()
    try:
        return outcome(lambda: worker.request(
            {"type": "dream", "settings": {"iterations": 200},
             "image": {"width": 1, "height": 1, "channels": 1, "dtype": "u8"}},
            b"\0", on_progress=lambda *progress: worker.cancel()))
    finally:
        worker.close()


def main(log_file, command):
    config = {"command": command, "log": log_file}
    pixels = plugin_support.Pixels(64, 48, 4, "u8", os.urandom(64 * 48 * 4))
    progress = []
    meta, result = plugin_support.run("dream", {"iterations": 3}, pixels,
                                      lambda fraction, text: progress.append([fraction, text]), config)
    crash = {"command": command[:-1] + ["crash-at-start"], "log": log_file}
    try:
        plugin_support.run("dream", {}, pixels, None, crash)
    except errors.InceptionismError as exc:
        crash_message = plugin_support.user_message(exc, log_file)
    return {
        "python": list(sys.version_info[:2]),
        "round_trip": result == pixels and isinstance(result.data, bytes),
        "progress": progress,
        "layer_name": plugin_support.layer_name(meta),
        "recipe": json.loads(plugin_support.recipe_json(meta)),
        "crash_message": crash_message,
        "missing": outcome(lambda: client.WorkerClient(["/nonexistent/python"]).start()),
        "cancelled": slow_cancelled(command),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2:])))
