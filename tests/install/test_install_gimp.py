"""Finding every GIMP's settings folder and putting the right front end into it, and back out."""
import ast
import json
import os
import shlex
import subprocess
import sys

import pytest

from install_helpers import ROOT, install, make_dirs, make_venv, run_install, tree

GIMP3 = os.path.join("plug-ins", "inceptionism-gimp3")
GIMP2_LIB = os.path.join("plug-ins", "inceptionism-gimp2-lib")


def found(home):
    return sorted((os.path.relpath(f.path, str(home)), f.front_end)
                  for f in install.find_gimp_folders())


def test_linux_finds_native_flatpak_and_snap_folders_of_supported_versions(home):
    for parts in [(".config", "GIMP", "2.10"), (".config", "GIMP", "3.0"),
                  (".config", "GIMP", "2.8"), (".config", "GIMP", "sessions"),
                  (".var", "app", "org.gimp.GIMP", "config", "GIMP", "3.2"),
                  ("snap", "gimp", "current", ".config", "GIMP", "2.99")]:
        make_dirs(home, *parts)
    assert found(home) == [
        (os.path.join(".config", "GIMP", "2.10"), "gimp2"),
        (os.path.join(".config", "GIMP", "3.0"), "gimp3"),
        (os.path.join(".var", "app", "org.gimp.GIMP", "config", "GIMP", "3.2"), "gimp3"),
        (os.path.join("snap", "gimp", "current", ".config", "GIMP", "2.99"), "gimp3")]


def test_linux_honours_xdg_config_home(home, monkeypatch):
    make_dirs(home, "elsewhere", "GIMP", "3.0")
    make_dirs(home, ".config", "GIMP", "2.10")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "elsewhere"))
    assert found(home) == [(os.path.join("elsewhere", "GIMP", "3.0"), "gimp3")]


@pytest.mark.parametrize("system, parts", [
    ("windows", ("AppData", "Roaming", "GIMP")),
    ("darwin", ("Library", "Application Support", "GIMP")),
])
def test_windows_and_macos_folders(home, monkeypatch, system, parts):
    monkeypatch.setattr(install, "system", lambda: system)
    make_dirs(home, *(parts + ("2.10",)))
    make_dirs(home, *(parts + ("3.0",)))
    make_dirs(home, ".config", "GIMP", "3.0")  # Linux's place means nothing here
    assert found(home) == [(os.path.join(*(parts + ("2.10",))), "gimp2"),
                           (os.path.join(*(parts + ("3.0",))), "gimp3")]


def test_gimp3_layout_and_worker_json(home, venv, commands):
    folder = make_dirs(home, ".config", "GIMP", "3.0")
    assert run_install(venv, "--no-weights") == 0
    plugin = folder / GIMP3
    script = plugin / "inceptionism-gimp3.py"
    assert same_bytes(script, os.path.join(ROOT, "plugin", "gimp3", script.name))
    assert os.access(str(script), os.X_OK)
    widgets = plugin / "dialog_widgets.py"  # the dialogs' Gtk side, imported from beside it
    assert same_bytes(widgets, os.path.join(ROOT, "plugin", "gimp3", widgets.name))
    assert_stdlib_copies(plugin / "inceptionism")
    assert json.loads((plugin / "worker.json").read_text()) == {
        "command": [install.venv_python(str(venv)), "-I", "-m", "inceptionism.worker",
                    "--keep-warm", "600"],
        "log": install.paths.log_path(), "version": install.read_manifest()["version"]}


