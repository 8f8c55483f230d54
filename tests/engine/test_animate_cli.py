"""`inceptionism animate` and `inceptionism dream --out-dir`: real files end to end, a resume
after a crash, a batch that goes on past a bad file and skips what is done."""
import os

import numpy as np
import pytest
from PIL import Image

from inceptionism import cli, images, video
from inceptionism.engine import Engine

LIGHT = ["--random-weights", "--device", "cpu", "--layer", "conv2", "--octaves", "1",
         "--iterations", "2", "--jitter", "4"]


pytestmark = pytest.mark.usefixtures("one_engine")


def write_gif(make_picture, path, count=4, durations=(80, 120, 80, 200)):
    wide = make_picture(24, 32 + 2 * count, seed=2)
    pictures = [Image.fromarray(np.ascontiguousarray(wide[:, 2 * k:2 * k + 32]))
                for k in range(count)]
    pictures[0].save(path, save_all=True, append_images=pictures[1:], duration=list(durations),
                     loop=0)


def test_animate_a_gif_into_a_gif_keeps_frames_and_times(tmp_path, make_picture, capsys):
    source, target = str(tmp_path / "in.gif"), str(tmp_path / "out.gif")
    write_gif(make_picture, source)
    assert cli.main(["animate", source, target, "--flicker", "smooth"] + LIGHT) == 0
    clip = video.Clip(target)
    assert clip.count == 4 and clip.timing.durations == [80, 120, 80, 200]
    assert not np.array_equal(list(clip)[1], list(video.Clip(source))[1])
    assert sorted(os.listdir(str(tmp_path))) == ["in.gif", "out.gif"]  # no work folder left
    assert "4 frames (4 dreamed now)" in capsys.readouterr().err


