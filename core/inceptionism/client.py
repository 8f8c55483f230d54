"""Starts the engine's worker process and talks to it: the plug-ins' only way to the engine.

Standard library only, runs unchanged on Python 2.7 (GIMP 2.10) and 3.x (GIMP 3). Every way the
worker can fail (missing, crashed, silent, babbling, another version) ends in an
errors.InceptionismError with a message for the artist, and the process is always reaped.
"""
import os
import subprocess
import threading
import time

try:
    import queue
except ImportError:  # Python 2.7
    import Queue as queue

from . import PROTOCOL_VERSION, __version__, errors, protocol

STDERR_TAIL_BYTES = 8192
CANCEL_GRACE_S = 3.0
CLOSE_GRACE_S = 5.0
_NO_CONSOLE_WINDOW = 0x08000000 if os.name == "nt" else 0
# A worker that waits or works says so at least every few seconds (worker.HEARTBEAT_S), so a
# silence this long is a stuck engine or machine, never a broken install.
TIMEOUT_MESSAGE = ("The Inceptionism engine did not answer for %d s. The computer may be very "
                   "busy; try again.")


class WorkerClient(object):
    """One worker process: start() it, send request()s, close() it (or use `with`).

    start_timeout bounds the wait for the worker's hello; idle_timeout bounds the silence
    between two frames of a request (progress frames count), so a hung worker is noticed.
    """

    def __init__(self, command, env=None, start_timeout=120.0, idle_timeout=600.0):
        self.command = list(command)
        self.env = env
        self.start_timeout = start_timeout
        self.idle_timeout = idle_timeout
        self.hello = None
        self.process = None
        self._frames = queue.Queue()
        self._stderr_tail = bytearray()
        self._threads = []
        self._send_lock = threading.Lock()
        self._process_lock = threading.Lock()
        self._last_id = 0
        self._current_id = None
        self._cancelled = False
        self._aborted = False
        self._watchdog = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.close()

    def start(self):
        """Spawn the worker and return its hello once the protocol versions are known to match."""
        self._spawn()
        header, _ = self._next_frame(self.start_timeout, "starting")
        if header["type"] == "error":
            self._fail(protocol.error_from_header(header))
        if header["type"] != "hello":
            self._fail(protocol.ProtocolError("the first frame is %r, not hello" % header["type"]))
        if header.get("protocol") != PROTOCOL_VERSION:
            self._fail(errors.InceptionismError("version-mismatch", None, (
                "the plug-in (version %s) speaks protocol %s, the engine (version %s) speaks %s"
                % (__version__, PROTOCOL_VERSION, header.get("version"), header.get("protocol")))))
        self.hello = header
        return header

    def request(self, message, payload=b"", on_progress=None, on_log=None, on_frame=None):
        """Send a request and return its answer (header, payload).

        on_progress(fraction, stage, eta_s), on_log(text) and on_frame(header, payload) (each
        finished frame of a zoom dive) see the frames on the way; an error frame is raised as the
        InceptionismError the worker sent.
        """
        self._last_id += 1
        self._current_id, self._cancelled = self._last_id, False
        try:
            self._send(dict(message, id=self._current_id), payload)
            while True:
                header, data = self._next_frame(self.idle_timeout, "working on " + message["type"])
                kind = header["type"]
                if kind == "progress":
                    if on_progress:
                        on_progress(*self._progress_of(header))
                elif kind == "log":
                    if on_log:
                        on_log(header.get("text", ""))
                elif kind == "frame":
                    if on_frame:
                        on_frame(header, data)
                elif kind == "error":
                    raise protocol.error_from_header(header)
                else:
                    return header, data
        finally:
            self._current_id = None
            if self._watchdog:
                self._watchdog.cancel()

    def _progress_of(self, header):
        """(fraction, stage, eta_s) of a progress frame, or a protocol error if they are not."""
        fraction, stage, eta_s = header.get("fraction"), header.get("stage") or "", header.get("eta_s")
        numbers = (int, float)
        if (not isinstance(fraction, numbers) or not isinstance(stage, (type(u""), str))
                or not (eta_s is None or isinstance(eta_s, numbers))):
            self._fail(protocol.ProtocolError("a progress frame that makes no sense: %s"
                                              % protocol.clip(repr(header))))
        return max(0.0, min(1.0, float(fraction))), stage, eta_s

    def stream(self, header, payload=b""):
        """Send a frame that belongs to the request under way (an animation's next source frame),
        e.g. from on_frame."""
        self._send(dict(header, id=self._current_id), payload)

    def cancel(self, grace=CANCEL_GRACE_S):
        """Ask the worker to stop the current request; stop the worker if it has not within grace.

        Safe from another thread or from an on_progress callback; request() then raises Cancelled.
        """
        request_id = self._current_id
        if request_id is None:
            return
        self._cancelled = True
        try:
            self._send({"type": "cancel", "id": request_id})
        except errors.InceptionismError:
            pass  # already gone: request() sees the end of the stream
        self._watchdog = threading.Timer(grace, self._stop_if_still_running, (request_id, grace))
        self._watchdog.daemon = True
        self._watchdog.start()

    def abort(self):
        """Stop the worker now, from any thread, even before or while it starts: start() and
        request() then raise Cancelled at once (a dialog's Cancel must never wait for a hello)."""
        with self._process_lock:
            self._cancelled = self._aborted = True
            started = self.process is not None
        if started:
            self._stop_process(0)

    def close(self):
        """Ask the worker to leave, make sure it has, and reap it: never leaves a zombie."""
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                self._send({"type": "shutdown"})
            except errors.InceptionismError:
                pass  # it died meanwhile: nothing left to ask
        _close_quietly(self.process.stdin)
        if not _wait(self.process, CLOSE_GRACE_S):
            self._stop_process(CANCEL_GRACE_S)
        for thread, stream in zip(self._threads, (self.process.stdout, self.process.stderr)):
            thread.join(1.0)
            if not thread.is_alive():  # a grandchild may still hold the pipe open
                stream.close()

    def stderr_tail(self):
        """The last few kilobytes the worker wrote to stderr, as text."""
        return bytes(self._stderr_tail).decode("utf-8", "replace")

    def _spawn(self):
        try:
            with self._process_lock:
                if self._aborted:
                    raise errors.Cancelled()
                self.process = subprocess.Popen(
                    self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, env=self.env, bufsize=-1, close_fds=os.name != "nt",
                    creationflags=_NO_CONSOLE_WINDOW)
        except (OSError, ValueError, IndexError) as exc:
            raise errors.InceptionismError("worker-missing", None, "cannot start %s: %s"
                                           % (" ".join(self.command) or "(empty command)", exc))
        self._threads = [_daemon(self._read_frames), _daemon(self._drain_stderr)]

    def _read_frames(self):
        try:
            while True:
                frame = protocol.read_frame(self.process.stdout, resync=False)
                self._frames.put(frame)
                if frame is None:
                    return
        except protocol.ProtocolError as exc:
            self._frames.put(exc)
        except (IOError, OSError, ValueError):  # the pipe was closed under us
            self._frames.put(None)

    def _drain_stderr(self):
        read = lambda: os.read(self.process.stderr.fileno(), 4096)
        for chunk in iter(read, b""):
            self._stderr_tail += chunk
            del self._stderr_tail[:-STDERR_TAIL_BYTES]

    def _send(self, header, payload=b""):
        try:
            with self._send_lock:
                protocol.write_frame(self.process.stdin, header, payload)
        except (IOError, OSError, ValueError):
            self._fail(self._ended("sending " + header["type"]))

    def _next_frame(self, timeout, doing):
        """The next frame, or raise what the worker's silence, garbage or death means."""
        try:
            frame = self._frames.get(timeout=timeout)
        except queue.Empty:
            self._fail(errors.InceptionismError("worker-timeout", TIMEOUT_MESSAGE % timeout,
                                                "no answer for %s s while %s" % (timeout, doing)))
        if isinstance(frame, protocol.ProtocolError):
            self._fail(protocol.ProtocolError("%s while %s. Its stderr ends with:\n%s"
                                              % (frame.detail, doing, self._final_stderr())))
        if frame is None:
            self._fail(self._ended(doing))
        return frame

    def _ended(self, doing):
        """The error for a worker whose output ended: cancelled if we asked it to stop."""
        if self._cancelled:
            return errors.Cancelled()
        return errors.InceptionismError("worker-crashed", None, (
            "%s ended while %s (%s). Its stderr ends with:\n%s"
            % (" ".join(self.command), doing, self._exit_words(), self._final_stderr())))

    def _exit_words(self):
        if not _wait(self.process, CANCEL_GRACE_S):
            return "its output closed but it still runs"
        status = self.process.returncode
        if status < 0:
            return "killed by signal %d" % -status
        return "exit status %d" % status

    def _final_stderr(self):
        self._threads[1].join(1.0)
        return self.stderr_tail()

    def _fail(self, exc):
        """Stop the worker (it cannot be trusted any more) and raise exc."""
        self._stop_process(0)
        raise exc

    def _stop_if_still_running(self, request_id, grace):
        if self._current_id == request_id:
            self._stop_process(grace)

    def _stop_process(self, grace):
        """Terminate the worker, kill it if it is still there after grace seconds, and reap it."""
        with self._process_lock:
            if self.process.poll() is not None:
                return
            self.process.terminate()
            if not _wait(self.process, grace):
                self.process.kill()
                self.process.wait()


def _daemon(target):
    thread = threading.Thread(target=target)
    thread.daemon = True
    thread.start()
    return thread


def _close_quietly(stream):
    try:
        stream.close()
    except (IOError, OSError):  # unflushed bytes to a process that is gone
        pass


def _wait(process, seconds):
    """Wait up to seconds for process to exit (Python 2.7's Popen.wait has no timeout)."""
    deadline = time.time() + seconds
    while process.poll() is None:
        if time.time() >= deadline:
            return False
        time.sleep(0.02)
    return True
