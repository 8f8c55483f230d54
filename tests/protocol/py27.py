"""Find a Python 2.7 that really runs (a pyenv shim named python2.7 may only print an error)."""
import glob
import os
import shutil
import subprocess


def candidates():
    for name in ("python2.7", "python2"):
        if shutil.which(name):
            yield shutil.which(name)
    for pattern in ("~/.pyenv/versions/2.7*/bin/python2.7", "/usr/bin/python2.7", "/usr/local/bin/python2.7"):
        for path in sorted(glob.glob(os.path.expanduser(pattern))):
            yield path


def find_python27():
    """The path of a working Python 2.7, or None."""
    for path in candidates():
        try:
            version = subprocess.run([path, "-c", "import sys; print(sys.version_info[:2])"],
                                     capture_output=True, text=True, timeout=20).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            continue
        if version == "(2, 7)":
            return path
    return None
