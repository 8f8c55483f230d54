"""A worker kept warm between GIMP runs: torch and the networks load once, not per dream.

`python -m inceptionism.worker --keep-warm SECONDS` is still a worker with pipes, as the plug-ins
expect, but a light one: it relays its stdin and stdout to a warm worker listening on a Unix-domain
socket, starting that worker first if none listens. The warm worker serves one plug-in at a time,
exactly as a worker on pipes would (the end of a connection is the end of stdin: the request
stops), and leaves after SECONDS without one. Its socket lives in a folder only this user can
enter (0700) and is itself 0600; there is no network port. The socket's name holds the engine's
version and options, so a new install or another device never talks to an old warm worker.
Where Unix-domain sockets are missing (Windows) or the path is too long, the worker simply
serves its own pipes.
"""
import hashlib
import os
import socket
import subprocess
import sys
import threading
import time

from . import __version__, paths

# How long a relay waits for a warm worker it started to listen (torch's import comes later).
LISTEN_TIMEOUT_S = 30.0
MAX_SOCKET_PATH = 100  # sun_path holds 104 to 108 bytes, depending on the system
CHUNK = 1 << 16


def supported():
    return hasattr(socket, "AF_UNIX") and os.name != "nt"


def socket_path(options):
    """Where the warm worker for these worker options listens (None: too long a path)."""
    random = os.environ.get("INCEPTIONISM_RANDOM_WEIGHTS", "")
    key = " ".join([__version__, sys.executable, random] + list(options))
    name = "worker-%s.sock" % hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    path = os.path.join(paths.data_dir(), "run", name)
    return path if len(path.encode("utf-8")) <= MAX_SOCKET_PATH else None


def relay(path, options, idle_s, stdin, stdout):
    """Connect to the warm worker at path (starting it with options if none listens) and pass
    bytes both ways until it closes the connection; returns the exit status."""
    connection = _connect(path)
    if connection is None:
        _start(path, options, idle_s)
        connection = _wait_for(path)
    sender = threading.Thread(target=_pump_in, args=(stdin, connection))
    sender.daemon = True
    sender.start()
    for chunk in iter(lambda: connection.recv(CHUNK), b""):
        stdout.write(chunk)
        stdout.flush()
    return 0


def private_folder(path):
    """Make the folder of path, which only this user may enter."""
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        os.makedirs(folder, 0o700)
    os.chmod(folder, 0o700)


def listen(path):
    """A listening socket at path that only this user can reach."""
    private_folder(path)
    if os.path.exists(path):
        os.unlink(path)  # a warm worker that died without cleaning up
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_mask = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(old_mask)
    os.chmod(path, 0o600)
    listener.listen(4)
    return listener


def serve(listener, path, idle_s, serve_connection):
    """serve_connection(frames_in, frames_out) for each plug-in in turn; leave after idle_s
    seconds without one, removing the socket."""
    listener.settimeout(idle_s)
    try:
        while True:
            try:
                connection, _ = listener.accept()
            except socket.timeout:
                return 0
            connection.settimeout(None)
            frames_in, frames_out = connection.makefile("rb"), connection.makefile("wb")
            try:
                if not serve_connection(frames_in, frames_out):
                    return 1  # the engine cannot start: the next plug-in tries a fresh one
            finally:
                for stream in (frames_in, frames_out):
                    try:
                        stream.close()
                    except (IOError, OSError):
                        pass
                connection.close()
    finally:
        listener.close()
        if os.path.exists(path):
            os.unlink(path)


def _connect(path):
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(path)
    except (IOError, OSError):
        connection.close()
        return None
    return connection


def _start(path, options, idle_s):
    """Start a warm worker in its own session (it outlives this relay), its output to the log."""
    command = [sys.executable, "-m", "inceptionism.worker", "--listen", path,
               "--idle-s", str(idle_s)] + list(options)
    private_folder(path)  # inside the data folder, where the log goes too
    log = open(paths.log_path(), "ab")
    try:
        subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                         close_fds=True, start_new_session=True)
    finally:
        log.close()


def _wait_for(path):
    deadline = time.time() + LISTEN_TIMEOUT_S
    while time.time() < deadline:
        connection = _connect(path)
        if connection is not None:
            return connection
        time.sleep(0.05)
    raise SystemExit("inceptionism worker: the warm worker did not listen at %s within %d s; "
                     "see %s" % (path, LISTEN_TIMEOUT_S, paths.log_path()))


def _pump_in(stdin, connection):
    """stdin to the warm worker; its end (the plug-in is gone or done) ends what we send."""
    try:
        for chunk in iter(lambda: os.read(stdin.fileno(), CHUNK), b""):
            connection.sendall(chunk)
    except (IOError, OSError):
        pass
    finally:
        try:
            connection.shutdown(socket.SHUT_WR)
        except (IOError, OSError):
            pass
