"""A worker kept warm between GIMP runs: torch and the networks load once, not per dream.

`python -m inceptionism.worker --keep-warm SECONDS` is still a worker with pipes, as the plug-ins
expect, but a light one: it relays its stdin and stdout to a warm worker listening on a Unix-domain
socket, starting that worker first if none listens. The warm worker serves several plug-ins at
once (worker.Turns queues their dreams), each exactly as a worker on pipes would (the end of a
connection is the end of stdin: the request stops), and leaves after SECONDS without one.

Only this user can reach it (docs/protocol.md, "Threat model"): the data folder and its run/
folder are this user's and nobody else may write to them (else the relay serves its own pipes),
the socket is 0600, and both ends check the other's user id. One relay at a time may start a
warm worker (an exclusive lock beside the socket), and a worker only ever removes the socket it
made itself. The warm worker runs isolated (`python -I`, in the data folder), so no file in the
current folder can pass for one of the engine's modules. The socket's name holds the engine's
version and options, so a new install or another device never talks to an old warm worker.
A data folder too deep for a socket's address (about 100 bytes) puts the socket in a short
private folder instead (socket_folders). Where Unix-domain sockets are missing (Windows) or no
folder is short enough, the worker serves its own pipes and says so in the log.
"""
import hashlib
import os
import select
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time

from . import __version__, paths

# How long a relay waits for a warm worker it started to listen (torch's import comes later).
LISTEN_TIMEOUT_S = 30.0
MAX_SOCKET_PATH = 100  # sun_path holds 104 to 108 bytes, depending on the system
CHUNK = 1 << 16
POLL_S = 0.5
ATTEMPTS = 3  # a relay that reached a warm worker just as it left tries again this often
# The warm worker's command: isolated (-I: no current folder, no PYTHON* variables, no user
# site), with the engine's own folder put first explicitly.
BOOT = ("import sys; sys.path.insert(0, sys.argv.pop(1)); "
        "from inceptionism.worker import main; sys.exit(main(sys.argv[1:]))")
ENGINE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

try:
    import fcntl
except ImportError:  # Windows: no warm worker there anyway
    fcntl = None


class Unusable(Exception):
    """The warm worker cannot be used safely here; the relay serves its own pipes instead."""


def supported():
    return hasattr(socket, "AF_UNIX") and os.name != "nt" and fcntl is not None


def socket_path(options):
    """Where the warm worker for these worker options and this data folder listens: the first
    of socket_folders() where the path fits in a socket address (None: none does)."""
    random = os.environ.get("INCEPTIONISM_RANDOM_WEIGHTS", "")
    key = " ".join([__version__, sys.executable, random, paths.data_dir()] + list(options))
    name = "worker-%s.sock" % hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    for folder in socket_folders():
        path = os.path.join(folder, name)
        if len(path.encode("utf-8")) <= MAX_SOCKET_PATH:
            return path
    return None


def socket_folders():
    """Where a warm worker's socket may be, in order: the data folder's run/; where a deep home
    folder makes that too long for a socket's address, $XDG_RUNTIME_DIR/inceptionism (the
    user's own 0700 folder for sockets), else inceptionism-UID in the temporary folder (made
    0700; private_folder refuses it if anyone else made it first)."""
    folders = [os.path.join(paths.data_dir(), "run")]
    if os.environ.get("XDG_RUNTIME_DIR"):
        folders.append(os.path.join(os.environ["XDG_RUNTIME_DIR"], "inceptionism"))
    folders.append(os.path.join(tempfile.gettempdir(), "inceptionism-%d" % os.getuid()))
    return folders


