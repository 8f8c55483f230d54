"""Which thread settings dream fastest on this machine as it is now (other work included).

OpenMP reads its wait policy once, when a process starts, so each policy gets its own long-lived
process; the parent asks them in turns for one gradient step of the default network, with one
thread and with every core, and prints the medians. Run alone: python bench/thread_policy.py
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# How waiting threads wait: libgomp's default spins a while (300000 turns) then sleeps;
# PASSIVE sleeps at once; a short spin sits between.
POLICIES = {"default": {}, "OMP_WAIT_POLICY=PASSIVE": {"OMP_WAIT_POLICY": "PASSIVE"},
            "GOMP_SPINCOUNT=10000": {"GOMP_SPINCOUNT": "10000"}}


def child(side):
    """Answer each line "<threads>" with the seconds of one gradient step on that many threads."""
    sys.path.insert(0, os.path.join(os.path.dirname(HERE), "core"))
    import torch
    from inceptionism import dream, models, objectives
    network = models.Network("googlenet", models.build("googlenet", random_weights=True),
                             ["inception4c"])
    picture, objective = torch.rand(1, 3, side, side), objectives.layer_l2("inception4c")
    for line in sys.stdin:
        torch.set_num_threads(int(line))
        started = time.perf_counter()
        dream.gradient(picture, network, objective, side)
        print(json.dumps(time.perf_counter() - started), flush=True)


def policy_environment(policy):
    environment = dict((name, value) for name, value in os.environ.items()
                       if name not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT"))
    environment.update(POLICIES[policy])
    return environment


def rows(side, repeat):
    """[policy, threads, median seconds] for each setting, measured in turns."""
    children = dict((policy, subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--child", "--side", str(side)],
        env=policy_environment(policy), stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, universal_newlines=True)) for policy in POLICIES)
    settings = [(policy, threads) for policy in POLICIES for threads in (1, os.cpu_count())]
    times = dict((setting, []) for setting in settings)
    for round_ in range(repeat + 1):  # the first round builds the kernels: not counted
        for policy, threads in settings:
            process = children[policy]
            process.stdin.write("%d\n" % threads)
            process.stdin.flush()
            seconds = json.loads(process.stdout.readline())
            if round_:
                times[(policy, threads)].append(seconds)
    for process in children.values():
        process.stdin.close()
        process.wait()
    return [[policy, threads, statistics.median(times[(policy, threads)])]
            for policy, threads in settings]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=384)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.side)
    print(json.dumps(rows(args.side, args.repeat)))


if __name__ == "__main__":
    main()
