"""The worker process itself, driven frame by frame through its pipes (no client in between)."""
import io
import subprocess

from inceptionism import protocol
from protocol_helpers import TINY_PIXELS, dream_request, fake_command


def spawn(env):
    process = subprocess.Popen(fake_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env)
    assert protocol.read_frame(process.stdout)[0]["type"] == "hello"
    return process


def frames_until_end(stream):
    return [header for header, _ in iter(lambda: protocol.read_frame(stream), None)]


def test_the_end_of_stdin_stops_a_dream_within_a_step_and_exits(worker_env):
    """GIMP kills a plug-in whose progress is cancelled: its worker must not dream on."""
    worker_env["FAKE_STEP_S"] = "0.05"
    process = spawn(worker_env)
    protocol.write_frame(process.stdin, dream_request(200), TINY_PIXELS)
    assert protocol.read_frame(process.stdout)[0]["type"] == "log"
    assert protocol.read_frame(process.stdout)[0]["type"] == "progress"
    process.stdin.close()
    later = frames_until_end(process.stdout)
    assert process.wait() == 0
    assert len(later) < 5 and later[-1]["code"] == "cancelled"
    assert set(header["type"] for header in later[:-1]) <= {"progress"}
    process.stdout.close()
    assert "error cancelled" in read_log(worker_env)
    process.stderr.close()


def test_library_chatter_goes_to_stderr_not_into_the_frames(worker_env):
    process = spawn(worker_env)
    protocol.write_frame(process.stdin, dream_request(1), TINY_PIXELS)
    protocol.write_frame(process.stdin, {"type": "shutdown"})
    replies = frames_until_end(process.stdout)
    assert [header["type"] for header in replies] == ["log", "progress", "result"]
    assert process.wait() == 0
    stderr = process.stderr.read().decode()
    assert "chatter on stdout" in stderr and "chatter straight to file descriptor 1" in stderr
    process.stdin.close(), process.stdout.close(), process.stderr.close()


def test_every_request_leaves_a_line_in_the_log_with_tracebacks_below(worker_env):
    worker_env["FAKE_FAILURE"] = "bug"
    process = spawn(worker_env)
    protocol.write_frame(process.stdin, dict(dream_request(3), id=1), TINY_PIXELS)
    protocol.write_frame(process.stdin, {"type": "ping", "id": 2})
    protocol.write_frame(process.stdin, {"type": "shutdown"})
    replies = frames_until_end(process.stdout)
    process.wait(), process.stdin.close(), process.stdout.close(), process.stderr.close()
    assert [(header["type"], header["id"]) for header in replies] == [
        ("log", 1), ("progress", 1), ("error", 1), ("pong", 2)]
    lines = read_log(worker_env).splitlines()
    assert lines[0].endswith("fake engine: 3 steps")
    assert "dream #1 error internal" in lines[1] and '"iterations": 3' in lines[1]
    assert lines[2].startswith("    Traceback")
    assert "ping #2 ok" in lines[-1]


def test_an_unknown_request_is_answered_with_a_protocol_error(worker_env):
    process = spawn(worker_env)
    protocol.write_frame(process.stdin, {"type": "paint-a-banana", "id": 5})
    protocol.write_frame(process.stdin, {"type": "shutdown"})
    replies = frames_until_end(process.stdout)
    process.wait(), process.stdin.close(), process.stdout.close(), process.stderr.close()
    assert [(header["type"], header["code"], header["id"]) for header in replies] == [
        ("error", "protocol", 5)]


def read_log(env):
    with io.open(env["INCEPTIONISM_HOME"] + "/inceptionism.log", encoding="utf-8") as handle:
        return handle.read()
