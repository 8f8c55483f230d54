"""The real GIMP 2.10 tests share one launch of gimp-console-2.10 (all cases, one batch).

What it recorded is read like the GIMP 3 launch's, so the GIMP 3 tests' checks (tests/e2e) run
on it too: they find it under their fixture's name, gimp_run. The stubs' harness (tests/gimp2)
lends its Python 2.7 and its way of passing a script's arguments.
"""
import os
import shutil
import sys

import pytest

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(TESTS, "e2e"), os.path.join(TESTS, "gimp2")]
import gimp210  # noqa: E402
import recorded210  # noqa: E402


@pytest.fixture(scope="session")
def gimp210_run():
    if os.geteuid() != 0:
        pytest.skip("the real GIMP 2.10 tests need root (chroot and private mounts)")
    if not shutil.which("socat"):
        pytest.fail("the real GIMP 2.10 tests need socat on this machine (apt-get install socat)")
    session = gimp210.Gimp210Session(gimp210.ensure_root(), recorded210.worker_commands())
    try:
        yield recorded210.record_all_cases(session)
    finally:
        session.close()


@pytest.fixture(scope="session")
def real_weights_run():
    """A launch of its own whose worker has the real weights and no GoogLeNet file (the GIMP 3
    tests' fixture of the same name)."""
    if os.geteuid() != 0:
        pytest.skip("the real GIMP 2.10 tests need root (chroot and private mounts)")
    session = gimp210.Gimp210Session(gimp210.ensure_root(), recorded210.worker_commands()[:1],
                                     random_weights=False)
    try:
        yield recorded210.record_all_cases(session, recorded210.real_weight_case_list())
    finally:
        session.close()


@pytest.fixture
def gimp_run(gimp210_run):
    return gimp210_run