def relay(path, options, idle_s, stdin, stdout):
    """Connect to the warm worker at path (starting it with options if none listens) and pass
    bytes both ways until it closes the connection; returns the exit status.

    Unusable: the folder or the socket cannot be trusted; nothing was read from stdin yet."""
    try:
        private_folder(path)
    except OSError as exc:
        raise Unusable("cannot make %s private: %s" % (os.path.dirname(path), exc))
    for _ in range(ATTEMPTS):
        connection = _connect(path)
        if connection is None:
            with start_lock(path):
                connection = _connect(path) or _start_and_wait(path, options, idle_s)
        try:
            first = connection.recv(CHUNK)  # the hello: a worker just leaving sends none
        except (IOError, OSError):
            first = b""
        if first:
            break
        connection.close()
    else:
        raise Unusable("the warm worker at %s closed every connection" % path)
    stdout.write(first)
    stdout.flush()
    sender = threading.Thread(target=_pump_in, args=(stdin, connection))
    sender.daemon = True
    sender.start()
    for chunk in iter(lambda: connection.recv(CHUNK), b""):
        stdout.write(chunk)
        stdout.flush()
    return 0


def private_folder(path):
    """Make the folder of path (run/, 0700) in the folder above it (the data folder, or a shared
    one such as /tmp). Unusable if the folder (or, unless the folder above is sticky, that one)
    belongs to someone else, or if others may write to it (they could have swapped the socket).
    A data folder of ours that the group may write to (made under a umask of 002) is tightened;
    in a sticky folder (/tmp) nobody else can rename or remove a folder of ours."""
    folder = os.path.dirname(path)
    above = os.path.dirname(folder)
    paths.make_private_dir(folder)
    data, run = os.stat(above), os.lstat(folder)
    checked = [(folder, run)] if data.st_mode & stat.S_ISVTX else [(above, data), (folder, run)]
    for place, info in checked:
        if not stat.S_ISDIR(info.st_mode):
            raise Unusable("%s is not a folder" % place)
        if info.st_uid != os.getuid():
            raise Unusable("%s belongs to another user (uid %d)" % (place, info.st_uid))
    if run.st_mode & 0o022:
        raise Unusable("others may write to %s (mode %o)" % (folder, stat.S_IMODE(run.st_mode)))
    if data.st_mode & 0o022 and not data.st_mode & stat.S_ISVTX:
        os.chmod(above, stat.S_IMODE(data.st_mode) & ~0o022)
    if run.st_mode & 0o077:
        os.chmod(folder, 0o700)


class start_lock(object):
    """An exclusive lock beside the socket: one relay at a time starts a warm worker, and a
    warm worker leaves (removes its socket) only while holding it."""

    def __init__(self, path):
        self.path = path + ".lock"

    def __enter__(self):
        self.handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc_info):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        os.close(self.handle)


