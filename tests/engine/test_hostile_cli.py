"""The command line against hostile and unlucky input: every sub-command with bad inputs gets a
message of its own naming the file, never a traceback nor the catch-all's line, and nothing
outside OUT and its work folder changes (sha256 and mtime of every file, before and after)."""
import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import hostile_files
from inceptionism import cli, images

pytestmark = pytest.mark.usefixtures("one_engine")
ENGINE = ["--random-weights", "--device", "cpu"]
CORE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "core")
LIGHT = ENGINE + ["--layer", "conv2", "--octaves", "1", "--iterations", "1", "--jitter", "2"]


@pytest.fixture
def folder(tmp_path, make_picture):
    """A folder of inputs: good pictures, an animation, frames, and hostile files."""
    images.write_image(str(tmp_path / "good.png"), make_picture(24, 28))
    images.write_image(str(tmp_path / "other.png"), make_picture(24, 28, seed=3))
    pictures = [Image.fromarray(make_picture(24, 28, seed=k)) for k in range(3)]
    pictures[0].save(str(tmp_path / "clip.gif"), save_all=True, append_images=pictures[1:])
    (tmp_path / "frames").mkdir()
    for k in range(2):
        images.write_image(str(tmp_path / "frames" / ("f%d.png" % k)), make_picture(24, 28))
    (tmp_path / "text.png").write_text("not a picture")
    (tmp_path / "a-file").write_text("a file, not a folder")
    hostile_files.gif_bomb(str(tmp_path / "bomb.gif"), 11000)
    hostile_files.gif_bomb(str(tmp_path / "big.gif"), 9000)
    hostile_files.png16_bomb(str(tmp_path / "bomb16.png"), 20000)
    hostile_files.float_tiff_bomb(str(tmp_path / "float.tif"), 9000)
    os.link(str(tmp_path / "good.png"), str(tmp_path / "hard.png"))
    os.link(str(tmp_path / "good.png"), str(tmp_path / "dive-0001.png"))
    os.symlink(str(tmp_path / "good.png"), str(tmp_path / "soft.png"))
    os.symlink(str(tmp_path / "clip.gif"), str(tmp_path / "clip-link.gif"))
    return tmp_path


def fingerprint(root, leave_out):
    """{path: (sha256 or link target, mtime)} of everything under root but leave_out's paths."""
    seen = {}
    for top, folders, files in os.walk(root):
        for name in folders + files:
            path = os.path.join(top, name)
            if any(path == out or path.startswith(out + os.sep) for out in leave_out):
                continue
            facts = os.lstat(path)
            if os.path.islink(path):
                seen[path] = ("link", os.readlink(path), facts.st_mtime)
            elif os.path.isfile(path):
                with open(path, "rb") as handle:
                    seen[path] = (hashlib.sha256(handle.read()).hexdigest(), facts.st_mtime)
            else:
                seen[path] = ("folder", None)
    return seen


# (command line with {d} for the folder, what stderr must name, OUT (may change)).
CASES = [
    ("dream {d}/missing.png {d}/out.png", "missing.png", "out.png"),
    ("dream {d}/text.png {d}/out.png", "text.png", "out.png"),
    ("dream {d}/bomb.gif {d}/out.png", "bomb.gif", "out.png"),
    ("dream {d}/big.gif {d}/out.png", "big.gif", "out.png"),
    ("dream {d}/bomb16.png {d}/out.png", "bomb16.png", "out.png"),
    ("dream {d}/float.tif {d}/out.png", "float.tif", "out.png"),
    ("dream {d}/good.png {d}/good.png", "good.png", None),
    ("dream {d}/good.png {d}/hard.png", "hard.png", None),
    ("dream {d}/good.png {d}/soft.png", "soft.png", None),
    ("dream {d}/good.png {d}/other.png --mask {d}/other.png", "other.png", None),
    ("dream {d}/good.png {d}/other.png --guide {d}/other.png", "other.png", None),
    ("dream {d}/good.png {d}/out.png --mask {d}/bomb.gif", "bomb.gif", "out.png"),
    ("dream {d}/good.png {d}/a-file/out.png", "a-file/out.png", None),
    ("dream {d}/good.png {d}/no-folder/out.png", "no-folder/out.png", None),
    ("dream {d}/good.png {d}/out.xyz", "out.xyz", None),
    ("dream --out-dir {d} {d}/good.png", "good.png", None),
    ("dream --out-dir {d}/a-file {d}/good.png", "a-file", None),
    ("dream --out-dir {d}/a-file/sub {d}/good.png", "a-file/sub", None),
    ("visualize {d}/good.png --from {d}/good.png", "good.png", None),
    ("visualize {d}/out.png --from {d}/bomb16.png", "bomb16.png", "out.png"),
    ("zoom {d}/good.png {d}/good.png --frames 2", "good.png", None),
    ("zoom {d}/dive-0001.png {d}/dive.gif --frames 2", "dive-0001.png", None),
    ("zoom {d}/z.png {d}/z.gif --frames 2", "z.png", "z"),
    ("zoom {d}/good.png {d}/z.xyz --frames 2", "z.xyz", None),
    ("zoom {d}/bomb.gif {d}/z.gif --frames 2", "bomb.gif", "z"),
    ("animate {d}/clip.gif {d}/clip.gif", "clip.gif", None),
    ("animate {d}/clip.gif {d}/clip-link.gif", "clip-link.gif", None),
    ("animate {d}/frames {d}/frames", "frames", None),
    ("animate {d}/frames {d}/frames/out.gif", "frames/out.gif", None),
    ("animate {d}/frames {d}/out.gif --mask {d}/bomb16.png", "bomb16.png", "out.gif"),
    ("animate {d}/bomb.gif {d}/out.gif", "bomb.gif", "out.gif"),
    ("animate {d}/text.png {d}/out.gif", "text.png", "out.gif"),
    ("animate {d}/clip.gif {d}/out.txt", "out.txt", "out.txt"),
    ("animate {d}/clip.gif {d}", "already holds files", None),
    ("animate {d}/clip.gif {d}/out.gif --mask {d}/out.gif.inceptionism-frames", "frames",
     "out.gif"),
    ("channels {d}/good.png --layer nowhere", "nowhere", None),
    ("channels {d}/gallery.xyz --layer conv2", "gallery.xyz", None),
]


