"""The benchmarks keep working: each runs at a tiny size and prints every row it promises.

Only the shape of their output is checked, never a time: speed is reported, not asserted.
"""
import json
import os
import re
import subprocess
import sys

import pytest
import torch

from inceptionism import models

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import variants  # noqa: E402

# What the engine computes in on this machine, asked as the benchmark asks it (the test runs
# the benchmark with the same environment, INCEPTIONISM_COMPUTE_DTYPE included).
COMPUTE_DTYPE = models.fast_dtype("cpu")
DTYPE = str(COMPUTE_DTYPE).replace("torch.", "")


def bench(script, *arguments):
    """What bench/script printed, run as a developer runs it, with the machine's own threads."""
    return subprocess.check_output([sys.executable, os.path.join(ROOT, "bench", script)]
                                   + list(arguments), cwd=ROOT, universal_newlines=True,
                                   stderr=subprocess.DEVNULL)


def table_row(output, first_cell):
    """The cells of the table row that starts with first_cell."""
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[0] == first_cell:
            return cells
    raise AssertionError("no row %r in:\n%s" % (first_cell, output))


def test_dream_speed_prints_the_size_and_ablation_tables():
    output = bench("dream_speed.py", "--sizes", "64", "--iterations", "1", "--repeat", "1",
                   "--ablation-side", "64", "--skip", "threads", "memory", "start")
    # only the ceilings that apply: bfloat16's where the engine computes in it
    peaks = re.search(r"matmul peak: (.*) \(2048", output).group(1)
    expected = "float32" if COMPUTE_DTYPE == torch.float32 else "float32, bfloat16"
    assert ", ".join(re.findall(r"(\w+) \d+ GFLOP/s", peaks)) == expected
    size = table_row(output, "64²")
    assert len(size) == 14
    engine_s, objective = float(size[1]), float(size[11])
    # each reference (cut at the layer, whole network) with its speed-up, printed to two
    # decimals: the ratio agrees with the seconds within that rounding
    for seconds_cell, ratio_cell in ((2, 3), (4, 5)):
        reference_s, speed_up = float(size[seconds_cell]), float(size[ratio_cell].rstrip("x"))
        rounding = speed_up * (0.005 / engine_s + 0.005 / reference_s) + 0.005
        assert abs(speed_up - reference_s / engine_s) <= rounding + 1e-9
    assert 0.5 < objective < 2.0  # both dreams climbed the same objective
    names = variants.ablation_names(COMPUTE_DTYPE)
    assert len(names) >= 8 and ("float32 (no bfloat16)" in names) == (DTYPE == "bfloat16")
    for name in names:
        assert float(table_row(output, name)[1]) > 0


def test_step_profile_accounts_for_the_whole_step():
    output = bench("step_profile.py", "--side", "64", "--steps", "1")
    shares = [float(share) for share in re.findall(r"^  \S.*?\s([\d.]+) %", output, re.M)]
    assert len(shares) == 4 and abs(sum(shares) - 100) < 0.5
    ceilings = re.search(r"the convolutions alone: \d+ GFLOP/s = (.*)", output).group(1)
    assert re.findall(r"\d+ % of the (\w+) ceiling", ceilings) == (
        ["float32"] if COMPUTE_DTYPE == torch.float32 else ["bfloat16", "float32"])


def test_cold_start_reports_cold_and_warm_starts_of_both_workers():
    times = json.loads(bench("cold_start.py").splitlines()[-1])
    for prefix in ("", "file_"):
        hello, first, warm = (times[prefix + name] for name in (
            "hello_s", "first_progress_s", "warm_first_progress_s"))
        assert 0 < hello < first  # the first progress comes after the hello, on one clock
        assert warm > 0
    assert times["cli_first_progress_s"] > 0


@pytest.mark.slow
def test_whole_process_prints_each_contender_with_its_ratios_to_the_engine():
    output = bench("whole_process.py", "--sizes", "64", "--pairs", "1", "--iterations", "1",
                   "--baseline", ROOT)
    rows = dict((cells[1], cells) for cells in (
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in output.splitlines()) if cells[0] == "64²")
    assert sorted(rows) == sorted(["engine", "reference (cut)", "reference (whole network)",
                                   "engine at --baseline"])
    for name, cells in rows.items():
        assert float(cells[2]) > 0 and float(cells[3]) > 0
        assert float(cells[4]) > 0.1  # peak memory, GB: torch alone takes more
        wall, cpu = (float(cell.split("x")[0]) for cell in cells[5:7])
        assert wall > 0 and cpu > 0 and (name != "engine" or wall == cpu == 1.0)


def test_flicker_prints_each_method_with_its_detail_and_the_speed_and_memory():
    output = bench("flicker.py", "--side", "48", "--frames", "3", "--layer", "conv2",
                   "--octaves", "1", "--iterations", "2", "--tries", "1", "--repeat", "1",
                   "--memory-frames", "10", "--memory-side", "48")
    for name in ("independent", "linear blend 0.85", "ours (smooth)"):
        row = table_row(output, name)
        assert float(row[1]) > 0 and float(row[2]) > 0 and float(row[4]) > 0
    assert float(table_row(output, "independent")[3]) == 1.0
    assert re.search(r"ours / blend instability: \d+\.\d\d \(goal", output)
    assert re.search(r"speed: cold frame [\d.]+ s, warm frame [\d.]+ s: warm/cold [\d.]+", output)
    assert re.search(r"memory: peak \d+ MiB after 1 frames of 48², \d+ MiB after 10", output)