def test_gimp2_layout(home, venv, commands):
    folder = make_dirs(home, ".config", "GIMP", "2.10")
    assert run_install(venv, "--no-weights") == 0
    script = folder / "plug-ins" / "inceptionism-gimp2.py"
    assert same_bytes(script, os.path.join(ROOT, "plugin", "gimp2", script.name))
    assert os.access(str(script), os.X_OK)
    assert_stdlib_copies(folder / GIMP2_LIB / "inceptionism")
    # the gimpfu side of the settings and the Dream dialog, imported from the lib folder (GIMP
    # 2.10 would take a script-like file right in plug-ins/ for a plug-in of its own)
    for name in ("gimpfu_settings.py", "dream_dialog.py"):
        helper = folder / GIMP2_LIB / name
        assert same_bytes(helper, os.path.join(ROOT, "plugin", "gimp2", name))
    assert sorted(os.listdir(str(folder / "plug-ins"))) == sorted(
        [os.path.basename(GIMP2_LIB), script.name])
    config = json.loads((folder / GIMP2_LIB / "worker.json").read_text())
    assert config["command"] == [install.venv_python(str(venv)), "-I", "-m", "inceptionism.worker",
                                 "--keep-warm", "600"]


def test_keep_warm_0_loads_the_engine_for_every_dream(home, venv, commands):
    folder = make_dirs(home, ".config", "GIMP", "3.0")
    assert run_install(venv, "--no-weights", "--keep-warm", "0") == 0
    config = json.loads((folder / GIMP3 / "worker.json").read_text())
    assert config["command"] == [install.venv_python(str(venv)), "-I", "-m", "inceptionism.worker"]


def assert_stdlib_copies(package):
    expected = sorted([m + ".py" for m in install.PLUGIN_MODULES] + ["manifest.json"])
    assert sorted(os.listdir(str(package))) == expected
    for name in expected:
        source = os.path.join(ROOT, "manifest.json") if name == "manifest.json" else \
            os.path.join(ROOT, "core", "inceptionism", name)
        assert same_bytes(package / name, source), name


def same_bytes(path, source):
    with open(source, "rb") as handle:
        return path.read_bytes() == handle.read()


def test_copied_modules_import_only_each_other():
    """The plug-ins get PLUGIN_MODULES only: one more engine module imported would break GIMP."""
    package = os.path.join(ROOT, "core", "inceptionism")
    modules = set(name[:-3] for name in os.listdir(package) if name.endswith(".py"))
    for module in install.PLUGIN_MODULES:
        with open(os.path.join(package, module + ".py")) as handle:
            imported = set(relative_imports(ast.parse(handle.read())))
        assert imported & modules <= set(install.PLUGIN_MODULES), module


def relative_imports(syntax):
    """Module names a module imports from its own package (from .x import, from . import x)."""
    for node in ast.walk(syntax):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                yield node.module.split(".")[0]
            else:
                for alias in node.names:
                    yield alias.name


def test_remote_worker_command_is_split_like_a_shell_and_installs_no_engine(home, venv, commands):
    folder = make_dirs(home, ".config", "GIMP", "3.0")
    remote = "ssh gpu-box '~/my venv/bin/python' -m inceptionism.worker"
    assert run_install(venv, "--worker-command", remote) == 0
    config = json.loads((folder / GIMP3 / "worker.json").read_text())
    assert config["command"] == shlex.split(remote)
    assert commands == []
    assert not (home / "data" / "weights").exists()


def test_flatpak_gimp_starts_the_engine_outside_its_sandbox(home, venv, commands, capsys):
    folder = make_dirs(home, ".var", "app", "org.gimp.GIMP", "config", "GIMP", "3.0")
    assert run_install(venv, "--no-weights") == 0
    command = json.loads((folder / GIMP3 / "worker.json").read_text())["command"]
    assert command[:3] == ["flatpak-spawn", "--host", install.venv_python(str(venv))]
    assert "flatpak override --user --talk-name=org.freedesktop.Flatpak" in capsys.readouterr().out


def test_gimp_dir_adds_a_folder_named_after_its_version(home, venv, commands):
    custom = make_dirs(home, "portable", "GIMP", "3.0")
    assert run_install(venv, "--no-weights", "--gimp-dir", str(custom)) == 0
    assert (custom / GIMP3 / "worker.json").exists()


