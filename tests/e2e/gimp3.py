"""Runs the real GIMP 3 of a cached Debian root, headless, with this checkout's plug-in installed.

The root is built once by build_gimp_root.sh and cached outside the repository. Each launch gets
a fresh HOME inside the root, with the plug-in installed by install.py. GIMP runs in a private
mount namespace (nothing on the host is mounted or unmounted) where the engine venv, the Python
it was built from and this checkout appear at their own paths, so the worker the plug-in starts
is this checkout's engine on the test's own interpreter.
"""
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections import namedtuple

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PLUGIN_NAME = "inceptionism-gimp3"
DEFAULT_ROOT = os.path.join(os.path.expanduser("~"), ".cache", "inceptionism-tests", "gimp3-root")
GIMP_TIMEOUT_S = 900
# What makes the engine compute as another CPU kind would, passed on to GIMP's engine.
CPU_KIND = ("INCEPTIONISM_COMPUTE_DTYPE", "ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA",
            "MKL_ENABLE_INSTRUCTIONS")

# One launch of GIMP: its exit status and output, and the folder (host path) its script wrote to.
Launch = namedtuple("Launch", "returncode stdout stderr out_dir")


def root_dir():
    return os.environ.get("INCEPTIONISM_GIMP_ROOT") or DEFAULT_ROOT


def ensure_root():
    """The root folder, built on first use (several minutes, needs root and a Debian mirror)."""
    root = root_dir()
    subprocess.check_call(["bash", os.path.join(HERE, "build_gimp_root.sh"), root])
    return root


