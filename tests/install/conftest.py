"""Fixtures for install.py's tests: a throwaway HOME, a stand-in venv, recorded pip runs."""
import pytest

from install_helpers import install, make_venv


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty HOME; every variable install.py and paths.py read points inside it."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("APPDATA", str(home / "AppData" / "Roaming"))
    monkeypatch.setenv("LOCALAPPDATA", str(home / "AppData" / "Local"))
    monkeypatch.setenv("INCEPTIONISM_HOME", str(home / "data"))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "INCEPTIONISM_WEIGHTS_BASE_URL",
                 "INCEPTIONISM_RANDOM_WEIGHTS"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def commands(monkeypatch):
    """The programs install.py runs (pip), recorded instead of run."""
    ran = []
    monkeypatch.setattr(install, "run_command", ran.append)
    return ran


@pytest.fixture
def venv(home):
    """A stand-in venv whose stamp says its packages are current (made for --torch cpu)."""
    return make_venv(home / "venv", install.requirements_stamp(False, "cpu"))
