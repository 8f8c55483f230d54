"""The `inceptionism` command: a real dream end to end, the layer list, one-line mistakes."""
import os
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

from inceptionism import catalogue, cli, images, looks, settings

CORE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                    "core")


def run_command(*args, **env):
    """`python -m inceptionism ARGS` in a fresh process; (exit code, stdout, stderr)."""
    environment = dict(os.environ, PYTHONPATH=CORE, **env)
    environment.pop("INCEPTIONISM_RANDOM_WEIGHTS", None)
    done = subprocess.run([sys.executable, "-m", "inceptionism"] + list(args), env=environment,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    return done.returncode, done.stdout, done.stderr


@pytest.mark.slow
def test_dream_end_to_end_keeps_a_16_bit_rgba_picture_16_bit_rgba(tmp_path, make_picture):
    pixels = make_picture(40, 52, 4, np.uint16)
    source, target = str(tmp_path / "in.png"), str(tmp_path / "out.png")
    images.write_image(source, pixels)
    code, _, err = run_command("dream", source, target, "--random-weights", "--layer",
                               "inception3a", "--octaves", "2", "--iterations", "2", "--seed", "3")
    assert code == 0, err
    result = images.read_image(target)
    assert result.shape == pixels.shape and result.dtype == np.uint16
    assert np.array_equal(result[:, :, 3], pixels[:, :, 3])
    assert not np.array_equal(result[:, :, :3], pixels[:, :, :3])
    assert "RANDOM" in err


def test_a_missing_input_is_one_line_without_traceback(tmp_path):
    code, _, err = run_command("dream", str(tmp_path / "nowhere.png"), str(tmp_path / "out.png"),
                               "--random-weights")
    assert code != 0 and "Traceback" not in err
    assert err.strip().splitlines() == ["inceptionism: Cannot read the picture %s: "
                                        "No such file or directory" % (tmp_path / "nowhere.png")]


def test_layers_lists_every_layer_with_what_it_looks_like():
    code, out, _ = run_command("layers")
    assert code == 0
    for model in catalogue.model_names():
        assert model + ":" in out
        for layer in catalogue.network(model).layers:
            assert "%-14s %s" % (layer.name, layer.look) in out


class Exited(Exception):
    pass


@pytest.mark.parametrize("ray_loaded", [False, True])
def test_the_command_leaves_the_process_at_once_with_its_exit_status_unless_ray_was_loaded(
        monkeypatch, ray_loaded):
    """`inceptionism` skips Python's teardown (0.4 s with torch loaded): os._exit with main's
    status, its output flushed; not after Ray, whose exit hooks must run."""
    def exit_now(code):
        raise Exited(code)
    monkeypatch.setattr(cli.os, "_exit", exit_now)
    monkeypatch.setattr(cli, "main", lambda: 3)
    monkeypatch.setitem(sys.modules, "ray", sys.modules.get("ray", object()))
    if not ray_loaded:
        monkeypatch.delitem(sys.modules, "ray")
        with pytest.raises(Exited) as exited:
            cli.command()
        assert exited.value.args == (3,)
    else:
        assert cli.command() == 3


def test_layers_of_one_model_prints_only_that_model(capsys):
    cli.main(["layers", "--model", "resnet50"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("resnet50:") and len(lines) == 1 + len(catalogue.network("resnet50").layers)
    assert "(default)" in [line for line in lines if "layer3" in line][0]


@pytest.fixture
def small_picture(tmp_path, make_picture):
    path = str(tmp_path / "in.png")
    images.write_image(path, make_picture(24, 24))
    return path


@pytest.mark.parametrize("options,words", [
    (["--layer", "inception9z"], "Layer must be one of conv1"),
    (["--octaves", "0"], "Octaves must be between 1 and 8"),
    (["--step-size", "lots"], "Step-size must be a number"),
    (["--layer", "inception4c:x"], "inception4c:12"),
    (["--layer", "0.5*inception4c+0.5*mixed6c"], "mixed6c to inception_v3"),
    (["--layer", "inception4c+inception5a", "--blend", "0.2"], "not both"),
    (["--colour"], "unrecognized arguments: --colour"),
])
def test_mistakes_are_one_line_on_stderr(small_picture, tmp_path, capsys, options, words):
    try:
        code = cli.main(["dream", small_picture, str(tmp_path / "out.png"), "--random-weights"]
                        + options)
    except SystemExit as exit:  # argparse's own mistakes exit from inside parse_args
        code = exit.code
    err = capsys.readouterr().err
    assert code != 0 and len(err.strip().splitlines()) == 1 and words in err


def test_missing_weights_are_one_line_naming_the_fix(small_picture, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("INCEPTIONISM_HOME", str(tmp_path))
    monkeypatch.delenv("INCEPTIONISM_RANDOM_WEIGHTS", raising=False)
    assert cli.main(["dream", small_picture, str(tmp_path / "out.png")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "install.py" in err[0] and "--weights FILE" in err[0]
    assert "googlenet-1378be20.pth" in err[0] and "--weights-file" not in err[0]


@pytest.mark.parametrize("options,expected", [
    (["--layer", "mixed5b"], {"model": "inception_v3", "layer": "mixed5b"}),
    (["--layer", "inception4c:12"], {"model": "googlenet", "layer": "inception4c", "channel": 12}),
    (["--model", "vgg16"], {"model": "vgg16", "layer": "conv4-3"}),
    (["--layer", "0.7*inception4c+0.3*inception5a"],
     {"layer": "inception4c", "layer-2": "inception5a", "blend": 0.3, "depth-2": "custom"}),
    (["--layer", "conv2-2+conv5-3"],
     {"model": "vgg16", "layer": "conv2-2", "layer-2": "conv5-3", "blend": 0.5}),
    (["--octave-scale", "1.5", "--preserve-colors"],
     {"octave-scale": "1.5", "preserve-colors": True}),
])
def test_options_become_settings_with_model_and_layer_completed(options, expected):
    args = cli.build_parser().parse_args(["dream", "a.png", "b.png"] + options)
    values = cli.dream_values(args)
    assert values == settings.validate("dream", dict(values, **expected))
    for key, value in expected.items():
        assert str(values[key]) == str(value)


@pytest.mark.parametrize("procedure", ["dream", "animate"])
def test_every_dream_setting_is_an_option(capsys, procedure):
    with pytest.raises(SystemExit):
        cli.main([procedure, "--help"])
    help_text = capsys.readouterr().out
    for setting in settings.for_procedure(procedure, cli=True):
        assert "--" + setting.name in help_text


def test_settings_only_the_command_line_offers_stay_out_of_the_dialogs_and_the_engine():
    assert settings.CLI_ONLY == ("frame-range",)
    for procedure in settings.PROCEDURES:
        assert "frame-range" not in [s.name for s in settings.for_procedure(procedure)]
        assert "frame-range" not in settings.defaults(procedure)
    assert "frame-range" in [s.name for s in settings.for_procedure("animate", cli=True)]


def test_mask_and_guide_files(tmp_path, make_picture, capsys):
    pixels = make_picture(32, 40)
    mask = np.zeros((32, 40, 1), np.uint8)
    mask[:, 20:] = 255
    paths = dict((name, str(tmp_path / (name + ".png"))) for name in ("in", "mask", "guide", "out"))
    images.write_image(paths["in"], pixels)
    images.write_image(paths["mask"], mask)
    images.write_image(paths["guide"], make_picture(20, 20, 3, np.uint8, seed=4))
    code = cli.main(["dream", paths["in"], paths["out"], "--random-weights", "--layer",
                     "inception3a", "--octaves", "1", "--iterations", "2",
                     "--mask", paths["mask"], "--guide", paths["guide"]])
    assert code == 0, capsys.readouterr().err
    result = images.read_image(paths["out"])
    assert np.array_equal(result[:, :20], pixels[:, :20])
    assert not np.array_equal(result[:, 20:], pixels[:, 20:])


@pytest.mark.slow
def test_visualize_a_class_from_noise_writes_the_picture(tmp_path):
    target = str(tmp_path / "banana.png")
    code, _, err = run_command("visualize", "--class-name", "banana", target, "--random-weights",
                               "--steps", "2", "--width", "40", "--height", "32")
    assert code == 0, err
    assert images.read_image(target).shape == (32, 40, 3)
    assert "banana" in err and "RANDOM" in err


@pytest.mark.slow
def test_zoom_from_noise_writes_numbered_frames_an_animated_gif_and_an_mp4(tmp_path):
    """The MP4 is written with PyAV: no ffmpeg on the PATH (only the engine's Python's folder)."""
    from PIL import Image
    from inceptionism import video
    target = str(tmp_path / "dive.gif")
    code, _, err = run_command("zoom", "--noise", target, "--random-weights", "--frames", "3",
                               "--width", "40", "--height", "33", "--layer", "conv2",
                               "--octaves", "1", "--iterations", "1", "--frame-ms", "120",
                               PATH=os.path.dirname(sys.executable))
    assert code == 0, err
    assert sorted(os.listdir(str(tmp_path))) == ["dive-0000.png", "dive-0001.png",
                                                 "dive-0002.png", "dive.gif", "dive.mp4"]
    animation = Image.open(target)
    assert (animation.n_frames, animation.size, animation.info["duration"]) == (3, (40, 33), 120)
    clip = video.Clip(str(tmp_path / "dive.mp4"))
    frames = list(clip)
    assert (clip.count, clip.timing.rate) == (3, Fraction(1000, 120))
    assert frames[0].shape == (34, 40, 3)  # yuv420p: the odd height padded by one row


def test_zoom_needs_a_picture_or_noise(tmp_path):
    code, _, err = run_command("zoom", str(tmp_path / "dive.gif"), "--random-weights")
    assert code == 1 and err.strip() == "inceptionism: Give either a picture to dive into or --noise."


@pytest.mark.parametrize("command", ["visualize", "zoom"])
def test_every_setting_of_the_other_commands_is_an_option(command, capsys):
    with pytest.raises(SystemExit):
        cli.main([command, "--help"])
    text = capsys.readouterr().out
    for setting in settings.for_procedure(command):
        assert setting.name == "start" or "--" + setting.name in text


class EngineSpy(object):
    """Stands in for the engine: keeps the settings it is given, answers the picture back."""

    def __init__(self):
        self.received = []

    def dream(self, pixels, values, **_):
        self.received.append(settings.validate("dream", values))  # as the engine validates
        return pixels, {"model": values["model"], "layer": values["layer"], "seconds": 0.0,
                        "device": "cpu", "random_weights": True}

    def zoom(self, values, pixels, on_frame=None, **_):
        self.received.append(settings.validate("zoom", values))
        frame = np.zeros((32, 32, 3), np.uint8)
        on_frame(0, frame)
        return frame, {"model": values["model"], "layer": values["layer"], "seconds": 0.0,
                       "device": "cpu", "random_weights": True}


@pytest.mark.parametrize("command", ["dream", "zoom"])
@pytest.mark.parametrize("model", catalogue.model_names())
def test_a_network_given_alone_dreams_with_its_default_layer(command, model, small_picture,
                                                            tmp_path, monkeypatch):
    spy = EngineSpy()
    monkeypatch.setattr(cli, "_engine", lambda args, values: spy)
    out = str(tmp_path / ("out.png" if command == "dream" else "out.gif"))
    assert cli.main([command, small_picture, out, "--model", model]) == 0
    received = spy.received[0]
    assert (received["model"], received["layer"]) == (model, catalogue.network(model).default_layer)


@pytest.mark.parametrize("model", catalogue.model_names())
def test_a_depth_word_and_a_network_dream_with_that_networks_layer_for_it(model, small_picture,
                                                                         tmp_path, monkeypatch):
    spy = EngineSpy()
    monkeypatch.setattr(cli, "_engine", lambda args, values: spy)
    assert cli.main(["dream", small_picture, str(tmp_path / "o.png"), "--model", model,
                     "--depth", "animals", "--octaves", "3"]) == 0
    received = spy.received[0]
    assert received["layer"] == looks.depth_layer("animals", model)
    assert received["octaves"] == 3  # a value given by hand wins over the words


def test_visualize_help_names_the_class_option_once(capsys):
    with pytest.raises(SystemExit):
        cli.main(["visualize", "--help"])
    help_text = capsys.readouterr().out
    assert "--class-name" in help_text and "--class " not in help_text.replace("--class-name", "")


def test_the_progress_bar_shows_the_end_of_a_quick_dream(capsys):
    """A tiny picture's steps come faster than tqdm redraws: the bar stopped at 67 %."""
    with cli._ProgressBar() as bar:
        for step in (1, 2, 3):
            bar.update(step / 3.0, "octave 1 of 1, step %d of 3" % step, 0.0)
    drawn = capsys.readouterr().err.split("\r")
    assert [state for state in drawn if "100%" in state and "step 3 of 3" in state], drawn