class GimpSession(object):
    """A fresh HOME inside the root, with the plug-in installed; removed by close()."""

    def __init__(self, root):
        self.root = root
        self.run_dir = tempfile.mkdtemp(prefix="inceptionism-e2e-", dir=os.path.join(root, "tmp"))
        self.home = os.path.join(self.run_dir, "home")
        self.out_dir = os.path.join(self.run_dir, "out")
        self.gimp_dir = os.path.join(self.home, ".config", "GIMP", "3.0")
        self.engine_home = os.path.join(self.run_dir, "data")
        os.makedirs(self.out_dir)
        install_plugin(self.home, self.gimp_dir, self.inside(self.engine_home))

    def inside(self, path):
        """Where a host path below the root is seen from inside it."""
        return "/" + os.path.relpath(path, self.root)

    @property
    def plugin_dir(self):
        return os.path.join(self.gimp_dir, "plug-ins", PLUGIN_NAME)

    def batch(self, script, env=None):
        """Run a Python script in gimp-console (python-fu-eval); the script writes into out_dir."""
        code = "exec(open(%r).read())" % os.path.abspath(script)
        command = ["gimp-console-3.0", "-i", "--batch-interpreter", "python-fu-eval", "-b", code,
                   "--quit"]
        return self.launch(command, env)

    def launch(self, command, env=None):
        variables = dict(self.environment(), **(env or {}))
        chrooted = ["chroot", self.root, "env", "-i"] + ["%s=%s" % kv for kv in variables.items()]
        process = subprocess.run(["unshare", "-m", "bash", "-c", mount_script(self.root) + " "
                                  + " ".join(shlex.quote(arg) for arg in chrooted + command)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 timeout=GIMP_TIMEOUT_S)
        return Launch(process.returncode, process.stdout.decode("utf-8", "replace"),
                      process.stderr.decode("utf-8", "replace"), self.out_dir)

    def dialog_screenshot(self, procedure, shot, ready=None, wait_s=60, meanwhile=None, env=None):
        """Open procedure's dialog in GIMP 3 with a screen (Xvfb), capture the whole screen into
        shot (a host path under out_dir) and the windows' geometry into shot + ".json"
        (in_gimp/window_geometry.py), then stop GIMP. The capture is taken once the engine's
        log has a line matching the grep pattern ready (e.g. the preview shown), or after wait_s
        seconds; there is no window manager: the dialog sits at the top left. meanwhile: a
        script (host path) a second GIMP (gimp-console) runs while the dialog is open, before
        the capture, with env added to the environment."""
        script = os.path.join(HERE, "in_gimp", "open_dialog.py")
        gimp = "gimp-3.0 --no-splash --batch-interpreter python-fu-eval -b %s" % shlex.quote(
            "exec(open(%r).read())" % script)
        log = shlex.quote(os.path.join(self.inside(self.engine_home), "inceptionism.log"))
        until = "grep -q %s %s 2>/dev/null && break; " % (shlex.quote(ready), log) if ready else ""
        geometry = "python3 %s %s" % (shlex.quote(os.path.join(HERE, "in_gimp",
                                                                "window_geometry.py")),
                                      shlex.quote(self.inside(shot) + ".json"))
        second = ""
        if meanwhile:
            second = ("gimp-console-3.0 -n -i --batch-interpreter python-fu-eval -b %s --quit; "
                      % shlex.quote("exec(open(%r).read())" % meanwhile))
        # While GIMP is connected (Xvfb resets the pointer when its last client leaves).
        pointer = "python3 %s; " % shlex.quote(os.path.join(HERE, "in_gimp", "pointer_away.py"))
        steps = ("%s & for second in $(seq %d); do %ssleep 1; done; %s%ssleep 3; "
                 "import -window root %s; %s; kill $!" % (gimp, wait_s, until, second, pointer,
                                                          shlex.quote(self.inside(shot)),
                                                          geometry))
        return self.launch(["xvfb-run", "-a", "-s", "-screen 0 1280x900x24", "bash", "-c", steps],
                           dict(env or {}, INCEPTIONISM_DIALOG=procedure))

    def engine_log(self):
        """What the plug-in and the worker appended to the log so far."""
        try:
            with open(os.path.join(self.engine_home, "inceptionism.log")) as handle:
                return handle.read()
        except IOError:
            return ""

    def environment(self):
        """GIMP's environment inside the root; tests run as another CPU kind would (README:
        the engine's precision and torch's, oneDNN's and MKL's switches) run GIMP's engine so."""
        return dict(((name, os.environ[name]) for name in CPU_KIND if name in os.environ), **{
            "HOME": self.inside(self.home),
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "INCEPTIONISM_RANDOM_WEIGHTS": "1",
            "INCEPTIONISM_HOME": self.inside(self.engine_home),
            "INCEPTIONISM_E2E_OUT": self.inside(self.out_dir),
            # The worker imports this checkout's engine; the plug-in still imports its installed
            # copy, which comes first on its own path. The spy does nothing unless a test asks.
            "PYTHONPATH": os.pathsep.join([os.path.join(REPO, "core"), os.path.join(HERE, "spy")]),
        })

    def close(self):
        shutil.rmtree(self.run_dir, ignore_errors=True)


def host_paths():
    """The folders that must appear inside the root at their own paths."""
    paths = [REPO, sys.prefix, os.path.realpath(sys.base_prefix)]
    return sorted(set(os.path.realpath(path) for path in paths))


def mount_script(root):
    """bash that mounts /proc, /dev and host_paths() in the root, then execs the command."""
    lines = ["set -e", "mount -t proc proc %s" % shlex.quote(root + "/proc"),
             "mount --rbind /dev %s" % shlex.quote(root + "/dev")]
    for path in host_paths():
        target = shlex.quote(root + path)
        lines.append("mkdir -p %s && mount --bind %s %s" % (target, shlex.quote(path), target))
    return "; ".join(lines) + "; exec"


def install_plugin(home, gimp_dir, engine_home):
    """Install with install.py into gimp_dir only. --worker-command names the test's own venv, so
    install.py leaves that (shared) venv alone; HOME is the fresh one, so no other GIMP is found.
    The worker is kept warm, as install.py sets it up for artists: every case but the first
    reaches the engine through the relay and the warm worker's socket."""
    worker = [os.path.join(sys.prefix, "bin", "python"), "-m", "inceptionism.worker",
              "--keep-warm", "30"]
    command = [sys.executable, os.path.join(REPO, "install.py"), "--gimp-dir", gimp_dir,
               "--no-weights", "--worker-command", " ".join(shlex.quote(w) for w in worker)]
    env = dict(os.environ, HOME=home, INCEPTIONISM_HOME=engine_home)
    env.pop("XDG_CONFIG_HOME", None)
    installed = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert installed.returncode == 0, "install.py failed:\n" + installed.stdout.decode()
