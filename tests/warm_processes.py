"""The warm workers a test left running, found by their command line (Linux /proc)."""
import os


def warm_workers_of(home):
    """The pids of the warm workers serving this data folder (their command has --listen and
    names a path inside it)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as handle:
                words = handle.read().split(b"\0")
        except IOError:
            continue
        if b"--listen" in words and any(home.encode() in word for word in words):
            found.append(int(pid))
    return found
