"""How the benchmarks measure: interleaved repeats, medians, counted FLOPs, the matmul ceiling.

On a shared machine absolute times drift with everyone else's load, so every comparison runs
its contenders in turn, round after round, in one process, and reports medians and ratios.
"""
import copy
import os
import platform
import statistics
import time

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import flop_registry


def interleaved(contenders, repeat):
    """({name: median seconds}, {name: last result}) of each contender() called once per round,
    the rounds one after another, after one untimed round: the first call for each shape builds
    the convolution library's kernels, and contenders sharing shapes would share that cost."""
    times, results = dict((name, []) for name in contenders), {}
    for run in contenders.values():
        run()
    for _ in range(repeat):
        for name, run in contenders.items():
            started = time.perf_counter()
            results[name] = run()
            times[name].append(time.perf_counter() - started)
    return dict((name, statistics.median(seconds)) for name, seconds in times.items()), results


class CountFlops(TorchDispatchMode):
    """Counts the FLOPs of every operation torch's flop counter knows (convolutions forward and
    backward, matrix products), with the formulas of torch.utils.flop_counter."""

    def __init__(self):
        super().__init__()
        self.flops = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        formula = flop_registry.get(func._overloadpacket)
        if formula is not None:
            self.flops += formula(*args, out_val=out, **kwargs)
        return out


def counted_flops(run):
    """FLOPs of run(); given tensors and networks on the meta device (see on_meta) it computes
    shapes only, so a whole dream is counted exactly in a fraction of a second."""
    with CountFlops() as counter:
        run()
    return counter.flops


def on_meta(tensor_or_module):
    """A copy on the meta device: shapes without storage."""
    return copy.deepcopy(tensor_or_module).to("meta")


def matmul_peak(side=2048, dtype=torch.float32, repeat=5):
    """GFLOP/s of the best of several square matrix products: the machine's ceiling now."""
    a, b = torch.randn(side, side, dtype=dtype), torch.randn(side, side, dtype=dtype)
    a @ b
    best = min(_seconds(lambda: a @ b) for _ in range(repeat))
    return 2.0 * side ** 3 / best / 1e9


def ceilings(compute_dtype):
    """{dtype: matmul_peak} of float32 and of compute_dtype: only the ceilings that apply here.
    (A bfloat16 product where the CPU has no bfloat16 instructions is emulated, about 100 times
    slower than float32: measuring that ceiling would take minutes and say nothing.)"""
    return dict((dtype, matmul_peak(dtype=dtype)) for dtype in (torch.float32, compute_dtype))


def ceilings_line(peaks):
    """"matmul peak: float32 N GFLOP/s[, bfloat16 M GFLOP/s] (2048², best of 5)"."""
    return "matmul peak: %s (2048², best of 5)" % ", ".join(
        "%s %.0f GFLOP/s" % (dtype_name(dtype), peak) for dtype, peak in peaks.items())


def dtype_name(dtype):
    return str(dtype).replace("torch.", "")


def _seconds(run):
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def memory_status(field):
    """Bytes of a Linux /proc/self/status field: VmRSS now, VmHWM at its peak. (getrusage's peak
    will not do in a child process: it carries over from the parent that forked it.)"""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024


def machine():
    """One line about the machine, torch's threads and how busy the machine is."""
    model = platform.processor() or platform.machine()
    if os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo") as cpuinfo:
            names = [line.split(":", 1)[1].strip() for line in cpuinfo
                     if line.startswith("model name")]
        model = names[0] if names else model
    return "%s, %d cores, torch %s (%s, %d threads), load average %s" % (
        model, os.cpu_count(), torch.__version__, torch.backends.cpu.get_cpu_capability(),
        torch.get_num_threads(), load_average())


def load_average():
    return "%.1f" % os.getloadavg()[0] if hasattr(os, "getloadavg") else "unknown"
