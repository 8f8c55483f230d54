"""The client and plugin_support at work under a real Python 2.7, the Python of GIMP 2.10's plug-ins.

(That every plug-in-side module imports under 2.7 is tests/gimp2/test_gimp2_py27_imports.py.)
"""
import json
import os
import subprocess
import sys

import pytest

from protocol_helpers import HERE, fake_command

sys.path.insert(0, os.path.join(HERE, "..", "gimp2"))
import py27  # noqa: E402  (engineer D's finder: PATH, pyenv, else a cached bullseye root)

pytestmark = pytest.mark.py27


def test_client_and_plugin_support_work_under_python27(tmp_path, worker_env):
    log_file = str(tmp_path / "inceptionism.log")
    done = subprocess.run(py27.python27_command() + [os.path.join(HERE, "py27_client_run.py"), log_file]
                          + fake_command(), capture_output=True, text=True, timeout=300,
                          env=dict(worker_env, PYTHONDONTWRITEBYTECODE="1"))
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["python"] == [2, 7]
    assert seen["round_trip"] is True
    assert seen["progress"] == [[1 / 3.0, "step 1 of 3"], [2 / 3.0, "step 2 of 3"], [1.0, "step 3 of 3"]]
    assert seen["layer_name"] == u"Dream \u00b7 inception4c \u00b7 4\u00d73 (random weights)"
    assert seen["recipe"]["settings"]["iterations"] == 3
    assert log_file in seen["crash_message"] and "install.py --check" in seen["crash_message"]
    assert (seen["missing"], seen["cancelled"]) == ("worker-missing", "cancelled")
