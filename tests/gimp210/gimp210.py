"""Runs a real GIMP 2.10 (Debian bullseye's, with Python-Fu built by hand) headless, with this
checkout's GIMP 2.10 plug-in installed, and the engine running outside the root.

The root is built once by ../shared/gimp210/build-root.sh (beside the repository, in CI as here)
and cached outside the repository, with a stamp naming the script and sources it was built from.
The root's glibc is too old for the engine's venv, so the plug-in reaches the engine the way it
reaches a remote worker: install.py --worker-command "socat - UNIX-CONNECT:SOCKET" inside the
root, and outside it socat serves SOCKET with one real worker per connection (this checkout's
engine on the tests' own Python, random weights, kept warm as install.py sets it up).
"""
import glob
import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections import namedtuple

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "inceptionism-tests")
DEFAULT_ROOT = os.path.join(CACHE, "gimp210-root")
STAMP_PREFIX = ".inceptionism-gimp210-root-"
GIMP_TIMEOUT_S = 900
WARM_S = 60  # the warm worker leaves this long after the launch's last run
SOCKET_WAIT_S = 10.0
SHORT_BASE = "/tmp" if os.path.isdir("/tmp") else None  # None: tempfile's own choice
DATA_FOLDERS = ("plug-ins", "brushes", "dynamics", "fonts", "gradients", "palettes", "patterns",
                "tool-presets")

# One launch of GIMP: its exit status and output, and the folder (host path) its batch wrote to.
Launch = namedtuple("Launch", "returncode stdout stderr out_dir")


