"""A plug-in's relay (`worker --keep-warm`) whose warm worker serves the fake engine, started at
a given instant: `python relay_driver.py START_AT IDLE_S` (two started together race)."""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "core"))

from inceptionism import warm, worker  # noqa: E402

# The warm worker the relay starts: isolated as the real one, serving FakeEngine.
warm.BOOT = ("import sys; sys.path.insert(0, sys.argv.pop(1)); sys.path.insert(0, %r); "
             "from fake_engine import FakeEngine; from inceptionism import worker; "
             "sys.exit(worker.serve_socket(FakeEngine, sys.argv[2], float(sys.argv[4])))" % HERE)

if __name__ == "__main__":
    start_at, idle_s = float(sys.argv[1]), sys.argv[2]
    time.sleep(max(0.0, start_at - time.time()))
    sys.exit(worker.main(["--keep-warm", idle_s]))
