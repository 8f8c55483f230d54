"""Every file GIMP 2.10 loads compiles under a real Python 2.7: the plug-in and the stdlib-only
modules install.py copies next to it."""
import os
import subprocess

import pytest

import py27

pytestmark = pytest.mark.py27

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STDLIB_MODULES = ("__init__", "catalogue", "looks", "settings", "errors", "paths", "protocol",
                  "client", "preview", "plugin_support")
LOADED = ([os.path.join("plugin", "gimp2", name)
           for name in sorted(os.listdir(os.path.join(REPO, "plugin", "gimp2")))
           if name.endswith(".py")] +
          [os.path.join("core", "inceptionism", module + ".py") for module in STDLIB_MODULES])
COMPILE = "import sys\nfor path in sys.argv[1:]: compile(open(path).read(), path, 'exec')"


@pytest.mark.parametrize("path", LOADED)
def test_compiles_under_python_2_7(path):
    done = subprocess.run(py27.python27_command() + ["-c", COMPILE, os.path.join(REPO, path)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    assert done.returncode == 0, done.stdout.decode("utf-8", "replace")