def test_gimp_dir_whose_version_is_unclear_is_a_problem(home, venv, commands, capsys):
    custom = make_dirs(home, "my-gimp")
    assert run_install(venv, "--no-weights", "--gimp-dir", str(custom)) == 1
    out = capsys.readouterr().out
    assert "PROBLEM cannot tell which GIMP %s belongs to" % custom in out
    assert os.listdir(str(custom)) == []


def test_no_gimp_found_says_where_gimp_would_be(home, venv, commands, capsys):
    assert run_install(venv, "--no-weights") == 0
    out = capsys.readouterr().out
    assert "no GIMP settings folder found" in out
    assert str(home / ".config" / "GIMP") in out and "--gimp-dir" in out


def test_reinstall_is_idempotent_and_drops_stale_modules(home, venv, commands):
    folder = make_dirs(home, ".config", "GIMP", "3.0")
    assert run_install(venv, "--no-weights") == 0
    first = tree(home)
    (folder / GIMP3 / "inceptionism" / "retired_module.py").write_text("")
    assert run_install(venv, "--no-weights") == 0
    assert tree(home) == first


def test_uninstall_removes_only_our_plugins_and_keeps_engine_and_weights(home, venv, commands):
    gimp3 = make_dirs(home, ".config", "GIMP", "3.0")
    gimp2 = make_dirs(home, ".config", "GIMP", "2.10")
    weights = make_dirs(home, "data", "weights")
    assert run_install(venv, "--no-weights") == 0
    (gimp3 / "plug-ins" / "someone-elses.py").write_text("")
    assert install.main(["--venv", str(venv), "--uninstall"]) == 0
    assert os.listdir(str(gimp3 / "plug-ins")) == ["someone-elses.py"]
    assert os.listdir(str(gimp2 / "plug-ins")) == []
    assert weights.exists() and venv.exists()


def test_uninstall_purge_also_removes_engine_weights_and_log(home, commands):
    data = home / "data"
    make_venv(data / "venv")
    make_dirs(home, "data", "weights")
    (data / "inceptionism.log").write_text("")
    make_dirs(home, ".config", "GIMP", "3.0", "plug-ins", "inceptionism-gimp3")
    assert install.main(["--uninstall", "--purge"]) == 0
    assert not data.exists()
    assert os.listdir(str(home / ".config" / "GIMP" / "3.0" / "plug-ins")) == []


def test_purge_leaves_a_venv_folder_that_is_not_a_venv(home, commands):
    not_a_venv = make_dirs(home, "projects")
    (not_a_venv / "thesis.tex").write_text("")
    assert install.main(["--uninstall", "--purge", "--venv", str(not_a_venv)]) == 0
    assert (not_a_venv / "thesis.tex").exists()


@pytest.mark.parametrize("args", [[], ["--uninstall", "--purge"], ["--dev", "--all-models"]])
def test_dry_run_touches_nothing(home, monkeypatch, capsys, args):
    make_dirs(home, ".config", "GIMP", "3.0")
    make_dirs(home, ".config", "GIMP", "2.10", "plug-ins", "inceptionism-gimp2-lib")
    make_venv(home / "data" / "venv")
    monkeypatch.setattr(install, "run_command", lambda command: pytest.fail("ran %s" % command))
    monkeypatch.setattr(install, "answers", lambda url: False)
    before = tree(home)
    assert install.main(["--dry-run", "--torch", "cpu"] + args) == 0
    assert tree(home) == before
    assert "would " in capsys.readouterr().out


def test_a_gimp_dir_that_was_found_anyway_counts_once(home):
    folder = make_dirs(home, ".config", "GIMP", "3.0")
    assert [f.path for f in install.find_gimp_folders([str(folder)])] == [str(folder)]


