"""A private data folder (and log) for every worker a protocol test starts."""
import os

import pytest


@pytest.fixture
def worker_env(tmp_path, monkeypatch):
    """The environment of a worker with its own log; tests add FAKE_STEP_S / FAKE_FAILURE."""
    monkeypatch.setenv("INCEPTIONISM_HOME", str(tmp_path))
    return dict((name, value) for name, value in os.environ.items() if not name.startswith("FAKE_"))
