"""The stubs' own checks (stub_checks.py), run under a real Python 2.7, one pytest case each."""
import ast
import os
import re
import subprocess

import pytest

import py27

pytestmark = pytest.mark.py27

CHECKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stub_checks.py")
RESULT_LINE = re.compile(r"^(test\w+) \(__main__\.(\w+)\) \.\.\. (.*)$", re.M)


def check_names():
    """Class.test_method for every check in stub_checks.py."""
    with open(CHECKS) as handle:
        tree = ast.parse(handle.read())
    return ["%s.%s" % (node.name, item.name) for node in tree.body
            if isinstance(node, ast.ClassDef) for item in node.body
            if isinstance(item, ast.FunctionDef) and item.name.startswith("test")]


@pytest.fixture(scope="module")
def outcomes():
    done = subprocess.run(py27.python27_command() + [CHECKS, "-v"], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=300)
    output = done.stdout.decode("utf-8", "replace")
    found = dict(("%s.%s" % (cls, name), result)
                 for name, cls, result in RESULT_LINE.findall(output))
    return found, output


@pytest.mark.parametrize("name", check_names())
def test_stub_check(outcomes, name):
    found, output = outcomes
    assert found.get(name) == "ok", output