def test_purge_removes_what_inceptionism_wrote_and_keeps_the_artists_own_files(home, commands):
    data = home / "data"
    make_venv(data / "venv")
    weights = make_dirs(home, "data", "weights")
    ours = weights / install.downloads()["googlenet"]["file"]
    ours.write_bytes(b"downloaded")
    (weights / "my-own-finetuned-model.pth").write_bytes(b"months of work")
    make_dirs(home, "data", "run")
    (data / "run" / "worker-0123.sock.lock").write_text("")
    (data / "speed.json").write_text("{}")
    (data / "inceptionism.log").write_text("")
    (data / "notes.txt").write_text("mine")
    assert install.main(["--uninstall", "--purge"]) == 0
    assert sorted(os.listdir(str(data))) == ["notes.txt", "weights"]
    assert os.listdir(str(weights)) == ["my-own-finetuned-model.pth"]


def test_purge_never_follows_a_linked_data_folder(home, commands, tmp_path, monkeypatch, capsys):
    artist = make_dirs(home, "Pictures")
    (artist / "inceptionism.log").write_text("the artist's own file of that name")
    make_dirs(home, "Pictures", "weights")
    os.symlink(str(artist), str(home / "linked"))
    monkeypatch.setenv("INCEPTIONISM_HOME", str(home / "linked"))
    assert install.main(["--uninstall", "--purge"]) == 0
    assert sorted(os.listdir(str(artist))) == ["inceptionism.log", "weights"]
    assert "is a link to" in capsys.readouterr().out


def test_purge_removes_a_venv_the_record_names_outside_the_data_folder(home, commands):
    elsewhere = make_venv(home / "elsewhere-venv")
    install.record_written(str(elsewhere))
    install.record_written(str(home / "data" / "weights" / "custom-download.pth"))
    make_dirs(home, "data", "weights")
    (home / "data" / "weights" / "custom-download.pth").write_bytes(b"x")
    assert install.main(["--uninstall", "--purge"]) == 0
    assert not elsewhere.exists() and not (home / "data").exists()


def test_a_purge_dry_run_lists_what_would_go(home, capsys):
    data = home / "data"
    make_venv(data / "venv")
    make_dirs(home, "data", "run")
    (data / "speed.json").write_text("{}")
    assert install.main(["--uninstall", "--purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    for name in ("venv", "run", "speed.json"):
        assert "would remove %s" % (data / name) in out
    assert (data / "speed.json").exists()


@pytest.mark.slow
def test_installs_running_at_once_leave_no_tracebacks(home, tmp_path):
    """Two install.py started together, again and again: the second waits for the first."""
    folder = make_dirs(home, ".config", "GIMP", "3.0")
    command = [sys.executable, os.path.join(ROOT, "install.py"), "--no-weights",
               "--worker-command", "python3 -m inceptionism.worker"]
    for attempt in range(20):
        runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                for _ in range(2)]
        outputs = [run.communicate(timeout=120)[0].decode() for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        assert not any("Traceback" in output for output in outputs), outputs
    assert os.path.exists(str(folder / GIMP3 / "inceptionism" / "client.py"))


def test_a_cluster_address_goes_into_the_worker_command(home, venv, commands, capsys):
    folder = make_dirs(home, ".config", "GIMP", "3.0")
    assert run_install(venv, "--no-weights", "--cluster-address", "ray://head:10001") == 0
    config = json.loads((folder / GIMP3 / "worker.json").read_text())
    assert config["command"][-2:] == ["--cluster", "ray://head:10001"]
    assert any(command[-1].startswith("ray") for command in commands)  # Ray joins the venv
    with pytest.raises(SystemExit):
        run_install(venv, "--no-weights", "--cluster-address", "head:10001")
    assert "--cluster-address is auto, local:N or ray://HOST:PORT" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # not dropped without a word
        run_install(venv, "--no-weights", "--cluster-address", "auto", "--worker-command",
                    "ssh gpu-box python3 -m inceptionism.worker")
    assert "end that command with --cluster auto" in capsys.readouterr().err
