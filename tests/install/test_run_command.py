"""tests/run.py, the one test command: pytest's status, its summary, and no green for nothing."""
import os
import subprocess
import sys

from install_helpers import ROOT

RUN = os.path.join(ROOT, "tests", "run.py")


def run(*args):
    return subprocess.run([sys.executable, RUN] + list(args), capture_output=True, text=True,
                          timeout=600)


def test_it_passes_pytest_arguments_and_repeats_the_summary():
    result = run("tests/install/test_readme.py::test_the_dialog_screenshot_exists", "-q")
    assert result.returncode == 0, result.stdout + result.stderr
    last = result.stdout.splitlines()[-1]
    assert last.startswith("tests/run.py: 1 passed in ")
    assert last.endswith("(pytest exit status 0)")


def test_a_filter_that_matches_nothing_is_a_failure():
    result = run("tests/install/test_readme.py", "-k", "no_such_test")
    assert result.returncode == 5
    assert "FAILED, pytest collected no tests" in result.stdout
