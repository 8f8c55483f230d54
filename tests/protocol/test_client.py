"""The client against fake workers: round trips, progress, cancel, and every way a worker fails.

Each failure must end in its own error code with a message for the artist, and the worker
process must be gone and reaped afterwards.
"""
import os
import resource
import signal
import threading

import pytest

from inceptionism import PROTOCOL_VERSION, client, errors, plugin_support, protocol
from protocol_helpers import TINY, TINY_PIXELS, assert_reaped, dream_request, fake_command


def started(env, mode="engine", **timeouts):
    worker = client.WorkerClient(fake_command(mode), env=env, **timeouts)
    worker.start()
    return worker


def failure_of(worker, action):
    """The InceptionismError action raises; the worker is closed and must be reaped."""
    try:
        with pytest.raises(errors.InceptionismError) as raised:
            action()
    finally:
        worker.close()
    assert_reaped(worker.process)
    assert raised.value.message == errors.CODES[raised.value.code] or raised.value.code in (
        "bad-settings", "worker-timeout")
    return raised.value


@pytest.fixture(scope="module")
def echo_worker(tmp_path_factory):
    """One well-behaved fake worker for the tests that leave it usable."""
    home = str(tmp_path_factory.mktemp("home"))
    env = dict((name, value) for name, value in os.environ.items() if not name.startswith("FAKE_"))
    worker = started(dict(env, INCEPTIONISM_HOME=home))
    yield worker
    worker.close()
    assert_reaped(worker.process)


def test_hello_says_protocol_version_and_engine_state(echo_worker):
    assert echo_worker.hello["protocol"] == PROTOCOL_VERSION
    assert echo_worker.hello["models"] == {"googlenet": "random", "efficientnet_lite0": "present"}
    assert echo_worker.hello["random_weights"]


def test_a_large_rgba_image_round_trips_bit_exact(echo_worker):
    image = protocol.image_description(4000, 3000, 4, "u8")
    pixels = os.urandom(protocol.image_bytes(image))
    header, payload = echo_worker.request(dream_request(1, image), pixels)
    assert header["image"] == image
    assert payload == pixels


def test_progress_and_log_arrive_in_order_before_the_result(echo_worker):
    seen, logged = [], []
    header, _ = echo_worker.request(dream_request(5), TINY_PIXELS,
                                    on_progress=lambda *event: seen.append(event), on_log=logged.append)
    assert logged == ["fake engine: 5 steps"]
    assert [fraction for fraction, _, _ in seen] == [0.2, 0.4, 0.6, 0.8, 1.0]
    assert [stage for _, stage, _ in seen] == ["step %d of 5" % n for n in range(1, 6)]
    assert header["type"] == "result"
    assert header["meta"]["settings"]["iterations"] == 5


def test_one_worker_answers_several_kinds_of_request(echo_worker):
    replies = [echo_worker.request({"type": "ping"})[0]["type"],
               echo_worker.request(dream_request(), TINY_PIXELS)[1],
               sorted(echo_worker.request({"type": "layers"})[0]["layers"])]
    assert replies == ["pong", TINY_PIXELS, ["efficientnet_lite0", "googlenet", "inception_v3",
                                            "resnet50", "vgg16"]]


@pytest.mark.parametrize("request_, payload", [
    ({"type": "dream", "settings": {"layer": "no-such-layer"}, "image": TINY}, TINY_PIXELS),
    (dream_request(), TINY_PIXELS[:-1]),
], ids=["unknown layer", "short payload"])
def test_bad_requests_are_refused_and_the_worker_stays_usable(echo_worker, request_, payload):
    with pytest.raises(errors.InceptionismError) as raised:
        echo_worker.request(request_, payload)
    assert raised.value.code in ("bad-settings", "bad-input")
    assert echo_worker.request({"type": "ping"})[0]["type"] == "pong"


def test_cancel_mid_dream_stops_it_within_a_step(worker_env):
    worker_env["FAKE_STEP_S"] = "0.05"
    seen = []

    def cancel_at_third_step(fraction, stage, eta_s):
        seen.append(fraction)
        if len(seen) == 3:
            worker.cancel()
    worker = started(worker_env)
    with pytest.raises(errors.Cancelled):
        worker.request(dream_request(200), TINY_PIXELS, on_progress=cancel_at_third_step)
    assert len(seen) <= 4
    assert worker.request({"type": "ping"})[0]["type"] == "pong"  # the worker is still usable
    worker.close()
    assert_reaped(worker.process)


def test_a_worker_busy_in_a_long_step_is_stopped_after_the_grace_period(worker_env):
    worker_env["FAKE_STEP_S"] = "3600"
    worker = started(worker_env)
    threading.Timer(0.5, worker.cancel, kwargs={"grace": 0.2}).start()
    with pytest.raises(errors.Cancelled):
        worker.request(dream_request(2), TINY_PIXELS)
    worker.close()
    assert_reaped(worker.process)


