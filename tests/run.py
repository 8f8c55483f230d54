#!/usr/bin/env python3
"""The one test command:  python3 tests/run.py [pytest arguments]

First brings the engine's venv up to date with this checkout (install.py --dev --no-gimp
--no-weights: pip runs only when the requirements changed), then runs pytest in it from the
repository's top folder, so paths in the arguments are relative to it. Exits with pytest's
status. "No tests collected" is a failure too: a filter that matches nothing must not look green.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import install  # noqa: E402

NO_TESTS_COLLECTED = 5
SUMMARY = re.compile(r"\b(passed|failed|errors?|skipped|xfailed|xpassed|deselected|no tests ran)"
                     r"\b.* in [\d.]+s")


def prepare_venv():
    """install.py's exit status; it leaves the venv running this checkout's code."""
    return subprocess.call([sys.executable, os.path.join(ROOT, "install.py"),
                            "--dev", "--no-gimp", "--no-weights"])


def run_pytest(args):
    """Stream pytest's output; return its exit status and its summary line."""
    python = install.venv_python(install.paths.venv_dir())
    colour = ["--color=yes"] if sys.stdout.isatty() else []
    process = subprocess.Popen([python, "-m", "pytest"] + colour + args, cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    summary = ""
    for raw in iter(process.stdout.readline, b""):
        line = raw.decode("utf-8", "replace")
        sys.stdout.write(line)
        sys.stdout.flush()
        if SUMMARY.search(line):
            summary = re.sub(r"\x1b\[[0-9;]*m|=", "", line).strip()
    return process.wait(), summary


def main(args):
    status = prepare_venv()
    if status:
        print("tests/run.py: install.py failed (exit status %d); see above" % status)
        return status
    status, summary = run_pytest(args)
    if status == NO_TESTS_COLLECTED:
        print("tests/run.py: FAILED, pytest collected no tests: check the paths and the -k/-m "
              "expressions")
    else:
        print("tests/run.py: %s (pytest exit status %d)" % (summary or "no summary", status))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