@pytest.mark.parametrize("line, named, out", CASES, ids=[case[0] for case in CASES])
def test_bad_input_gets_its_own_message_and_changes_nothing(folder, capsys, line, named, out):
    argv = line.format(d=folder).split()
    argv += ENGINE if argv[0] in ("channels", "visualize") else LIGHT
    leave_out = [] if out is None else [str(folder / out) + suffix for suffix in
                                         ("", ".mp4", cli.WORK_SUFFIX)]
    leave_out += [str(folder / out) + "-%04d.png" % k for k in range(2)] if out else []
    before = fingerprint(str(folder), leave_out)
    assert cli.main(argv) != 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err
    assert named in err, err
    assert fingerprint(str(folder), leave_out) == before


def test_a_bug_is_one_line_naming_the_log_and_its_traceback_goes_there(
        tmp_path, monkeypatch, capsys, make_picture):
    monkeypatch.setenv("INCEPTIONISM_HOME", str(tmp_path / "home"))
    source = str(tmp_path / "in.png")
    images.write_image(source, make_picture(24, 28))
    monkeypatch.setattr(cli, "_mask", lambda pixels: 1 / 0)
    assert cli.main(["dream", source, str(tmp_path / "out.png"), "--mask", source] + LIGHT) == 1
    err = capsys.readouterr().err.strip().splitlines()
    log = str(tmp_path / "home" / "inceptionism.log")
    assert err == ["inceptionism: " + cli.INTERNAL_TEXT % ("ZeroDivisionError", log)]
    with open(log) as handle:
        assert "Traceback" in handle.read()


def test_a_batch_names_the_bomb_and_dreams_the_rest(folder, capsys):
    out = str(folder / "dreams")
    pictures = [str(folder / name) for name in ("good.png", "bomb16.png", "other.png")]
    assert cli.main(["dream", "--out-dir", out] + pictures + LIGHT) == 1
    assert sorted(os.listdir(out)) == ["good.png", "other.png"]
    last = capsys.readouterr().err.rstrip().splitlines()[-1]
    assert last.startswith("not dreamed: %s: %s is 20000 x 20000" % (pictures[1], pictures[1]))


def test_the_frames_of_a_folder_must_have_one_size(tmp_path, make_picture, capsys):
    for k, (height, width) in enumerate([(24, 28), (24, 28), (20, 28), (24, 30)]):
        images.write_image(str(tmp_path / ("f%d.png" % k)), make_picture(height, width))
    assert cli.main(["animate", str(tmp_path), str(tmp_path) + ".gif"] + LIGHT) == 1
    err = capsys.readouterr().err
    assert "f2.png is 28 x 20 pixels but the first frame" in err and "f0.png" in err
    assert not os.path.exists(str(tmp_path) + ".gif")


def test_pictures_pass_the_budget_up_to_it_and_not_beyond(tmp_path, monkeypatch, make_picture):
    path = str(tmp_path / "p.png")
    images.write_image(path, make_picture(20, 30))
    monkeypatch.setattr(images, "PIXEL_BUDGET", 600)
    assert images.read_image(path).shape == (20, 30, 3)
    monkeypatch.setattr(images, "PIXEL_BUDGET", 599)
    with pytest.raises(cli.InceptionismError) as caught:
        images.read_image(path)
    assert caught.value.code == "bad-input" and "p.png is 30 x 20" in caught.value.message
    images.write_image(path, np.zeros((20, 30, 3), np.uint16))  # the 16-bit path too
    with pytest.raises(cli.InceptionismError):
        images.read_image(path)


def test_refusing_the_bombs_takes_little_memory(folder):
    """The refusals run in a process of their own, whose peak resident size (getrusage, from
    wait4) must stay under 500 MB: nothing is decoded before the header is checked (nor torch
    loaded). A small launcher starts that process: Linux counts a child's memory at its fork
    in its peak, and this test's process holds torch."""
    runs = [["dream", str(folder / name), str(folder / "out.png")]
            for name in ("bomb.gif", "big.gif", "bomb16.png", "float.tif")]
    runs += [["animate", str(folder / "bomb.gif"), str(folder / "out.gif")]]
    refusals = ("import sys\n"
                "from inceptionism import cli\n"
                "print([cli.main(argv + ['--random-weights']) for argv in %r])\n" % runs)
    launcher = ("import os, subprocess, sys\n"
                "child = subprocess.Popen([sys.executable, '-c', %r])\n"
                "print(os.wait4(child.pid, 0)[2].ru_maxrss)\n" % refusals)
    done = subprocess.run([sys.executable, "-c", launcher], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          env=dict(os.environ, PYTHONPATH=CORE))
    codes, peak_kb = done.stdout.rsplit(None, 1)
    assert codes == "[1, 1, 1, 1, 1]" and done.stderr.count("megapixels);") == 5, done.stderr
    print("peak resident size: %d MB" % (int(peak_kb) // 1024))
    assert int(peak_kb) * 1024 < 500e6