def listen(path):
    """A listening socket at path that only this user can reach, and its inode (the relay that
    started us holds the start lock, so a socket already there is a dead worker's)."""
    private_folder(path)
    clear_socket_path(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_mask = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(old_mask)
    os.chmod(path, 0o600)
    listener.listen(16)
    return listener, os.lstat(path).st_ino


def clear_socket_path(path):
    """Remove what is at the socket path when nothing listens there: a dead worker's socket, a
    dangling link or an empty folder (all in our own private folder); Unusable for anything else."""
    try:
        info = os.lstat(path)
    except OSError:
        return
    if stat.S_ISDIR(info.st_mode):
        try:
            os.rmdir(path)
        except OSError:
            raise Unusable("%s is a folder with files in it, where the engine's socket belongs; "
                           "move it away" % path)
    elif stat.S_ISSOCK(info.st_mode) or stat.S_ISLNK(info.st_mode) or stat.S_ISREG(info.st_mode):
        os.unlink(path)
    else:
        raise Unusable("%s is not a socket; move it away" % path)


def serve(listener, path, inode, idle_s, serve_connection, log):
    """serve_connection(frames_in, frames_out) for each plug-in, each in a thread of its own;
    leave after idle_s seconds without any, removing the socket only if it is still ours."""
    state = {"active": 0, "last": time.time()}
    changed = threading.Lock()

    def handle(connection):
        try:
            _serve_streams(connection, serve_connection)
        finally:
            with changed:
                state["active"] -= 1
                state["last"] = time.time()

    listener.settimeout(min(POLL_S, idle_s))
    try:
        while True:
            try:
                connection, _ = listener.accept()
            except socket.timeout:
                with changed:
                    idle = state["active"] == 0 and time.time() - state["last"] >= idle_s
                if idle and _leave_if_none_waits(listener, path, inode):
                    return 0
                continue
            if not _same_user(connection, log):
                continue
            with changed:
                state["active"] += 1
            thread = threading.Thread(target=handle, args=(connection,))
            thread.daemon = True
            thread.start()
    finally:
        _leave(listener, path, inode)


def refuse(listener, path, inode, serve_connection, log):
    """For an engine that cannot start: leave first (the next plug-in starts a fresh worker),
    then let serve_connection tell the plug-in that started us why."""
    listener.settimeout(LISTEN_TIMEOUT_S)
    try:
        connection, _ = listener.accept()
    except socket.timeout:
        connection = None
    _leave(listener, path, inode)
    if connection is not None and _same_user(connection, log):
        _serve_streams(connection, serve_connection)
    return 1


def _same_user(connection, log):
    connection.settimeout(None)
    peer = peer_uid(connection)
    if peer == os.getuid():
        return True
    log("refused a connection from user %s (only %d may connect)" % (peer, os.getuid()))
    connection.close()
    return False


def _serve_streams(connection, serve_connection):
    frames_in, frames_out = connection.makefile("rb"), connection.makefile("wb")
    try:
        serve_connection(frames_in, frames_out)
    finally:
        for stream in (frames_in, frames_out):
            try:
                stream.close()
            except (IOError, OSError):
                pass
        connection.close()


def _leave(listener, path, inode):
    if listener.fileno() != -1:
        with start_lock(path):
            remove_if_ours(path, inode)
            listener.close()


def _leave_if_none_waits(listener, path, inode):
    """Under the start lock, close and remove the socket unless a plug-in is already waiting."""
    with start_lock(path):
        if select.select([listener], [], [], 0)[0]:
            return False
        remove_if_ours(path, inode)
        listener.close()
    return True


def remove_if_ours(path, inode):
    """Unlink the socket at path only if it is the one we made (another worker's may be there).
    Called while our listener is still open, so our socket's inode cannot have been reused."""
    try:
        if os.lstat(path).st_ino == inode:
            os.unlink(path)
    except OSError:
        pass


def peer_uid(connection):
    """The user id of the process at the other end of a Unix-domain socket (None: unknown)."""
    if hasattr(socket, "SO_PEERCRED"):  # Linux
        credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                            struct.calcsize("3i"))
        return struct.unpack("3i", credentials)[1]
    try:  # macOS and the BSDs
        import ctypes
        import ctypes.util
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        uid, gid = ctypes.c_uint32(), ctypes.c_uint32()
        if libc.getpeereid(connection.fileno(), ctypes.byref(uid), ctypes.byref(gid)) == 0:
            return uid.value
    except (OSError, AttributeError):
        pass
    return None


def _connect(path):
    """A connection to the warm worker at path, or None if none listens there; Unusable if
    another user's process answers."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(path)
    except (IOError, OSError):
        connection.close()
        return None
    peer = peer_uid(connection)
    if peer != os.getuid():
        connection.close()
        raise Unusable("the process at %s belongs to user %s, not to us" % (path, peer))
    return connection


def _start_and_wait(path, options, idle_s):
    """Start a warm worker (the caller holds the start lock) and wait until it listens."""
    clear_socket_path(path)
    process = _start(path, options, idle_s)
    deadline = time.time() + LISTEN_TIMEOUT_S
    while time.time() < deadline:
        connection = _connect(path)
        if connection is not None:
            return connection
        if process.poll() is not None:
            raise SystemExit("inceptionism worker: the warm worker stopped at once (exit status "
                             "%s); see %s" % (process.returncode, paths.log_path()))
        time.sleep(0.05)
    raise SystemExit("inceptionism worker: the warm worker did not listen at %s within %d s; "
                     "see %s" % (path, LISTEN_TIMEOUT_S, paths.log_path()))


def _start(path, options, idle_s):
    """Start a warm worker in its own session (it outlives this relay), isolated, in the data
    folder, its output to the log."""
    command = [sys.executable, "-I", "-c", BOOT, ENGINE_ROOT, "--listen", path,
               "--idle-s", str(idle_s)] + list(options)
    log = paths.open_log()
    try:
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                cwd=paths.data_dir(), close_fds=True, start_new_session=True)
    finally:
        log.close()


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

