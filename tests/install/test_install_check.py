"""--check: one line per fact, "OK ..." or "PROBLEM ... -> what to do", exit 1 on any problem."""
import json
import os
import subprocess
import sys

import pytest

from install_helpers import ENGINE_VENV, ROOT, install, make_dirs, run_install
from warm_processes import warm_workers_of

HEALTHY_WORKER = "%s %s" % (sys.executable,
                            os.path.join(os.path.dirname(__file__), "healthy_worker.py"))
PLUGIN3 = os.path.join("plug-ins", "inceptionism-gimp3")


def check(capsys, *args):
    """(exit status, output lines) of install.py --check."""
    status = install.main(["--check"] + list(args))
    lines = capsys.readouterr().out.splitlines()
    assert all(line.startswith(("OK ", "PROBLEM ")) for line in lines), lines
    return status, lines


def problems(lines):
    return [line for line in lines if line.startswith("PROBLEM ")]


@pytest.fixture
def installed(home, venv, commands, capsys):
    """A GIMP 3 folder with the plug-in, talking to the healthy stand-in worker."""
    folder = make_dirs(home, ".config", "GIMP", "3.0")
    assert run_install(venv, "--worker-command", HEALTHY_WORKER) == 0
    capsys.readouterr()
    return folder


def test_a_healthy_installation_is_all_ok(installed, capsys):
    status, lines = check(capsys, "--worker-command", HEALTHY_WORKER)
    assert status == 0
    assert any("GIMP 3.0 (%s): GIMP 3 plug-in" % installed in line for line in lines)
    assert any(line.startswith("OK the engine answers through") and "googlenet present" in line
               for line in lines)


def not_executable(folder):
    os.chmod(str(folder / PLUGIN3 / "inceptionism-gimp3.py"), 0o644)


def older_version(folder):
    config = folder / PLUGIN3 / "worker.json"
    config.write_text(json.dumps(dict(json.loads(config.read_text()), version="0.0.1")))


def another_gimp_without_plugin(folder):
    make_dirs(folder.parent, "2.10")


def damaged_worker_json(folder):
    (folder / PLUGIN3 / "worker.json").write_text('{"command": ')


def broken_worker(folder):
    config = folder / PLUGIN3 / "worker.json"
    command = [sys.executable, "-c", "import sys; sys.stderr.write('no torch here'); sys.exit(3)"]
    config.write_text(json.dumps(dict(json.loads(config.read_text()), command=command)))


@pytest.mark.parametrize("damage, words", [
    (not_executable, "is not executable"),
    (older_version, "the plug-in is version 0.0.1"),
    (another_gimp_without_plugin, "GIMP 2.10 (%s): the plug-in is not installed"),
    (damaged_worker_json, "worker.json is damaged"),
    (broken_worker, "the engine does not start through"),
])
def test_each_problem_is_named_with_its_fix(installed, capsys, damage, words):
    damage(installed)
    status, lines = check(capsys, "--worker-command", HEALTHY_WORKER)
    assert status == 1
    (problem,) = problems(lines)
    assert words.replace("%s", str(installed.parent / "2.10")) in problem
    assert " -> run: python3 install.py" in problem


def test_no_gimp_folder_is_a_problem_that_names_gimp_dir(home, capsys):
    status, lines = check(capsys, "--worker-command", HEALTHY_WORKER)
    assert status == 1
    (problem,) = problems(lines)
    assert "no GIMP settings folder found" in problem and "--gimp-dir" in problem


def test_random_weights_left_switched_on_is_a_problem(installed, capsys, monkeypatch):
    monkeypatch.setenv("INCEPTIONISM_RANDOM_WEIGHTS", "1")
    status, lines = check(capsys, "--worker-command", HEALTHY_WORKER)
    assert status == 1
    assert "INCEPTIONISM_RANDOM_WEIGHTS" in problems(lines)[0]


@pytest.mark.slow
def test_check_with_the_real_engine_and_no_weights(home, commands, capsys):
    """The real venv and worker: engine and handshake OK, Lite0 installed with the engine, so
    GoogLeNet's missing weights are a note, not a problem (exit 0); Lite0's file damaged, they
    are both a problem."""
    make_dirs(home, ".config", "GIMP", "3.0")
    assert install.main(["--venv", ENGINE_VENV, "--dev", "--no-weights"]) == 0
    assert commands == []  # tests/run.py left the venv current
    result = subprocess.run([sys.executable, os.path.join(ROOT, "install.py"), "--check",
                             "--venv", ENGINE_VENV], capture_output=True, text=True, timeout=600)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    version = install.read_manifest()["version"]
    assert any(line.startswith("OK engine %s in %s: torch " % (version, ENGINE_VENV))
               for line in lines)
    assert any(line.startswith("OK efficientnet_lite0 installed (comes with the engine)")
               for line in lines)
    assert any(line.startswith("OK the engine answers through") and "googlenet missing" in line
               and "efficientnet_lite0 present" in line for line in lines)
    assert any(line.startswith("OK note: googlenet weights are not installed yet") for line in lines)
    assert problems(lines) == []
    assert warm_workers_of(os.environ["INCEPTIONISM_HOME"]) == []  # a check leaves none behind


def test_a_damaged_network_that_comes_with_the_engine_is_a_problem(capsys):
    report = install.Report()
    install.check_weights({"efficientnet_lite0": ["/venv/lite0.pth", False]}, report)
    lines = capsys.readouterr().out.splitlines()
    assert problems(lines)[0].startswith("PROBLEM efficientnet_lite0, which comes with the engine")
    assert any(line.startswith("PROBLEM googlenet weights are missing") for line in lines)


def test_the_check_starts_the_worker_on_its_own_pipes_not_a_warm_one(home, venv, commands, capsys):
    """A warm worker would stay loaded (about 540 MB) for ten minutes after the check."""
    make_dirs(home, ".config", "GIMP", "3.0")
    warm_command = HEALTHY_WORKER + " --keep-warm 600"
    assert run_install(venv, "--worker-command", warm_command) == 0
    capsys.readouterr()
    status, lines = check(capsys, "--worker-command", warm_command)
    assert status == 0, lines  # healthy_worker.py refuses --keep-warm


def test_a_flatpak_gimps_engine_is_checked_the_way_the_host_starts_it(home, venv, commands, capsys):
    make_dirs(home, ".var", "app", "org.gimp.GIMP", "config", "GIMP", "3.0")
    assert run_install(venv, "--worker-command", HEALTHY_WORKER) == 0
    capsys.readouterr()
    status, lines = check(capsys, "--worker-command", HEALTHY_WORKER)
    assert status == 0
    assert any("engine command: flatpak-spawn --host " in line for line in lines)
