"""Fixtures for install.py's tests: a throwaway HOME, a stand-in venv, recorded pip runs.

install.py is imported as a module, so a test can pretend to be another platform (install.system)
or to have another manifest (install.read_manifest); no test installs torch or reaches the internet.
"""
import hashlib
import os
import platform
import stat
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
import install  # noqa: E402

ENGINE_VENV = install.paths.venv_dir()  # the real engine venv tests/run.py keeps current


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


def make_venv(path, stamp=None):
    """pyvenv.cfg of this Python, an empty python for both platforms' layouts, and the stamp."""
    path.mkdir(parents=True)
    (path / "pyvenv.cfg").write_text("version = %s\n" % platform.python_version())
    for python in (path / "bin" / "python", path / "Scripts" / "python.exe"):
        python.parent.mkdir()
        python.write_text("")
    if stamp:
        (path / install.STAMP_FILE).write_text(stamp + "\n")
    return path


def run_install(venv, *args):
    """install.py's exit status for these arguments, with the stand-in venv."""
    return install.main(["--venv", str(venv), "--torch", "cpu"] + list(args))


def make_dirs(home, *parts):
    path = home.joinpath(*parts)
    path.mkdir(parents=True)
    return path


def tree(path):
    """Every file and folder below path with its permissions and a hash of its bytes."""
    result = {}
    for folder, names, files in os.walk(str(path)):
        for name in names + files:
            full = os.path.join(folder, name)
            mode = stat.S_IMODE(os.lstat(full).st_mode)
            content = None
            if os.path.isfile(full):
                with open(full, "rb") as handle:
                    content = hashlib.sha256(handle.read()).hexdigest()
            result[os.path.relpath(full, str(path))] = (mode, content)
    return result
