"""The engine's venv: pip runs only when the requirements stamp says so; the engine every time."""
import os

from install_helpers import ENGINE_VENV, install, make_dirs, make_venv, run_install


def pip_runs(commands):
    return [command[command.index("install") + 1:] for command in commands
            if command[1:4] == ["-m", "pip", "install"]]


def test_a_venv_with_a_matching_stamp_gets_only_the_engine_again(home, venv, commands):
    assert run_install(venv, "--no-gimp", "--no-weights") == 0
    (engine,) = pip_runs(commands)
    assert "--no-deps" in engine and "--force-reinstall" in engine
    assert not any(requirement in engine for requirement in install.REQUIREMENTS)


def test_a_venv_without_stamp_gets_the_requirements_then_reuses_them(home, commands):
    venv = make_venv(home / "venv")
    assert install.main(["--venv", str(venv), "--torch", "cuda", "--no-gimp", "--no-weights"]) == 0
    requirements, engine = pip_runs(commands)
    assert requirements[-len(install.REQUIREMENTS):] == list(install.REQUIREMENTS)
    assert "--no-deps" in engine
    del commands[:]
    assert install.main(["--venv", str(venv), "--torch", "cuda", "--no-gimp", "--no-weights"]) == 0
    assert len(pip_runs(commands)) == 1


def test_another_torch_build_or_dev_means_pip_runs_again(venv, commands):
    assert run_install(venv, "--no-gimp", "--no-weights", "--torch", "cuda") == 0
    assert len(pip_runs(commands)) == 2
    del commands[:]
    assert run_install(venv, "--no-gimp", "--no-weights", "--dev") == 0
    requirements, engine = pip_runs(commands)
    assert "pytest" in requirements
    assert engine[-2:] == ["-e", install.CORE]


def test_the_cpu_torch_index_is_used_only_when_it_answers(home, commands, monkeypatch):
    monkeypatch.setattr(install, "system", lambda: "linux")
    for answers in (True, False):
        del commands[:]
        monkeypatch.setattr(install, "answers", lambda url: answers)
        venv = make_venv(home / ("venv-%s" % answers))
        assert run_install(venv, "--no-gimp", "--no-weights") == 0
        requirements = pip_runs(commands)[0]
        assert ("--extra-index-url" in requirements) == answers


def test_a_folder_that_is_not_a_venv_is_left_alone(home, commands, capsys):
    folder = make_dirs(home, "documents")
    (folder / "letter.txt").write_text("dear")
    assert install.main(["--venv", str(folder), "--no-gimp", "--no-weights"]) == 1
    out = capsys.readouterr().out
    assert "PROBLEM %s is not empty and is not a virtual environment" % folder in out
    assert os.listdir(str(folder)) == ["letter.txt"]


def test_the_engine_venv_runs_this_checkout_after_tests_run_py():
    """tests/run.py installed this checkout editable: --dev leaves such a venv alone."""
    assert install.editable_install_of(install.venv_python(ENGINE_VENV)) == \
        install.read_manifest()["version"]


def test_cluster_adds_ray_and_only_then(venv, commands):
    assert run_install(venv, "--no-gimp", "--no-weights", "--cluster") == 0
    requirements, _ = pip_runs(commands)
    assert list(install.CLUSTER_REQUIREMENTS) == requirements[-1:]
    assert not any(r.startswith("ray") for r in install.REQUIREMENTS)
    assert set(install.CLUSTER_REQUIREMENTS) <= set(install.DEV_REQUIREMENTS)  # tests have it
