"""The default dream as whole cold processes: `inceptionism dream` against the plain reference.

    python bench/whole_process.py [--sizes 768 1024] [--pairs 3] [--iterations 10]
                                  [--baseline OTHER_CHECKOUT]

What an artist waits for from the command line, start-up included: each contender is a fresh
process (`python -m inceptionism dream IN OUT --random-weights`, `python
bench/reference_dream.py IN OUT`, the reference stopped at the dreamed layer, and the same run
to the classifier), run in turns, round after round, the order turning each round so that no
contender is always first. Prints for each size and contender the median wall and CPU seconds
(the operating system's accounting of the finished process), its peak memory, and its wall and
CPU time over the engine's, pair by pair (median, min to max): on a shared machine
only ratios of runs made side by side mean anything. --baseline adds the engine of another
checkout (its core/ folder), to see what a change gives. Random weights for every contender
(speed does not depend on them); the environment passes through, so the AVX2 float32 path is
measured with ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2
INCEPTIONISM_COMPUTE_DTYPE=float32 in front (docs/performance.md).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "core"))
sys.path.insert(0, HERE)


def write_picture(side, path):
    """variants.photo_like as a PNG file (in a child process: no torch in this one)."""
    subprocess.check_call([sys.executable, "-c", (
        "import sys; sys.path[:0] = sys.argv[3:]\n"
        "from inceptionism import images; import variants\n"
        "picture = variants.photo_like(int(sys.argv[1]))[0].permute(1, 2, 0).numpy()\n"
        "images.write_image(sys.argv[2], images.encode(picture, __import__('numpy').uint8))"),
        str(side), path, os.path.join(ROOT, "core"), HERE])


def contenders(picture, folder, iterations, baseline):
    """{name: (command, PYTHONPATH)} of one size."""
    out = os.path.join(folder, "out.png")
    engine = [sys.executable, "-m", "inceptionism", "dream", picture, out, "--random-weights",
              "--iterations", str(iterations)]
    reference = [sys.executable, os.path.join(HERE, "reference_dream.py"), picture, out,
                 "--iterations", str(iterations)]
    made = {"engine": (engine, os.path.join(ROOT, "core")),
            "reference (cut)": (reference, os.path.join(ROOT, "core")),
            "reference (whole network)": (reference + ["--whole"], os.path.join(ROOT, "core"))}
    if baseline:
        made["engine at --baseline"] = (engine, os.path.join(os.path.abspath(baseline), "core"))
    return made


def run(command, pythonpath):
    """(wall seconds, CPU seconds, peak resident bytes) of command as a whole process."""
    env = dict(os.environ, PYTHONPATH=pythonpath)
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    error = process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError("%s failed: %s" % (" ".join(command), error[-2000:]))
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def measure(made, pairs):
    """{name: [(wall, cpu, peak)] per round}, after one untimed round (page cache, disk)."""
    names = list(made)
    for name in names:
        run(*made[name])
    results = dict((name, []) for name in names)
    for round_ in range(pairs):
        turn = names[round_ % len(names):] + names[:round_ % len(names)]
        for name in turn:
            results[name].append(run(*made[name]))
    return results


def size_rows(side, results):
    engine_walls, engine_cpus, _ = zip(*results["engine"])
    rows = []
    for name, runs in results.items():
        walls, cpus, peaks = zip(*runs)
        rows.append(["%d²" % side, name, "%.2f" % statistics.median(walls),
                     "%.2f" % statistics.median(cpus), "%.2f" % (max(peaks) / 1e9),
                     ratios(walls, engine_walls), ratios(cpus, engine_cpus)])
    return rows


def ratios(mine, engine):
    """"median (min to max)" of mine / engine's, pair by pair."""
    pairs = [a / b for a, b in zip(mine, engine)]
    return "%.2fx (%.2f to %.2f)" % (statistics.median(pairs), min(pairs), max(pairs))


def main():
    from dream_speed import table
    from measure import load_average, machine
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[768, 1024])
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--baseline", metavar="CHECKOUT",
                        help="also time the engine of this other checkout")
    args = parser.parse_args()
    print(machine())
    print("default dream, %d iterations, whole processes in turns, %d rounds after an untimed "
          "one; the ratio is the contender's wall time over the engine's, pair by pair"
          % (args.iterations, args.pairs))
    rows = []
    folder = tempfile.mkdtemp(prefix="inceptionism-bench-")
    try:
        for side in args.sizes:
            picture = os.path.join(folder, "in-%d.png" % side)
            write_picture(side, picture)
            load = load_average()
            results = measure(contenders(picture, folder, args.iterations, args.baseline),
                              args.pairs)
            rows += [row + ["%s to %s" % (load, load_average())]
                     for row in size_rows(side, results)]
    finally:
        shutil.rmtree(folder)
    print(table(["size", "contender", "wall s", "CPU s", "peak GB", "÷ engine, wall",
                 "÷ engine, CPU", "load"], rows))


if __name__ == "__main__":
    main()