def sources_dir():
    """../shared/gimp210 beside the repository (a worktree: beside its main checkout)."""
    candidates = [os.environ.get("INCEPTIONISM_GIMP210_SOURCES"),
                  os.path.join(os.path.dirname(REPO), "shared", "gimp210")]
    common = shutil.which("git") and subprocess.run(
        ["git", "-C", REPO, "rev-parse", "--path-format=absolute", "--git-common-dir"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode().strip()
    if common:
        candidates.append(os.path.join(os.path.dirname(os.path.dirname(common)), "shared",
                                       "gimp210"))
    for folder in filter(None, candidates):
        if os.path.isfile(os.path.join(folder, "build-root.sh")):
            return folder
    raise RuntimeError("the real GIMP 2.10 tests need ../shared/gimp210/build-root.sh beside the "
                       "repository (looked in: %s); set INCEPTIONISM_GIMP210_SOURCES to its folder"
                       % ", ".join(filter(None, candidates)))


def sources_digest(folder):
    """What the root is built from: the script and the source tarballs beside it."""
    digest = hashlib.sha256()
    for path in [os.path.join(folder, "build-root.sh")] + sorted(
            glob.glob(os.path.join(folder, "*.tar.gz"))):
        digest.update(os.path.basename(path).encode())
        with open(path, "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()[:16]


def root_dir():
    return os.environ.get("INCEPTIONISM_GIMP210_ROOT") or DEFAULT_ROOT


def ensure_root(root=None):
    """The root, built on first use (about 4 minutes; needs root, debootstrap and a Debian
    mirror) and rebuilt from scratch when the script or its sources changed."""
    root = root or root_dir()
    folder = sources_dir()
    stamp = os.path.join(root, STAMP_PREFIX + sources_digest(folder))
    if os.path.exists(stamp):
        return root
    if glob.glob(os.path.join(root, STAMP_PREFIX + "*")):
        print("GIMP 2.10 root %s was built from other sources: building it again" % root)
        shutil.rmtree(root)
    subprocess.check_call(["bash", os.path.join(folder, "build-root.sh"), root])
    open(stamp, "w").close()
    return root


class Relay(object):
    """socat serving a Unix socket with worker_command, one process per connection."""

    def __init__(self, socket_path, worker_command, env):
        self.log = open(socket_path + ".log", "ab")
        # socat splits its addresses at colons: one in the command (--cluster local:2) is
        # escaped.
        serve = " ".join(shlex.quote(word) for word in worker_command).replace(":", "\\:")
        self.process = subprocess.Popen(
            ["socat", "UNIX-LISTEN:%s,fork,mode=600" % socket_path, "EXEC:%s" % serve],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + SOCKET_WAIT_S
        while not os.path.exists(socket_path):
            if self.process.poll() is not None or time.time() > deadline:
                raise RuntimeError("socat did not listen at %s (is socat installed?)" % socket_path)
            time.sleep(0.05)

    def close(self):
        self.process.terminate()
        self.process.wait()
        self.log.close()


class SocketFolder(object):
    """A short private folder for the relays' sockets (a Unix socket's path holds at most 107
    bytes, and the root lies deep in the home folder), bound into the root at the same path,
    so the plug-in inside and socat outside name each socket alike."""

    def __init__(self, root):
        self.path = tempfile.mkdtemp(prefix="i210s-", dir=SHORT_BASE)  # 0700
        self.mount_point = os.path.join(root, self.path.lstrip(os.sep))
        os.makedirs(self.mount_point)

    def socket(self, name):
        return os.path.join(self.path, name + ".sock")

    def mount(self):
        """The shell command that binds the folder into the root (in the launch's namespace)."""
        return "mount --bind %s %s; " % (shlex.quote(self.path), shlex.quote(self.mount_point))

    def close(self):
        shutil.rmtree(self.path, ignore_errors=True)
        os.rmdir(self.mount_point)


class Gimp210Session(object):
    """A fresh HOME inside the root with the plug-in installed by install.py, the relays that
    serve its worker sockets outside the root, and launches of gimp-console-2.10."""

    def __init__(self, root, relays, random_weights=True):
        """relays: [(name, worker command)], each served at socket(name); the plug-in is
        installed with the one named "worker". random_weights False: the workers load the real
        weights (no GoogLeNet file in their fresh data folder)."""
        self.root, self.random_weights = root, random_weights
        self.run_dir = tempfile.mkdtemp(prefix="inceptionism-gimp210-", dir=os.path.join(root,
                                                                                       "tmp"))
        os.chmod(self.run_dir, 0o755)
        self.home = os.path.join(self.run_dir, "home")
        self.out_dir = os.path.join(self.run_dir, "out")
        self.gimp_dir = os.path.join(self.home, ".config", "GIMP", "2.10")
        self.engine_home = os.path.join(self.run_dir, "data")  # the plug-in's log, seen inside
        # The worker's own data folder (its warm socket's path must stay short) and log.
        self.worker_home = tempfile.mkdtemp(prefix="i210-", dir=SHORT_BASE)
        self.sockets = SocketFolder(root)
        os.makedirs(self.out_dir)
        for folder in DATA_FOLDERS:  # GIMP complains when its writable data folders are missing
            os.makedirs(os.path.join(self.gimp_dir, folder))
        self.relays = []
        try:
            for name, command in relays:
                self.relays.append(Relay(self.socket(name), command, self.worker_env()))
            install_plugin(self.home, self.gimp_dir, self.inside(self.engine_home),
                           self.worker_command("worker"))
        except Exception:
            self.close()
            raise

    def socket(self, name):
        return self.sockets.socket(name)

    def worker_command(self, name):
        """The command the plug-in runs, inside the root, to reach the worker at socket(name)
        (bound into the root at the same path)."""
        return ["socat", "-", "UNIX-CONNECT:" + self.socket(name)]

    def inside(self, path):
        """Where a host path below the root is seen from inside it."""
        return "/" + os.path.relpath(path, self.root)

    def worker_env(self):
        """This checkout's engine with random networks (or real ones), outside the root. The
        plug-in inside knows only what the worker's hello says: it settles auto with that."""
        env = dict((k, v) for k, v in os.environ.items() if not k.startswith("PYTHON"))
        env.update(INCEPTIONISM_RANDOM_WEIGHTS="1" if self.random_weights else "0",
                   INCEPTIONISM_HOME=self.worker_home,
                   PYTHONPATH=os.path.join(REPO, "core"))
        return env

    def batch(self, scripts, env=None):
        """Run Python 2.7 scripts one after the other in one gimp-console-2.10 (python-fu-eval),
        then quit; GIMP exits 0 whatever happened, so the scripts write what they found into
        out_dir."""
        command = ["timeout", str(GIMP_TIMEOUT_S - 30), "gimp-console-2.10", "-i", "-d", "-f",
                   "--batch-interpreter", "python-fu-eval"]
        for script in scripts:
            copy = os.path.join(self.run_dir, os.path.basename(script))
            shutil.copyfile(script, copy)
            command += ["-b", "execfile(%r)" % self.inside(copy)]
        command += ["-b", "pdb.gimp_quit(0)"]
        variables = dict(self.environment(), **(env or {}))
        chrooted = ["chroot", self.root, "/usr/bin/env", "-i"] + [
            "%s=%s" % kv for kv in sorted(variables.items())] + command
        mounts = ("set -e; mount -t proc proc %s; mount --rbind /dev %s; %sexec " % (
            shlex.quote(self.root + "/proc"), shlex.quote(self.root + "/dev"),
            self.sockets.mount()))
        process = subprocess.run(["unshare", "-m", "--propagation", "private", "bash", "-c",
                                  mounts + " ".join(shlex.quote(arg) for arg in chrooted)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 timeout=GIMP_TIMEOUT_S)
        return Launch(process.returncode, process.stdout.decode("utf-8", "replace"),
                      process.stderr.decode("utf-8", "replace"), self.out_dir)

    def environment(self):
        return {"HOME": self.inside(self.home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
                "INCEPTIONISM_HOME": self.inside(self.engine_home),
                "INCEPTIONISM_E2E_OUT": self.inside(self.out_dir)}

    def engine_log(self):
        """What the plug-in (inside) and the workers (outside) appended to their logs."""
        text = ""
        for folder in (self.engine_home, self.worker_home):
            try:
                with open(os.path.join(folder, "inceptionism.log")) as handle:
                    text += handle.read()
            except IOError:
                pass
        return text

    def close(self):
        for relay in self.relays:
            relay.close()
        self.sockets.close()
        shutil.rmtree(self.run_dir, ignore_errors=True)
        shutil.rmtree(self.worker_home, ignore_errors=True)


def install_plugin(home, gimp_dir, engine_home, worker_command):
    """install.py --gimp-dir, as an artist with a remote engine would run it."""
    command = [sys.executable, os.path.join(REPO, "install.py"), "--gimp-dir", gimp_dir,
               "--no-weights", "--worker-command",
               " ".join(shlex.quote(word) for word in worker_command)]
    env = dict(os.environ, HOME=home, INCEPTIONISM_HOME=engine_home)
    env.pop("XDG_CONFIG_HOME", None)
    installed = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert installed.returncode == 0, "install.py failed:\n" + installed.stdout.decode()
