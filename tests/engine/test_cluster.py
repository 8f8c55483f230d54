"""--cluster on a local Ray started here: chunks with a lead-in match one machine's run, a
worker killed mid-chunk loses nothing, an interrupted job goes on from its finished frames, and
without Ray the option says in one line what to install."""
import os
import sys

import numpy as np
import pytest

from inceptionism import cli, cluster, protocol, video
from inceptionism.engine import Engine

ray = pytest.importorskip("ray", reason="the cluster extra is part of the test venv (--dev)")

LIGHT = ["--random-weights", "--device", "cpu", "--layer", "conv2", "--octaves", "1",
         "--iterations", "2", "--jitter", "4"]
SETTINGS = {"model": "googlenet", "layer": "conv2", "octaves": 1, "iterations": 2, "jitter": 4}
FRAMES = 12


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray started as local:2 starts it, for the module (starting one costs seconds):
    each worker runs torch on one thread, and so does the single-machine run it is compared
    with; the clusters the tests open use it and leave it running."""
    started = cluster.Cluster("local:2", device="cpu")
    yield ray
    started.close()


def listening_addresses(pids):
    """The (address, port) of every TCP socket that the processes pids listen on (/proc)."""
    inodes = set()
    for pid in pids:
        try:
            for name in os.listdir("/proc/%d/fd" % pid):
                target = os.readlink("/proc/%d/fd/%s" % (pid, name))
                if target.startswith("socket:["):
                    inodes.add(target[len("socket:["):-1])
        except OSError:
            continue  # a process that ended meanwhile
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                local, state, inode = fields[1], fields[3], fields[9]
                if state == "0A" and inode in inodes:  # 0A: LISTEN
                    address, port = local.split(":")
                    found.append((address, int(port, 16)))
    return found


def descendants(pid):
    children = set()
    for task in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/children" % (pid, task)) as handle:
            children.update(int(child) for child in handle.read().split())
    return set().union(children, *[descendants(child) for child in children])


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="reads Linux's /proc")
@pytest.mark.slow
def test_local_ray_listens_on_this_machine_only_without_a_dashboard(local_ray):
    """local:N must not open the engine to the network: Ray's ports have no user check."""
    import socket
    listening = listening_addresses(descendants(os.getpid()))
    assert len(listening) >= 3  # the GCS, the raylet and the workers at least
    loopback = ("0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000")
    assert all(address in loopback for address, _ in listening), listening
    assert local_ray.util.get_node_ip_address() == "127.0.0.1"
    with socket.socket() as probe:  # the dashboard's port is closed
        assert probe.connect_ex(("127.0.0.1", 8265)) != 0
    token = os.path.join(os.path.expanduser("~"), ".ray", "auth_token")
    assert os.environ["RAY_AUTH_MODE"] == "token" and os.stat(token).st_mode & 0o077 == 0


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_each_worker_runs_torch_on_its_share_of_the_cores(local_ray, workers):
    """local:N on C cores: each of the N workers' engines runs torch on C/N threads, so that
    together they use every core and do not fight over them."""
    cores = int(local_ray.cluster_resources()["CPU"])
    with cluster.Cluster("local:%d" % workers, device="cpu", random_weights=True) as spread:
        actor = spread.new_actor()
        threads = local_ray.get(actor.__ray_call__.remote(
            lambda engine_actor: __import__("torch").get_num_threads()))
        local_ray.kill(actor)
    assert threads == spread.placement["num_cpus"] == max(1, cores // workers)


@pytest.fixture
def one_thread():
    import torch
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def panned_frames(picture, count=FRAMES, height=24, width=32):
    """count frames of a picture (conftest's make_picture) panning right 2 pixels a frame."""
    wide = picture(height, width + 2 * count, seed=3)
    return [np.ascontiguousarray(wide[:, 2 * k:2 * k + width]) for k in range(count)]


def write_folder(path, frames):
    os.makedirs(path)
    writer = video.Writer(path, video.Timing(None, [100]))
    for frame in frames:
        writer.add(frame)
    writer.close()


def one_machine(frames, values):
    dreamed = {}
    Engine(device="cpu", random_weights=True).animate(
        ((pixels, None) for pixels in frames), values, len(frames),
        on_frame=lambda index, pixels, reused: dreamed.__setitem__(index, pixels))
    return [dreamed[index] for index in range(len(frames))]


def on_cluster(frames, values, chunk_frames=4, lead_in=2, crossfade=0, lost=None,
               on_frame=None):
    """(dreamed frames by index, the plan) with two workers."""
    values = protocol.checked_settings("animate", values)
    plan, dreamed = cluster.Plan(len(frames), chunk_frames, lead_in, crossfade), {}

    def keep(index, pixels, seconds):
        assert index not in dreamed, "frame %d came back twice" % index
        dreamed[index] = pixels
        if on_frame is not None:
            on_frame(index)
    with cluster.Cluster("local:2", device="cpu", random_weights=True) as workers:
        cluster.animate_on_cluster(workers, iter(frames), plan, values, None,
                                   lambda index: None, keep, log=lost)
    return [dreamed[index] for index in range(len(frames))], plan


@pytest.mark.slow
def test_chunks_at_coherence_0_are_the_frames_of_one_run(make_picture, local_ray, one_thread):
    frames, values = panned_frames(make_picture), dict(SETTINGS, coherence=0.0)
    spread, plan = on_cluster(frames, values, crossfade=2)
    assert [plan.chunk(k) for k in range(3)] == [(0, 0, 4, 6), (2, 4, 8, 10), (6, 8, 12, 12)]
    assert [index for index in range(FRAMES) if plan.blended(index)] == [4, 5, 8, 9]
    for index, (alone, together) in enumerate(zip(one_machine(frames, values), spread)):
        assert np.array_equal(alone, together), "frame %d differs" % index


@pytest.mark.slow
def test_chunks_with_coherence_follow_one_run_within_a_level(make_picture, local_ray,
                                                              one_thread):
    """At coherence 0.5 three lead-in frames are enough here (two were not, by a hair, on an AVX2
    CPU in float32); the higher the coherence, the longer a chunk's cold start lingers, and the
    longer the lead-in it needs (docs/cluster.md)."""
    frames, values = panned_frames(make_picture), dict(SETTINGS, coherence=0.5)
    spread, _ = on_cluster(frames, values, lead_in=3)
    alone = one_machine(frames, values)
    differences = [np.abs(a.astype(float) - b.astype(float)).mean() for a, b in zip(alone, spread)]
    assert max(differences) <= 1.0, differences  # a mean of at most 1/255
    assert differences[4] > 0 or differences[8] > 0  # the chunks did start from a lead-in
    without_lead_in, _ = on_cluster(frames, values, lead_in=0)
    cold = [np.abs(a.astype(float) - b.astype(float)).mean()
            for a, b in zip(alone, without_lead_in)]
    assert cold[4] > differences[4]  # the lead-in is what carries coherence across


@pytest.mark.slow
def test_a_worker_killed_mid_chunk_loses_and_repeats_nothing(make_picture, local_ray, one_thread,
                                                              monkeypatch):
    frames, values = panned_frames(make_picture), dict(SETTINGS, coherence=0.9)
    expected, _ = on_cluster(frames, values, chunk_frames=6, crossfade=2)
    actors, lost = [], []
    real_new_actor = cluster.Cluster.new_actor
    monkeypatch.setattr(cluster.Cluster, "new_actor",
                        lambda self: actors.append(real_new_actor(self)) or actors[-1])

    def kill_the_first_worker(index):
        if len(actors) == 2:  # both are at work, each on a chunk of 6 frames or more
            ray.kill(actors[0])
    spread, _ = on_cluster(frames, values, chunk_frames=6, crossfade=2, lost=lost.append,
                           on_frame=kill_the_first_worker)
    assert len(actors) >= 3 and any("lost" in line for line in lost), lost
    for index, (a, b) in enumerate(zip(expected, spread)):
        assert np.array_equal(a, b), "frame %d differs after the worker died" % index


@pytest.mark.slow
def test_an_interrupted_cluster_job_goes_on_from_its_finished_frames(make_picture, local_ray,
                                                                      tmp_path, capsys,
                                                                      monkeypatch):
    source = str(tmp_path / "frames")
    write_folder(source, panned_frames(make_picture))
    whole, resumed = str(tmp_path / "whole"), str(tmp_path / "resumed")
    spread = ["--cluster", "local:2", "--chunk-frames", "4", "--lead-in", "2",
              "--crossfade", "2"] + LIGHT
    assert cli.main(["animate", source, whole] + spread) == 0
    assert "(12 dreamed now)" in capsys.readouterr().err
    real_keep, kept = cli.WorkFolder.keep, []

    def interrupted(self, index, pixels, reused):
        if len(kept) == 5:
            raise KeyboardInterrupt()
        kept.append(index)
        real_keep(self, index, pixels, reused)
    monkeypatch.setattr(cli.WorkFolder, "keep", interrupted)
    assert cli.main(["animate", source, resumed] + spread) == 130
    monkeypatch.setattr(cli.WorkFolder, "keep", real_keep)
    capsys.readouterr()
    assert cli.main(["animate", source, resumed] + spread) == 0
    assert "(7 dreamed now)" in capsys.readouterr().err
    for index, (a, b) in enumerate(zip(video.Clip(whole), video.Clip(resumed))):
        assert np.array_equal(a, b), "frame %d differs after the resume" % index


@pytest.mark.slow
def test_a_batch_on_the_cluster_dreams_each_picture_and_reports_a_bad_one(make_picture, local_ray,
                                                                         tmp_path, capsys):
    from PIL import Image
    pictures = []
    for name in ("a", "b", "c"):
        pictures.append(str(tmp_path / (name + ".png")))
        Image.fromarray(make_picture(24, 32, seed=len(pictures))).save(pictures[-1])
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")
    out = str(tmp_path / "out")
    assert cli.main(["dream", "--out-dir", out, "--cluster", "local:2"] + LIGHT + pictures
                    + [str(broken)]) == 1
    err = capsys.readouterr().err
    assert sorted(os.listdir(out)) == ["a.png", "b.png", "c.png"]
    assert "not dreamed: %s" % broken in err


def test_without_ray_the_option_names_the_extra_in_one_line(make_picture, tmp_path, capsys,
                                                              monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now fails, as when not installed
    source = str(tmp_path / "frames")
    write_folder(source, panned_frames(make_picture, 2))
    with pytest.raises(SystemExit) as exit:
        cli.main(["animate", source, str(tmp_path / "out"), "--cluster", "local:2"] + LIGHT)
    assert exit.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and 'pip install "inceptionism[cluster]"' in lines[0]
    assert not os.path.exists(str(tmp_path / "out"))


def test_cluster_addresses():
    assert cluster.parse_address("local:3") == ("local", 3)
    assert cluster.parse_address("auto") == ("auto", None)
    assert cluster.parse_address("ray://head:10001") == ("remote", "ray://head:10001")
    for wrong in ("local:0", "local:x", "head:10001", ""):
        with pytest.raises(cluster.InceptionismError):
            cluster.parse_address(wrong)


def test_one_picture_is_not_spread(tmp_path, capsys):
    assert cli.main(["dream", "in.png", str(tmp_path / "out.png"), "--cluster", "local:2"]
                    + LIGHT) == 1
    assert "--out-dir" in capsys.readouterr().err


def test_local_ray_keeps_its_session_in_a_private_folder(local_ray):
    """Ray makes its folders 0777 (sockets/, logs/, the folder it is given): under /tmp/ray
    another user could swap a socket there. local:N puts them all inside a private mkdtemp
    (0700), short enough for Ray's socket paths; and Ray still starts there."""
    import stat
    session = local_ray._private.worker._global_node.get_session_dir_path()
    private = os.path.dirname(os.path.dirname(session))
    facts = os.lstat(private)
    assert stat.S_IMODE(facts.st_mode) == 0o700 and facts.st_uid == os.getuid()
    assert os.path.basename(private).startswith("ray-") and len(private) < 40
    made = [top for top, _, _ in os.walk(os.path.dirname(session))]
    print("Ray's folders inside %s:" % private, sorted(
        (os.path.relpath(path, private), oct(stat.S_IMODE(os.lstat(path).st_mode)))
        for path in made))
    assert len(made) > 3 and all(path.startswith(private + os.sep) for path in made)
    assert local_ray.get(local_ray.remote(lambda: 1).remote()) == 1  # Ray runs from there
