"""Helpers for install.py's tests: a stand-in venv, file trees, install.py run in-process.

install.py is imported as a module, so a test can pretend to be another platform (install.system)
or to have another manifest (install.read_manifest); no test installs torch or reaches the internet.
"""
import hashlib
import os
import platform
import stat
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
import install  # noqa: E402

ENGINE_VENV = install.paths.venv_dir()  # the real engine venv tests/run.py keeps current


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
