"""The real-GIMP tests share one GIMP launch (each costs minutes on a small machine)."""
import os

import pytest

import gimp3
import recorded


@pytest.fixture(scope="session")
def gimp_run():
    if os.geteuid() != 0:
        pytest.skip("the real-GIMP tests need root (chroot and private mounts)")
    session = gimp3.GimpSession(gimp3.ensure_root())
    try:
        yield recorded.record_all_cases(session)
    finally:
        session.close()
