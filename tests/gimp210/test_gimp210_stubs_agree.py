"""The strict stubs (tests/gimp2/stubs) against the real GIMP 2.10: the same pygimp calls
(in_gimp/probe.py) run in the real GIMP's launch and under the stubs in a real Python 2.7, and
must see the same: layer sizes, offsets, bytes per pixel, pixel regions, selection bounds, mask
values, parasite data, placement and the errors raised. The stubs stay for what the real root
cannot do, the interactive dialog, so they must not drift from the real thing."""
import os
import re
import subprocess

import pytest

import py27
from recorded210 import PROBE, read_json

GIMP2_TESTS = os.path.dirname(os.path.abspath(py27.__file__))

pytestmark = pytest.mark.gimp210


def probe_names():
    with open(PROBE) as handle:
        return re.findall(r'^@probe\("([^"]+)"\)$', handle.read(), re.M)


@pytest.fixture(scope="module")
def stubs_saw(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("probe") / "stubs.json")
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith("PYTHON"))
    env.update(PYTHONPATH=os.path.join(GIMP2_TESTS, "stubs"), INCEPTIONISM_PROBE_OUT=out)
    done = subprocess.run(py27.python27_command() + [PROBE], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=300)
    assert done.returncode == 0, done.stdout.decode("utf-8", "replace")
    return read_json(out)


@pytest.mark.parametrize("name", probe_names())
def test_the_stubs_see_what_the_real_gimp_sees(gimp210_run, stubs_saw, name):
    assert gimp210_run.probe, "the real GIMP 2.10 wrote no probe results:\n" + gimp210_run.stderr
    assert stubs_saw[name] == gimp210_run.probe[name]
