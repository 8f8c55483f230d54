"""Where the command line writes (outputs.py): never through a link it did not make, never a
file it did not write removed, and OUT whole or not at all, on a really full disk."""
import hashlib
import os
import subprocess
import sys

import pytest
from PIL import Image

from inceptionism import cli, images, video

pytestmark = pytest.mark.usefixtures("one_engine")
LIGHT = ["--random-weights", "--device", "cpu", "--layer", "conv2", "--octaves", "1",
         "--iterations", "1", "--jitter", "2"]
CORE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "core")


def write_gif(make_picture, path, count=3, height=24, width=28):
    pictures = [Image.fromarray(make_picture(height, width, seed=k)) for k in range(count)]
    pictures[0].save(path, save_all=True, append_images=pictures[1:], duration=100)


def digest(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def test_a_linked_work_folder_is_refused_and_the_folder_it_points_to_is_untouched(
        tmp_path, make_picture, capsys):
    source, target = str(tmp_path / "in.gif"), str(tmp_path / "out.gif")
    write_gif(make_picture, source)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "frame-00000.png").write_bytes(b"the artist's own frame")
    (victim / cli.WORK_KEY).write_text("{}")
    os.symlink(str(victim), target + cli.WORK_SUFFIX)
    assert cli.main(["animate", source, target] + LIGHT) == 1
    assert "is a link" in capsys.readouterr().err
    assert sorted(os.listdir(str(victim))) == ["frame-00000.png", cli.WORK_KEY]
    assert (victim / "frame-00000.png").read_bytes() == b"the artist's own frame"


def test_a_work_folder_of_other_files_is_refused(tmp_path, make_picture, capsys):
    source, target = str(tmp_path / "in.gif"), str(tmp_path / "out.gif")
    write_gif(make_picture, source)
    frame = tmp_path / ("out.gif" + cli.WORK_SUFFIX) / "frame-00000.png"
    frame.parent.mkdir()
    frame.write_bytes(b"not ours")
    assert cli.main(["animate", source, target] + LIGHT) == 1
    assert "did not write" in capsys.readouterr().err
    assert frame.read_bytes() == b"not ours"


def test_kept_frames_that_are_links_files_of_another_size_or_folders_are_dreamed_again(
        tmp_path, make_picture, capsys, monkeypatch):
    source, target = str(tmp_path / "in.gif"), str(tmp_path / "out")
    write_gif(make_picture, source, count=4)
    outside = tmp_path / "outside.png"
    images.write_image(str(outside), make_picture(24, 28, seed=9))
    before = digest(str(outside))
    key = cli.animation_key(source, cli.dream_values(cli.build_parser().parse_args(
        ["animate", source, target] + LIGHT), "animate"), None, (0, 4))
    work = cli.WorkFolder(target + cli.WORK_SUFFIX, key)
    os.symlink(str(outside), work._name(0))
    images.write_image(work._name(1), make_picture(10, 10))
    os.mkdir(work._name(2))
    with open(work._name(3), "wb") as handle:
        handle.write(b"torn")
    assert cli.main(["animate", source, target] + LIGHT) == 0
    err = capsys.readouterr().err
    assert "(4 dreamed now)" in err and "does not match its source frame" in err
    assert err.count("cannot be read") == 3  # the link, the folder, the torn file
    assert digest(str(outside)) == before
    assert [pixels.shape for pixels in video.Clip(target)] == [(24, 28, 3)] * 4


def run_with_file_limit(script, limit):
    """Run script in a Python of this checkout's engine whose files may grow to limit bytes
    (RLIMIT_FSIZE, SIGXFSZ ignored: a write past it fails as on a full disk)."""
    prelude = ("import resource, signal, sys\n"
               "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
               "def full_disk():\n"
               "    resource.setrlimit(resource.RLIMIT_FSIZE, (%d, %d))\n" % (limit, limit))
    env = dict(os.environ, PYTHONPATH=CORE)
    return subprocess.run([sys.executable, "-c", prelude + script], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)


def test_a_full_disk_leaves_the_old_picture_and_says_so_in_one_line(tmp_path, make_picture):
    source, target = str(tmp_path / "in.png"), str(tmp_path / "out.png")
    images.write_image(source, make_picture(96, 96))
    images.write_image(target, make_picture(8, 8))
    old = digest(target)
    done = run_with_file_limit(
        "from inceptionism import cli\n"
        "full_disk()\n"
        "sys.exit(cli.main(%r))\n" % (["dream", source, target] + LIGHT), 4096)
    last = done.stderr.strip().splitlines()[-1]
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert last == "inceptionism: Cannot write %s: File too large" % target
    assert digest(target) == old and sorted(os.listdir(str(tmp_path))) == ["in.png", "out.png"]


def test_a_full_disk_while_a_video_is_written_keeps_the_old_one_and_the_dreamed_frames(
        tmp_path, make_picture):
    source, target = str(tmp_path / "in.gif"), str(tmp_path / "out.mp4")
    write_gif(make_picture, source, count=6, height=64, width=64)
    with open(target, "wb") as handle:
        handle.write(b"the old video")
    done = run_with_file_limit(
        "from inceptionism import cli, video\n"
        "start = video.Writer.__init__\n"
        "def full_disk_first(self, *args, **kwargs):\n"
        "    full_disk()\n"
        "    start(self, *args, **kwargs)\n"
        "video.Writer.__init__ = full_disk_first\n"
        "sys.exit(cli.main(%r))\n" % (["animate", source, target] + LIGHT), 2048)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    said = done.stderr.strip().splitlines()[-2:]
    assert said[0].startswith("6 dreamed frame(s) are kept in %s%s" % (target, cli.WORK_SUFFIX))
    assert said[1] == "inceptionism: Cannot write %s: File too large" % target
    assert open(target, "rb").read() == b"the old video"
    assert sorted(os.listdir(str(tmp_path))) == ["in.gif", "out.mp4", "out.mp4" + cli.WORK_SUFFIX]
