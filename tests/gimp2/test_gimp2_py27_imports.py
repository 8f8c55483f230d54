"""Every file GIMP 2.10 loads works under a real Python 2.7: the plug-in compiles, and each
plug-in-side module (inceptionism.PLUGIN_SIDE, the one list install.py copies) imports there."""
import os
import subprocess

import pytest

import inceptionism
import py27

pytestmark = pytest.mark.py27

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLUGIN_FILES = [os.path.join("plugin", "gimp2", name)
                for name in sorted(os.listdir(os.path.join(REPO, "plugin", "gimp2")))
                if name.endswith(".py")]
COMPILE = "import sys\nfor path in sys.argv[1:]: compile(open(path).read(), path, 'exec')"
# Imports one module of the package, then prints which of the package's modules are loaded.
IMPORT = ("import sys, importlib; sys.path.insert(0, sys.argv[1]); "
          "importlib.import_module(sys.argv[2]); "
          "print(' '.join(sorted(m for m, loaded in sys.modules.items()"
          " if m.startswith('inceptionism') and loaded is not None)))")  # 2.7 notes misses as None


def python27(*args):
    return subprocess.run(py27.python27_command() + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=120, env=dict(
                              (k, v) for k, v in os.environ.items() if not k.startswith("PYTHON")))


@pytest.mark.parametrize("path", PLUGIN_FILES)
def test_the_plugin_compiles_under_python_2_7(path):
    done = python27("-c", COMPILE, os.path.join(REPO, path))
    assert done.returncode == 0, done.stdout.decode("utf-8", "replace")


@pytest.mark.parametrize("module", inceptionism.PLUGIN_SIDE)
def test_each_plugin_side_module_imports_under_python_2_7_and_needs_only_the_plugin_side(module):
    name = "inceptionism" if module == "__init__" else "inceptionism." + module
    done = python27("-B", "-c", IMPORT, os.path.join(REPO, "core"), name)
    output = done.stdout.decode("utf-8", "replace")
    assert done.returncode == 0, output
    loaded = set(m.split(".", 1)[1] if "." in m else "__init__" for m in output.split())
    assert module in loaded and loaded <= set(inceptionism.PLUGIN_SIDE), output
