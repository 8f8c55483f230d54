"""The stdlib-only modules under a real Python 2.7, the interpreter of GIMP 2.10's plug-ins."""
import json
import os
import subprocess

import pytest

from conftest import HERE, fake_command
from py27 import find_python27

pytestmark = pytest.mark.py27
PYTHON27 = find_python27()
needs_python27 = pytest.mark.skipif(PYTHON27 is None, reason="no working Python 2.7 found")
PACKAGE = os.path.join(HERE, "..", "..", "core", "inceptionism")
STDLIB_ONLY = ["__init__", "catalogue", "settings", "errors", "paths", "protocol", "client",
               "plugin_support"]


def run27(*args, **kwargs):
    env = dict(kwargs.pop("env", os.environ), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([PYTHON27] + list(args), capture_output=True, text=True, env=env, **kwargs)


@needs_python27
@pytest.mark.parametrize("module", STDLIB_ONLY)
def test_each_stdlib_only_module_compiles_under_python27(module):
    path = os.path.join(PACKAGE, module + ".py")
    done = run27("-c", "import sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')", path)
    assert done.returncode == 0, done.stderr


@needs_python27
def test_client_and_plugin_support_work_under_python27(tmp_path, worker_env):
    log_file = str(tmp_path / "inceptionism.log")
    done = run27(os.path.join(HERE, "py27_client_run.py"), log_file, *fake_command(),
                 env=worker_env, timeout=300)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["python"] == [2, 7]
    assert seen["round_trip"] is True
    assert seen["progress"] == [[1 / 3.0, "step 1 of 3"], [2 / 3.0, "step 2 of 3"], [1.0, "step 3 of 3"]]
    assert seen["layer_name"] == u"Dream \u00b7 inception4c \u00b7 4\u00d73 (random weights)"
    assert seen["recipe"]["settings"]["iterations"] == 3
    assert log_file in seen["crash_message"] and "install.py --check" in seen["crash_message"]
    assert (seen["missing"], seen["cancelled"]) == ("worker-missing", "cancelled")
