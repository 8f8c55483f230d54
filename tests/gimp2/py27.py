"""Finds a working Python 2.7 for the GIMP 2.10 tests (GIMP 2.10's Python-Fu is 2.7).

In order: python2.7/python2 on PATH (a pyenv shim that is not active fails its probe and is
passed over), then pyenv's versions folders, then a Debian bullseye root cached under
~/.cache/inceptionism-tests/ (built once with debootstrap, only when nothing else exists; its
python2.7 runs on this host through the root's own loader and libraries, so the processes it
starts, such as the engine's worker, run on the host as usual).
"""
import functools
import glob
import os
import shutil
import subprocess

CACHE = os.path.join(os.path.expanduser("~"), ".cache", "inceptionism-tests")
BULLSEYE_ROOT = os.path.join(CACHE, "python27-bullseye-root")
ROOT_STAMP = ".inceptionism-python27-root-v1"
LOADER = "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"  # lib64/ links to an absolute path
LIBRARY_DIRS = ("lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu")


@functools.lru_cache(maxsize=None)
def python27_command():
    """The argv prefix that runs Python 2.7, e.g. ["/usr/bin/python2.7"] (looked up once)."""
    for command in _installed_candidates():
        if _is_python27(command):
            return command
    return _bullseye_python()


def _installed_candidates():
    on_path = [shutil.which(name) for name in ("python2.7", "python2")]
    pyenv_root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    in_pyenv = sorted(glob.glob(os.path.join(pyenv_root, "versions", "2.7.*", "bin", "python2.7")),
                      reverse=True)
    return [[path] for path in on_path + in_pyenv if path]


def _is_python27(command):
    try:
        probe = subprocess.run(command + ["-c", "import sys; print(sys.version_info[:2])"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0 and probe.stdout.strip() == b"(2, 7)"


def _bullseye_python():
    """python2.7 of the cached bullseye root, built first if needed (minutes, about 300 MB)."""
    if not os.path.exists(os.path.join(BULLSEYE_ROOT, ROOT_STAMP)):
        _build_bullseye_root(BULLSEYE_ROOT)
    libraries = ":".join(os.path.join(BULLSEYE_ROOT, part) for part in LIBRARY_DIRS)
    command = [os.path.join(BULLSEYE_ROOT, LOADER), "--library-path", libraries,
               os.path.join(BULLSEYE_ROOT, "usr", "bin", "python2.7")]
    if not _is_python27(command):
        raise RuntimeError("the Python 2.7 of %s does not start; delete the folder to rebuild it"
                           % BULLSEYE_ROOT)
    return command


def _build_bullseye_root(root):
    """debootstrap bullseye from this machine's own Debian mirror, then apt-get python2.7."""
    if os.geteuid() != 0:
        raise RuntimeError("no Python 2.7 found, and building one needs root (debootstrap)")
    if not shutil.which("debootstrap"):
        subprocess.check_call(["apt-get", "install", "-y", "-qq", "debootstrap"])
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.dirname(root), exist_ok=True)
    subprocess.check_call(["debootstrap", "--variant=minbase", "bullseye", root, _mirror()])
    inside = ("export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && "
              "apt-get install -y -qq --no-install-recommends python2.7")
    subprocess.check_call(["unshare", "-m", "sh", "-c",
                           'mount -t proc proc "$0/proc" && exec chroot "$0" sh -c "$1"',
                           root, inside])
    open(os.path.join(root, ROOT_STAMP), "w").close()


def _mirror():
    """The Debian mirror in this machine's apt sources (never a hard-coded host)."""
    sources = glob.glob("/etc/apt/sources.list") + glob.glob("/etc/apt/sources.list.d/*")
    for path in sources:
        with open(path) as handle:
            for line in handle:
                words = line.split()
                if words and words[0] in ("deb", "URIs:"):
                    urls = [w for w in words[1:] if w.startswith("http")]
                    if urls and "debian" in urls[0] and "security" not in urls[0]:
                        return urls[0]
    return "http://deb.debian.org/debian"