def test_command_not_found_means_the_engine_is_missing(worker_env):
    worker = client.WorkerClient(["/nonexistent/venv/bin/python", "-m", "inceptionism.worker"])
    with pytest.raises(errors.InceptionismError) as raised:
        worker.start()
    assert raised.value.code == "worker-missing"
    assert "/nonexistent/venv/bin/python" in raised.value.detail
    assert worker.process is None


def test_a_crash_at_start_reports_the_workers_last_words(worker_env):
    worker = client.WorkerClient(fake_command("crash-at-start"), env=worker_env)
    error = failure_of(worker, worker.start)
    assert error.code == "worker-crashed"
    assert "exit status 3" in error.detail and "could not import its engine" in error.detail


def test_a_worker_killed_mid_run_is_a_crash(worker_env):
    worker_env["FAKE_STEP_S"] = "0.05"
    worker = started(worker_env)
    kill = lambda *progress: os.kill(worker.process.pid, signal.SIGKILL)
    error = failure_of(worker, lambda: worker.request(dream_request(200), TINY_PIXELS, kill))
    assert error.code == "worker-crashed"
    assert "killed by signal %d" % signal.SIGKILL in error.detail


def test_garbage_on_stdout_is_a_protocol_error(worker_env):
    worker = client.WorkerClient(fake_command("garbage"), env=worker_env)
    error = failure_of(worker, worker.start)
    assert error.code == "protocol" and "Loading the netw" in error.detail


def test_a_truncated_frame_is_a_protocol_error(worker_env):
    worker = client.WorkerClient(fake_command("truncated"), env=worker_env)
    error = failure_of(worker, worker.start)
    assert error.code == "protocol" and "ended inside a frame header" in error.detail


def test_another_protocol_version_asks_to_run_install_again(worker_env):
    worker = client.WorkerClient(fake_command("other-protocol"), env=worker_env)
    error = failure_of(worker, worker.start)
    assert error.code == "version-mismatch" and "install.py" in error.message
    assert "99.0" in error.detail


def test_a_worker_that_never_says_hello_times_out(worker_env):
    worker = client.WorkerClient(fake_command("silent"), env=worker_env, start_timeout=1)
    error = failure_of(worker, worker.start)
    assert error.code == "worker-timeout" and "starting" in error.detail


def test_a_worker_that_goes_silent_mid_run_times_out(worker_env):
    worker_env["FAKE_STEP_S"] = "3600"
    worker = started(worker_env, idle_timeout=1)
    error = failure_of(worker, lambda: worker.request(dream_request(2), TINY_PIXELS))
    assert error.code == "worker-timeout" and "working on dream" in error.detail


@pytest.mark.parametrize("failure, code", [("missing-weights", "missing-weights"),
                                           ("memory", "out-of-memory")])
def test_an_engine_error_mid_run_arrives_as_the_same_error(worker_env, failure, code):
    worker_env["FAKE_FAILURE"] = failure
    worker = started(worker_env)
    error = failure_of(worker, lambda: worker.request(dream_request(), TINY_PIXELS))
    assert error.code == code


def test_an_unexpected_engine_error_keeps_its_traceback(worker_env):
    worker_env["FAKE_FAILURE"] = "bug"
    worker = started(worker_env)
    error = failure_of(worker, lambda: worker.request(dream_request(), TINY_PIXELS))
    assert error.code == "internal"
    assert "Traceback" in error.detail and "a key that is not there" in error.detail
    assert "a key that is not there" in worker.stderr_tail()


def test_a_hello_that_declares_16_gib_is_refused_at_once_without_reserving_it(worker_env):
    worker = client.WorkerClient(fake_command("huge-hello"), env=worker_env, start_timeout=60)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    error = failure_of(worker, worker.start)
    assert error.code == "protocol" and "payload" in error.detail
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024  # kB


def test_a_long_silent_step_is_no_timeout_while_the_worker_says_it_works(worker_env):
    """Each step takes 3 s, the client tolerates 1.5 s of silence: the worker's heartbeat (a
    repeated progress frame) keeps the request alive; the stage shown never goes backwards."""
    worker_env.update(FAKE_STEP_S="3", INCEPTIONISM_HEARTBEAT_S="0.4")
    worker = started(worker_env, idle_timeout=1.5)
    seen = []
    try:
        header, _ = worker.request(dream_request(2), TINY_PIXELS,
                                   on_progress=lambda *event: seen.append(event))
    finally:
        worker.close()
    assert header["type"] == "result"
    assert len(seen) > 2 and [fraction for fraction, _, _ in seen] == sorted(f for f, _, _ in seen)


def test_a_timeout_is_reported_as_a_timeout_not_as_a_broken_install(worker_env):
    worker_env["FAKE_STEP_S"] = "3600"
    worker = started(worker_env, idle_timeout=1)
    error = failure_of(worker, lambda: worker.request(dream_request(2), TINY_PIXELS))
    message = plugin_support.user_message(error, "/tmp/x.log")
    assert error.code == "worker-timeout" and "did not answer for 1 s" in message
    assert "install.py" not in message