def test_an_interrupted_animation_goes_on_from_the_frames_kept(tmp_path, make_picture, capsys,
                                                               monkeypatch):
    source = str(tmp_path / "in.gif")
    write_gif(make_picture, source, 5, [100] * 5)
    whole, resumed = str(tmp_path / "whole"), str(tmp_path / "resumed")
    assert cli.main(["animate", source, whole] + LIGHT) == 0
    real_frame = Engine._animation_frame
    calls = []

    def crash_at_the_third(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt()
        return real_frame(self, *args, **kwargs)
    monkeypatch.setattr(Engine, "_animation_frame", crash_at_the_third)
    assert cli.main(["animate", source, resumed] + LIGHT) == 130
    assert "2 dreamed frame(s) are kept" in capsys.readouterr().err
    assert not os.path.exists(resumed)
    monkeypatch.setattr(Engine, "_animation_frame", real_frame)
    assert cli.main(["animate", source, resumed] + LIGHT) == 0
    err = capsys.readouterr().err
    assert "going on from 2 dreamed frame(s)" in err and "(3 dreamed now)" in err
    for a, b in zip(video.Clip(whole), video.Clip(resumed)):
        assert np.array_equal(a, b)


def test_frames_kept_for_other_settings_are_not_reused(tmp_path, make_picture, capsys):
    source, target = str(tmp_path / "in.gif"), str(tmp_path / "out")
    write_gif(make_picture, source, 3, [100] * 3)
    work = cli.WorkFolder(target + cli.WORK_SUFFIX, {"settings": "something else"})
    work.keep(0, make_picture(24, 32), False)
    assert cli.main(["animate", source, target] + LIGHT) == 0
    assert "(3 dreamed now)" in capsys.readouterr().err


def test_flicker_and_coherence_together_are_refused(tmp_path, make_picture, capsys):
    source = str(tmp_path / "in.gif")
    write_gif(make_picture, source, 2, [100, 100])
    code = cli.main(["animate", source, str(tmp_path / "out.gif"), "--flicker", "locked",
                     "--coherence", "0.2"] + LIGHT)
    assert code == 1 and "either --flicker or --coherence" in capsys.readouterr().err


def test_a_batch_goes_on_past_a_bad_file_and_a_rerun_skips_what_is_done(
        tmp_path, make_picture, capsys, monkeypatch, one_engine):
    pictures = []
    for name in ("a.png", "bad.png", "c.jpg"):
        path = str(tmp_path / name)
        pictures.append(path)
        if name == "bad.png":
            open(path, "w").write("not a picture")
        else:
            images.write_image(path, make_picture(24, 28))
    out = str(tmp_path / "dreams")
    assert cli.main(["dream", "--out-dir", out] + pictures + LIGHT) == 1
    err = capsys.readouterr().err
    assert sorted(os.listdir(out)) == ["a.png", "c.png"] and len(one_engine) == 1
    assert err.rstrip().splitlines()[-1].startswith("not dreamed: %s: Cannot read" % pictures[1])
    dreams = []
    real_dream = Engine.dream
    monkeypatch.setattr(Engine, "dream", lambda self, *a, **k: dreams.append(1) or
                        real_dream(self, *a, **k))
    os.remove(os.path.join(out, "c.png"))
    assert cli.main(["dream", "--out-dir", out] + pictures + LIGHT) == 1
    assert len(dreams) == 1 and "1 picture(s) already in" in capsys.readouterr().err
    assert sorted(os.listdir(out)) == ["a.png", "c.png"]


def test_dream_still_takes_in_and_out_and_a_batch_refuses_name_clashes(tmp_path, make_picture,
                                                                       capsys):
    source = str(tmp_path / "in.png")
    images.write_image(source, make_picture(24, 28))
    assert cli.main(["dream", source, str(tmp_path / "out.png")] + LIGHT) == 0
    assert cli.main(["dream", source] + LIGHT) == 1
    assert "IN OUT" in capsys.readouterr().err
    (tmp_path / "other").mkdir()
    clash = str(tmp_path / "other" / "in.jpg")
    images.write_image(clash, make_picture(24, 28))
    assert cli.main(["dream", "--out-dir", str(tmp_path / "d"), source, clash] + LIGHT) == 1
    assert "rename one of them" in capsys.readouterr().err


@pytest.mark.parametrize("name, side", [("tiny.gif", 8), ("tiny.mp4", 2), ("tiny.mkv", 1)])
def test_frames_too_small_for_the_flow_are_dreamed_each_alone_with_one_warning(
        tmp_path, make_picture, capsys, name, side):
    source, target = str(tmp_path / name), str(tmp_path / ("out" + name[-4:]))
    writer = video.Writer(source, video.Timing(None, [100]))
    for seed in range(3):
        writer.add(make_picture(side, side, seed=seed))
    writer.close()
    assert cli.main(["animate", source, target, "--flicker", "smooth"] + LIGHT) == 0
    err = capsys.readouterr().err
    assert err.count("too small to follow the motion") == 1 and "(3 dreamed now)" in err
    assert video.Clip(target).count == 3


def test_a_frame_range_keeps_only_those_frames_and_their_times(tmp_path, make_picture):
    """1:3 as a Python slice: the second and third frames, with their own times; a black mask
    keeps each dreamed frame exactly its source, so the frames can be told apart."""
    source, target, mask = (str(tmp_path / "in.gif"), str(tmp_path / "out.gif"),
                            str(tmp_path / "mask.png"))
    write_gif(make_picture, source)
    images.write_image(mask, np.zeros((24, 32, 1), np.uint8))
    assert cli.main(["animate", source, target, "--frame-range", "1:3", "--mask", mask]
                    + LIGHT) == 0
    clip = video.Clip(target)
    assert clip.count == 2 and clip.timing.durations == [120, 80]
    sources = list(video.Clip(source))
    assert all(np.array_equal(a, b) for a, b in zip(clip, sources[1:3]))
    assert cli.main(["animate", source, str(tmp_path / "end.gif"), "--frame-range", "2:"]
                    + LIGHT) == 0
    assert video.Clip(str(tmp_path / "end.gif")).count == 2


def test_a_frame_range_of_a_video_cuts_its_sound_to_the_same_span(tmp_path, make_picture):
    from test_video import make_video, sound_seconds
    source, target = str(tmp_path / "in.mp4"), str(tmp_path / "out.mp4")
    make_video(source, [make_picture(24, 32, seed=k) for k in range(12)], seconds_of_sound=1.0)
    assert cli.main(["animate", source, target, "--frame-range", "3:9"] + LIGHT) == 0
    assert video.Clip(target).count == 6
    assert abs(sound_seconds(target) - 0.5) < 0.1  # 6 frames at 12 a second; AAC packets


@pytest.mark.parametrize("span, said", [("3:1", "A before B"), ("x:", "not 'x:'"),
                                        ("4", "takes A:B"), ("-1:", "from 0"),
                                        ("9:", "starts at frame 9, but")])
def test_a_frame_range_that_holds_no_frame_is_refused(tmp_path, make_picture, capsys, span, said):
    source = str(tmp_path / "in.gif")
    write_gif(make_picture, source)
    assert cli.main(["animate", source, str(tmp_path / "out.gif"), "--frame-range=" + span]
                    + LIGHT) == 1
    assert said in capsys.readouterr().err
    assert sorted(os.listdir(str(tmp_path))) == ["in.gif"]


def test_frames_kept_for_another_frame_range_are_not_reused(tmp_path, make_picture, capsys):
    source, target = str(tmp_path / "in.gif"), str(tmp_path / "out.gif")
    write_gif(make_picture, source)
    args = cli.build_parser().parse_args(["animate", source, target] + LIGHT)
    key = cli.animation_key(source, cli.dream_values(args, "animate"), None, (0, 4))
    cli.WorkFolder(target + cli.WORK_SUFFIX, key).keep(0, make_picture(24, 32), False)
    assert cli.main(["animate", source, target, "--frame-range", "1:3"] + LIGHT) == 0
    err = capsys.readouterr().err
    assert "going on" not in err and "(2 dreamed now)" in err
