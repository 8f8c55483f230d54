"""What the one GIMP launch of the real-GIMP tests recorded, and how the tests read it.

in_gimp/cases.py runs every case inside GIMP (tiny images, a random-weight network, the lightest
settings) and writes results.json, raw pixel dumps and the spy's trace; the tests only read them,
with the checks the GIMP 2.10 tests share (tests/real_gimp.py).
"""
import json
import os
from collections import namedtuple

import gimp3
from real_gimp import FAST, read_results, read_traces

CASES_SCRIPT = os.path.join(gimp3.HERE, "in_gimp", "cases.py")
DYING_WORKER = os.path.join(gimp3.HERE, "dying_worker.py")
SECOND_DREAM = os.path.join(gimp3.HERE, "in_gimp", "second_dream.py")

Run = namedtuple("Run", "registered cases out_dir traces log")


def record_all_cases(session):
    """Run every case in one GIMP launch and read back what it recorded, as a Run."""
    return _record(session, FAST, {})


def record_real_weight_cases(session):
    """in_gimp/cases.py's REAL_WEIGHT_CASES in a launch of their own: the engine's real weights
    (no GoogLeNet file in this fresh install) and the default settings."""
    return _record(session, {"dream": {}}, {"INCEPTIONISM_E2E_REAL_WEIGHTS": "1",
                                            "INCEPTIONISM_RANDOM_WEIGHTS": "0"})


def _record(session, settings, env):
    """One GIMP launch of in_gimp/cases.py with these settings and environment, as a Run."""
    trace = os.path.join(session.run_dir, "trace.txt")
    launch = session.batch(CASES_SCRIPT, dict(env, INCEPTIONISM_E2E_SETTINGS=json.dumps(settings),
                                              INCEPTIONISM_E2E_TRACE=session.inside(trace),
                                              INCEPTIONISM_E2E_DYING_WORKER=DYING_WORKER))
    results = read_results(launch)
    assert results["registered"], "GIMP did not register the plug-in:\n" + launch.stderr
    return Run(results["registered"], results["cases"], launch.out_dir, read_traces(trace),
               session.engine_log())
