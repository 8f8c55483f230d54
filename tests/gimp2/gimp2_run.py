"""The Python 3 side of the GIMP 2.10 tests: install the plug-in, drive it in Python 2.7.

The plug-in is installed by install.py into a throwaway GIMP 2.10 folder, exactly as for an
artist, with a worker command that runs this checkout's engine (PYTHONPATH=core) on the Python
running the tests. drive.py then plays GIMP under a real Python 2.7 with the stubs.
"""
import json
import os
import shlex
import subprocess
import sys

from inceptionism import plugin_support, settings

import py27

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DRIVER = os.path.join(HERE, "drive.py")
PLUGIN_FILE = "inceptionism-gimp2.py"
LIB_FOLDER = "inceptionism-gimp2-lib"
RUN_TIMEOUT_S = 600
GUIDE = "the Guide layer"  # drive.py's GUIDE: a case's guide argument is its Guide layer
ENGINE_COMMAND = ["env", "PYTHONPATH=" + os.path.join(REPO, "core"), sys.executable, "-m",
                  "inceptionism.worker"]


class Gimp2(object):
    """One throwaway GIMP 2.10 settings folder with the plug-in installed, and its runs."""

    def __init__(self, base, worker_command=ENGINE_COMMAND):
        self.base = base
        self.gimp_dir = os.path.join(base, "GIMP", "2.10")
        self.plugin = os.path.join(self.gimp_dir, "plug-ins", PLUGIN_FILE)
        self.pluginrc = os.path.join(base, "pluginrc.json")
        self.python27 = py27.python27_command()
        install(self.gimp_dir, worker_command, self.environment())
        self.registrations = self.query()

    def environment(self, **extra):
        """A home of its own (no real GIMP folder is touched) and the random-weight engine."""
        env = dict((k, v) for k, v in os.environ.items() if not k.startswith("PYTHON"))
        env.update(HOME=self.base, XDG_CONFIG_HOME=os.path.join(self.base, "config"),
                   INCEPTIONISM_HOME=os.path.join(self.base, "data"),
                   INCEPTIONISM_RANDOM_WEIGHTS="1", GIMP_STUB_PLUGINRC=self.pluginrc, **extra)
        return env

    def query(self):
        """GIMP's start-up query (before any run); returns what was given to gimpfu.register."""
        out = os.path.join(self.base, "registrations.json")
        self._drive(["query", self.plugin, out])
        return read_json(out)

    def start(self, name, case, **env):
        """A run of case (drive.py's CASE.json) in the background; returns (process, out path)."""
        case_file = os.path.join(self.base, name + "-case.json")
        out = os.path.join(self.base, name + "-out.json")
        with open(case_file, "w") as handle:
            json.dump(case, handle)
        process = subprocess.Popen(self.python27 + [DRIVER, "run", self.plugin, case_file, out],
                                   env=self.environment(**env), stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT)
        return process, out

    def run(self, name, case, **env):
        """A run of case to its end (env: more for the plug-in and its worker); returns
        drive.py's record."""
        process, out = self.start(name, case, **env)
        output = process.communicate(timeout=RUN_TIMEOUT_S)[0].decode("utf-8", "replace")
        assert process.returncode == 0 and os.path.exists(out), output
        return dict(read_json(out), output=output)

    def _drive(self, args):
        done = subprocess.run(self.python27 + [DRIVER] + args, env=self.environment(),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=RUN_TIMEOUT_S)
        assert done.returncode == 0, done.stdout.decode("utf-8", "replace")


class Runs(dict):
    """Each case's record, run on first use (so -k runs only the cases it needs) in one installed
    GIMP 2.10 folder; cases maps a name to drive.py's case."""

    def __init__(self, make_folder, cases):
        dict.__init__(self)
        self.make_folder, self.cases = make_folder, cases
        self.gimp2 = None

    def __missing__(self, name):
        self.gimp2 = self.gimp2 or Gimp2(self.make_folder("gimp2"))
        self[name] = self.gimp2.run(name, self.cases[name])
        return self[name]


def install(gimp_dir, worker_command, env):
    """install.py --gimp-dir, as an artist would run it (the engine itself stays where it is)."""
    os.makedirs(gimp_dir)
    done = subprocess.run([sys.executable, os.path.join(REPO, "install.py"), "--gimp-dir",
                           gimp_dir, "--no-weights", "--worker-command",
                           " ".join(shlex.quote(word) for word in worker_command)],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert done.returncode == 0, done.stdout.decode("utf-8", "replace")


def pdb_name(procedure):
    """"python-fu-inceptionism-dream" for "dream": the name both GIMPs register."""
    return next(name for name, entry in plugin_support.PROCEDURES.items()
                if entry[0] == procedure)


def noninteractive(procedure, image, values):
    """A script's call: drive.py builds image, then every value is passed."""
    return {"procedure": pdb_name(procedure), "run_mode": "noninteractive", "image": image,
            "arguments": pdb_arguments(procedure, values)}


def interactive(procedure, image, values):
    """From the menu: GIMP passes only the image and drawable; the artist edits the dialog."""
    return {"procedure": pdb_name(procedure), "run_mode": "interactive", "image": image,
            "dialog_edits": dialog_edits(procedure, values)}


def pdb_arguments(procedure, values):
    """What a script passes after image and drawable: table order, an option's index, 0/1; then
    a Dream's guide: None, or GUIDE (drive.py passes the image's Guide layer)."""
    arguments = []
    for setting in settings.for_procedure(procedure):
        value = values.get(setting.name, setting.default)
        if setting.kind == "choice":
            value = [nick for nick, _ in setting.choices].index(value)
        arguments.append(int(value) if setting.kind == "bool" else value)
    if procedure in plugin_support.GUIDED:
        arguments.append(values.get(plugin_support.GUIDE_ARGUMENT[0]))
    return arguments


def dialog_edits(procedure, values):
    """What an artist sets in the dialog, as its widgets hold it: a combo box the index of the
    label, a spinner or slider a float (gimpfu's spinner hands the plug-in GTK's float)."""
    table = dict((setting.name, setting) for setting in settings.for_procedure(procedure))
    edits = {}
    for name, value in values.items():
        setting = table[name]
        if setting.kind == "choice":
            edits[name] = [nick for nick, _ in setting.choices].index(value)
        else:
            edits[name] = float(value) if setting.kind in ("int", "float") else value
    return edits


def read_json(path):
    with open(path) as handle:
        return json.load(handle)
