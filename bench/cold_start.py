"""Worker start times as a plug-in sees them, alone in its own process.

python bench/cold_start.py  prints one JSON line: seconds from starting the worker to its hello
(torch imported, engine made), to the first progress event of a small default dream (network
built, first step done), and, for a second dream on the same running worker, from its request to
its first progress event (what a worker kept warm between dreams would give).

Then the same for the command line: seconds from starting `inceptionism dream` on a 768² picture
to its first progress output (the bar appears with the first step), from the weights file.

Twice: with random weights (what the tests run: seeded initialisation and batch-norm
calibration), and as an artist's worker runs, from a GoogLeNet weights file (the keys and size
of the published one, random values), read, checksummed and loaded; the only difference is that
the stand-in's checksum is computed but not compared with the published file's.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "core"))

from inceptionism import client, protocol  # noqa: E402

SIDE = 128


def first_progress(worker, started):
    """Seconds from started to the first progress event of a small default dream."""
    seen = []
    image = protocol.image_description(SIDE, SIDE, 3, "u8")
    worker.request({"type": "dream", "settings": {}, "image": image}, os.urandom(SIDE * SIDE * 3),
                   on_progress=lambda *report: seen or seen.append(time.perf_counter() - started))
    return seen[0]


def timed_worker(command, env):
    """(hello, cold first progress, warm first progress) seconds of one worker."""
    started = time.perf_counter()
    with client.WorkerClient(command, env=env) as worker:
        hello = time.perf_counter() - started
        cold = first_progress(worker, started)
        warm = first_progress(worker, time.perf_counter())
    return hello, cold, warm


def cli_first_progress(env, folder):
    """Seconds from starting a command-line dream of a 768² picture to its first progress bar."""
    picture = os.path.join(folder, "in.png")
    subprocess.check_call([sys.executable, "-c", "import sys, numpy; from inceptionism import "
                           "images; images.write_image(sys.argv[1], numpy.full((768, 768, 3), "
                           "128, numpy.uint8))", picture], env=env)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, __file__, "--stand-in-cli", "dream", picture,
                                os.path.join(folder, "out.png"), "--iterations", "1"],
                               env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    seen = b""
    while b"%|" not in seen:  # the bar, not the log lines before it
        byte = process.stderr.read(1)
        if not byte:
            raise RuntimeError("the command line failed: %r" % seen)
        seen += byte
    seconds = time.perf_counter() - started
    process.kill()
    process.wait()
    return seconds


def make_stand_in(home):
    """A GoogLeNet weights file where the installed one would be, in home's weights folder."""
    import torch
    from inceptionism import catalogue, models
    entry = catalogue.network("googlenet").weights
    network = models.tvm.googlenet(weights=None, aux_logits=True, init_weights=False)
    os.makedirs(os.path.join(home, "weights"))
    torch.save(network.state_dict(), os.path.join(home, "weights", entry["file"]))
    assert models.weights_path("googlenet").startswith(home)


def stand_in(main):
    """main(), its weights check hashing the stand-in file but not comparing the sum."""
    from inceptionism import paths
    paths.sha256_matches = lambda path, expected: bool(paths.sha256_of(path))
    return main()


def main():
    if sys.argv[1:2] == ["--make-stand-in"]:
        return make_stand_in(os.environ["INCEPTIONISM_HOME"])
    if sys.argv[1:2] == ["--stand-in-worker"]:
        from inceptionism import worker
        return stand_in(lambda: worker.main([]))
    if sys.argv[1:2] == ["--stand-in-cli"]:
        from inceptionism import cli
        return stand_in(lambda: cli.main(sys.argv[2:]))
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "core"))
    random_env = dict(env, INCEPTIONISM_RANDOM_WEIGHTS="1")
    random_weights = timed_worker([sys.executable, "-m", "inceptionism.worker"], random_env)
    home = tempfile.mkdtemp(prefix="inceptionism-bench-")
    try:
        file_env = dict(env, INCEPTIONISM_HOME=home)
        file_env.pop("INCEPTIONISM_RANDOM_WEIGHTS", None)
        subprocess.check_call([sys.executable, __file__, "--make-stand-in"], env=file_env)
        from_file = timed_worker([sys.executable, __file__, "--stand-in-worker"], file_env)
        cli_progress = cli_first_progress(file_env, home)
    finally:
        shutil.rmtree(home)
    names = ("hello_s", "first_progress_s", "warm_first_progress_s")
    result = dict(zip(names, random_weights), cli_first_progress_s=cli_progress)
    result.update(("file_" + name, value) for name, value in zip(names, from_file))
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
