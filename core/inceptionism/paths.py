"""Where Inceptionism keeps its files on each platform, and the weights check.

Standard library only, Python 2.7 compatible: install.py, the engine and the plug-ins agree on
these places through this one module. INCEPTIONISM_HOME overrides the data folder.
"""
import hashlib
import io
import os
import sys


def data_dir():
    """The per-user data folder: venv, weights and log live here."""
    if os.environ.get("INCEPTIONISM_HOME"):
        return os.environ["INCEPTIONISM_HOME"]
    home = os.path.expanduser("~")
    if sys.platform.startswith("win"):
        return os.path.join(os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local"),
                            "Inceptionism")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Application Support", "Inceptionism")
    return os.path.join(os.environ.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share"),
                        "inceptionism")


def make_private_dir(folder):
    """Make folder and any missing folder above it 0700, whatever the umask: the data folder holds
    the log (an artist's settings) and the warm worker's socket."""
    if os.path.isdir(folder):
        return
    parent = os.path.dirname(folder)
    if parent and parent != folder:
        make_private_dir(parent)
    try:
        os.mkdir(folder, 0o700)
    except OSError:
        if not os.path.isdir(folder):  # another process made it meanwhile: fine
            raise
        return
    os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask


def open_log():
    """The log, opened to append bytes; made 0600 (only this user reads an artist's settings)."""
    log_file = log_path()
    make_private_dir(os.path.dirname(log_file))
    handle = os.open(log_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    return os.fdopen(handle, "ab")


def venv_dir():
    return os.path.join(data_dir(), "venv")


def weights_dir():
    return os.path.join(data_dir(), "weights")


def log_path():
    """The per-user log every run appends to; error messages name it."""
    return os.path.join(data_dir(), "inceptionism.log")


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_matches(path, expected):
    """True when the file's sha256 starts with expected (a full sum or torchvision's 8-digit prefix)."""
    return sha256_of(path).startswith(expected.lower())


def append_log(text, log_file=None):
    """Append to the log that error messages point at; a log that cannot be written is no failure."""
    log_file = log_file or log_path()
    try:
        folder = os.path.dirname(log_file)
        if folder:
            make_private_dir(folder)
        handle = os.open(log_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with io.open(handle, "a", encoding="utf-8") as handle:
            handle.write(text if isinstance(text, type(u"")) else text.decode("utf-8", "replace"))
    except (IOError, OSError) as exc:
        sys.stderr.write("inceptionism: cannot write the log %s: %s\n" % (log_file, exc))
