"""The engine's worker process: reads request frames on stdin, answers with frames on stdout.

`python -m inceptionism.worker` is what the plug-ins start (see worker.json). Frames go through a
private copy of stdout, so whatever torch or a C library prints lands on stderr instead of
corrupting the stream. A reader thread watches stdin during a dream, so a cancel frame, or stdin's
end (GIMP kills a plug-in whose progress is cancelled), stops the dream within one step.

A warm worker (warm.py) serves several plug-ins at once, each connection a Session of its own:
light requests (ping, layers) are answered at once, and the engine dreams one request at a time
(Turns); the others wait their turn with a progress text saying how many are ahead. A request
that is waiting or working is never silent for long (HEARTBEAT_S), so the client's silence
timeout only fires for a worker that really hangs.
"""
import argparse
import contextlib
import json
import os
import queue
import sys
import threading
import time
import traceback

from . import PROTOCOL_VERSION, __version__, catalogue, errors, paths, protocol, warm

# A request waiting or working sends a progress frame at least this often (seconds).
HEARTBEAT_S = float(os.environ.get("INCEPTIONISM_HEARTBEAT_S") or 10.0)
# An animation whose plug-in sends no next frame for this long loses its turn (seconds): the
# other plug-ins' dreams waiting for the engine go on. Tests lower it.
FRAME_WAIT_S = float(os.environ.get("INCEPTIONISM_FRAME_WAIT_S") or 120.0)
STALLED_TEXT = "No frame of the animation came for %d s, so the engine went on to other dreams."
# Requests answered at once, even while another plug-in's dream has the engine.
LIGHT_REQUESTS = ("ping", "layers")
WAITING_TEXT = "waiting for the other dream (%d ahead)"
LOG_FIELD_CHARS = 2000


class Turns(object):
    """The engine dreams for one request at a time; the others wait, first come first served.

    holder is the session whose request has the engine (the engine's log lines go to it)."""

    def __init__(self):
        self.holder = None
        self._changed = threading.Condition()
        self._queue = []

    @contextlib.contextmanager
    def turn(self, session):
        ticket = object()
        with self._changed:
            self._queue.append(ticket)
        try:
            told, told_at = None, 0.0
            while True:
                with self._changed:
                    ahead = self._queue.index(ticket)
                    if ahead and ahead == told:
                        self._changed.wait(1.0)
                        ahead = self._queue.index(ticket)
                if not ahead:
                    break
                if session.should_stop():
                    raise errors.Cancelled()
                if ahead != told or time.time() - told_at >= HEARTBEAT_S:
                    session.progress(0.0, WAITING_TEXT % ahead)  # outside the lock: it may block
                    told, told_at = ahead, time.time()
            self.holder = session
            yield
        finally:
            with self._changed:
                if self.holder is session:
                    self.holder = None
                self._queue.remove(ticket)
                self._changed.notify_all()

# The Ray cluster Dream animation... spreads its frames over (worker --cluster, written into
# worker.json by install.py --cluster-address); None: everything is dreamed here.
CLUSTER_ADDRESS = None


class Session(object):
    """One plug-in run: its requests in order, its cancels at once, every reply as a frame."""

    def __init__(self, frames_in, frames_out, turns=None):
        self.engine = None
        self._in = frames_in
        self._out = frames_out
        self._turns = turns
        self._requests = queue.Queue()
        self._cancelled_ids = set()
        self._current_id = None
        self._last_progress = (0.0, "", None)
        self._last_sent = time.time()
        self._stdin_ended = threading.Event()
        self._stdout_broken = threading.Event()
        self._send_lock = threading.Lock()

    def serve(self, hello):
        """Say hello, then answer requests until shutdown or the end of stdin."""
        self.send(dict(hello, type="hello", protocol=PROTOCOL_VERSION, version=__version__,
                       pid=os.getpid(), cluster=CLUSTER_ADDRESS))
        served = threading.Event()
        for target in (self._read_requests, lambda: self._keep_alive(served)):
            thread = threading.Thread(target=target)
            thread.daemon = True
            thread.start()
        try:
            for header, payload in iter(self._requests.get, None):
                if header["type"] == "shutdown":
                    return
                if header["type"] != "frame":  # else an animation's frame sent as it was cancelled
                    self._answer(header, payload)
        finally:
            served.set()

    def send(self, header, payload=b""):
        """Write one frame; once nobody reads them any more, drop it (should_stop then says so)."""
        if self._stdout_broken.is_set():
            return
        try:
            with self._send_lock:
                protocol.write_frame(self._out, header, payload)
                self._last_sent = time.time()
        except (IOError, OSError, ValueError):
            self._stdout_broken.set()

    def should_stop(self):
        """The engine's should_stop(): the request was cancelled or the plug-in is gone."""
        return (self._stdin_ended.is_set() or self._stdout_broken.is_set()
                or self._current_id in self._cancelled_ids)

    def progress(self, fraction, stage="", eta_s=None):
        """The engine's progress(): a progress frame for the current request."""
        self._last_progress = (fraction, stage, eta_s)
        self.send({"type": "progress", "id": self._current_id, "fraction": fraction,
                   "stage": stage, "eta_s": eta_s})

    def log(self, text):
        """The engine's log(): a log frame for the plug-in and a line in the log file."""
        self.send({"type": "log", "id": self._current_id, "text": text})
        log(text)

    def next_frame(self):
        """The next frame the plug-in streams into the current request (an animation's next
        source frame), waiting for it; Cancelled if the request is cancelled or the plug-in
        goes first, bad-input if it sends nothing for FRAME_WAIT_S (the request holds the
        engine: others are waiting)."""
        deadline = time.time() + FRAME_WAIT_S
        while True:
            if self.should_stop():
                raise errors.Cancelled()
            if time.time() > deadline:
                raise errors.InceptionismError("bad-input", STALLED_TEXT % FRAME_WAIT_S)
            try:
                item = self._requests.get(timeout=0.1)
            except queue.Empty:
                continue
            if item is None:
                self._requests.put(None)  # the serve loop ends on it too
                raise errors.Cancelled()
            header, payload = item
            if header["type"] != "frame" or header.get("id") != self._current_id:
                raise protocol.ProtocolError("expected the next frame of request %s, got %r"
                                             % (self._current_id, header["type"]))
            return header, payload

    def _read_requests(self):
        """Frames in: cancels at once, requests queued; an unusable frame is answered with an
        error and skipped; a stream that is not frames (or any surprise) ends the session."""
        try:
            while True:
                try:
                    frame = protocol.read_frame(self._in)
                except protocol.BadFrame as exc:
                    self.send(protocol.error_header(exc.error, exc.request_id))
                    log("unusable frame skipped: %s" % protocol.clip(exc.detail))
                    continue
                if frame is None:
                    return
                header, payload = frame
                if header["type"] == "cancel":
                    self._cancelled_ids.add(header.get("id"))
                else:
                    self._requests.put((header, payload))
        except protocol.ProtocolError as exc:
            self.send(protocol.error_header(exc))
            log("unreadable request: %s" % protocol.clip(exc.detail))
        except Exception as exc:  # MemoryError and the like: still an error frame, still an end
            error = as_inceptionism_error(exc)
            self.send(protocol.error_header(error))
            log("reading requests failed: " + error.message, error.detail)
        finally:
            self._stdin_ended.set()
            self._requests.put(None)

    def _keep_alive(self, served):
        """While a request waits or works, repeat its last progress if it has been silent."""
        while not served.wait(HEARTBEAT_S / 2.0):
            if self._current_id is not None and time.time() - self._last_sent >= HEARTBEAT_S:
                fraction, stage, eta_s = self._last_progress
                self.send({"type": "progress", "id": self._current_id, "fraction": fraction,
                           "stage": stage, "eta_s": eta_s})

    def _answer(self, request, payload):
        started = time.time()
        self._current_id = request.get("id")
        self._last_progress = (0.0, "", None)
        self._last_sent = time.time()
        try:
            handler = REQUESTS.get(request["type"])
            if handler is None:
                raise protocol.ProtocolError("unknown request type %s"
                                             % protocol.clip(repr(request["type"])))
            if self._turns is None or request["type"] in LIGHT_REQUESTS:
                reply, data = handler(self, request, payload)
            else:
                with self._turns.turn(self):
                    self._last_progress = (0.0, "", None)  # no longer waiting
                    reply, data = handler(self, request, payload)
        except Exception as exc:  # every failure must reach the plug-in as an error frame
            error = as_inceptionism_error(exc)
            reply, data = protocol.error_header(error), b""
        reply["id"] = self._current_id
        self._current_id = None
        self.send(reply, data)
        self._log(request, reply, time.time() - started)

    def _log(self, request, reply, seconds):
        """One line per request; whatever the plug-in sent is clipped, so the log stays small."""
        fields = dict((key, request[key]) for key in ("settings", "image") if key in request)
        outcome = "error %s: %s" % (reply["code"], reply["message"]) if reply["type"] == "error" else "ok"
        log("%s #%s %s in %.2f s %s" % (
            protocol.clip(request["type"]), request.get("id"), outcome, seconds,
            protocol.clip(json.dumps(fields, sort_keys=True), LOG_FIELD_CHARS)), reply.get("detail"))


def log(line, detail=None):
    """One line in the log, with an indented detail (a traceback) below it."""
    text = "%s worker %d: %s\n" % (time.strftime("%Y-%m-%d %H:%M:%S"), os.getpid(), line)
    text += "".join("    %s\n" % row for row in (detail or "").splitlines())
    paths.append_log(text)


def as_inceptionism_error(exc):
    """The error an artist is shown for any exception; unexpected ones keep their traceback."""
    if isinstance(exc, errors.InceptionismError):
        return exc
    trace = traceback.format_exc()
    sys.stderr.write(trace)
    if isinstance(exc, MemoryError) or type(exc).__name__ == "OutOfMemoryError":
        return errors.InceptionismError("out-of-memory", None, trace)
    return errors.InceptionismError("internal", None, trace)


# ---- requests: each takes (session, request header, payload), returns (reply header, payload)

def ping(session, request, payload):
    return {"type": "pong"}, b""


def layers(session, request, payload):
    """The layers an artist may choose, by model, with whether each model's weights are there."""
    return {"type": "layers", "models": session.engine.info()["models"],
            "layers": dict((model, [layer._asdict() for layer in catalogue.network(model).layers])
                           for model in catalogue.model_names())}, b""


def dream(session, request, payload):
    """A guide's pixels, when the request describes one ("guide"), follow the picture's."""
    values = protocol.checked_settings("dream", request.get("settings") or {})
    pixels, guide = split_guide(request, payload, session)
    result, meta = session.engine.dream(
        pixels, values, guide=guide, progress=session.progress, should_stop=session.should_stop)
    return result_frame("dream", values, meta, result)


def preview(session, request, payload):
    """A small 8-bit RGB dream of the picture, at most request["side"] pixels on a side."""
    values = protocol.checked_settings("dream", request.get("settings") or {})
    side = protocol.whole_number(request.get("side", 256), 1, MAX_PREVIEW_SIDE, "preview size")
    result, meta = session.engine.preview(
        decode_image(request, payload, session), values, side,
        progress=session.progress, should_stop=session.should_stop)
    return result_frame("dream", values, meta, result)


def visualize(session, request, payload):
    values = protocol.checked_settings("visualize", request.get("settings") or {})
    result, meta = session.engine.visualize(
        values, decode_image(request, payload, session) if request.get("image") else None,
        progress=session.progress, should_stop=session.should_stop)
    return result_frame("visualize", values, meta, result)


def zoom(session, request, payload):
    """A frame event for each frame as it is done (a cancelled dive keeps them), then the result."""
    values = protocol.checked_settings("zoom", request.get("settings") or {})

    def send_frame(index, frame):
        header, data = image_frame(frame)
        session.send(dict(header, type="frame", id=session._current_id, index=index), data)

    last, meta = session.engine.zoom(
        values, decode_image(request, payload, session) if request.get("image") else None,
        on_frame=send_frame, progress=session.progress, should_stop=session.should_stop)
    return result_frame("zoom", values, meta, last)


MAX_PREVIEW_SIDE = 4096
MAX_FRAMES = 1000000


def animate(session, request, payload):
    """Dream a sequence streamed frame by frame: the request carries the first source frame
    (and the selection's mask, after it in the payload), the plug-in sends each next one as a
    "frame" when the last dreamed one has come back, so neither side holds the whole sequence.
    A frame event goes back for each frame as it is done (a cancelled animation keeps them).
    A worker with a cluster (hello's "cluster") gets request["frames"] frames in the payload
    (every one), so that it can spread them over the cluster's workers."""
    values = protocol.checked_settings("animate", request.get("settings") or {})
    count = protocol.whole_number(request.get("count"), 1, MAX_FRAMES, "number of frames")
    size = protocol.image_bytes(request.get("image") or {})
    given = max(1, min(count, int(request.get("frames") or 1)))
    mask = (decode_image(dict(image=request["mask"]), payload[given * size:])
            if "mask" in request else None)
    last = []

    def frames():
        for index in range(given):
            yield decode_image(request, payload[index * size:(index + 1) * size]), None
        for _ in range(count - given):
            yield decode_image(*session.next_frame()), None

    def send_frame(index, frame, reused):
        header, data = image_frame(frame)
        session.send(dict(header, type="frame", id=session._current_id, index=index), data)
        last[:] = [frame]

    if CLUSTER_ADDRESS and given == count:
        from . import cluster
        meta = cluster.animate_in_worker(
            CLUSTER_ADDRESS, session.engine, [pixels for pixels, _ in frames()], values, mask,
            send_frame, session.progress, session.should_stop, session.log)
    else:
        meta = session.engine.animate(frames(), values, count, mask, on_frame=send_frame,
                                      progress=session.progress, should_stop=session.should_stop)
    return result_frame("animate", values, meta, last[0])


def channel_gallery(session, request, payload):
    """The labelled channel gallery of request's "model" and "layer" (built once, then kept;
    with "build" false, only a kept one: else a result without an image)."""
    model, layer = request.get("model"), request.get("layer")
    sheet, meta = session.engine.gallery(model, layer, progress=session.progress,
                                         should_stop=session.should_stop,
                                         build=request.get("build", True) is not False)
    header, data = image_frame(sheet) if sheet is not None else ({}, b"")
    return dict(header, type="result", meta=dict(meta, procedure="gallery",
                                                 version=__version__)), data


REQUESTS = {"ping": ping, "layers": layers, "dream": dream, "preview": preview,
            "visualize": visualize, "zoom": zoom, "animate": animate,
            "gallery": channel_gallery}


def decode_image(request, payload, session=None):
    """The request's pixels as the engine's H x W x C array (read_frame checked the description
    and the payload's size); NaN and infinite float samples are replaced, and the log says so."""
    from . import images
    image = request.get("image")
    protocol.image_bytes(image)
    pixels = images.from_bytes(payload, image["width"], image["height"], image["channels"],
                               image["dtype"])
    replaced = images.replace_non_finite(pixels)
    if replaced:
        text = images.NON_FINITE_TEXT % replaced
        session.log(text) if session is not None else log(text)
    return pixels


def split_guide(request, payload, session):
    """(the picture, the guide or None) from a dream's payload: the picture's bytes first
    (read_frame checked that both descriptions are usable and the payload holds them)."""
    if request.get("guide") is None:
        return decode_image(request, payload, session), None
    cut = protocol.image_bytes(request["image"])
    return (decode_image(request, payload[:cut], session),
            decode_image({"image": request["guide"]}, payload[cut:], session))


def image_frame(array):
    """({"image": description}, pixel bytes) for an engine array."""
    from . import images
    height, width, channels = array.shape
    description = protocol.image_description(width, height, channels, images.wire_dtype(array))
    return {"image": description}, images.to_bytes(array)


def result_frame(procedure, values, meta, array):
    """The result reply: the engine's meta plus what a plug-in needs to name and recreate it."""
    header, data = image_frame(array)
    meta = dict(meta, procedure=procedure, settings=values, version=__version__)
    return dict(header, type="result", meta=meta), data


# ---- the process

def claim_stdio():
    """Private binary streams for frames; fd 0 becomes /dev/null and fd 1 a copy of stderr."""
    frames_in = os.fdopen(os.dup(0), "rb")
    frames_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return frames_in, frames_out


def serve_stdio(make_engine):
    """Serve this process's stdin/stdout with make_engine(log); an engine that cannot start
    says why in place of hello."""
    session = Session(*claim_stdio())
    try:
        session.engine = make_engine(session.log)
        hello = session.engine.info()
    except Exception as exc:
        error = as_inceptionism_error(exc)
        session.send(protocol.error_header(error))
        log("could not start: " + error.message, error.detail)
        return 1
    session.serve(hello)
    return 0


def serve_socket(make_engine, path, idle_s):
    """Be the warm worker at path (warm.py): build the engine once, then serve every plug-in's
    connection as serve_stdio serves pipes, several at once (Turns queues their dreams), until
    idle_s seconds pass without one."""
    listener, inode = warm.listen(path)  # first, so the relay that started us can connect
    turns = Turns()
    engine = failure = hello = None
    try:
        engine = make_engine(lambda text: turns.holder.log(text) if turns.holder else log(text))
        hello = engine.info()
    except Exception as exc:
        failure = as_inceptionism_error(exc)
        log("could not start: " + failure.message, failure.detail)

    if failure is not None:
        return warm.refuse(listener, path, inode, lambda frames_in, frames_out: Session(
            frames_in, frames_out).send(protocol.error_header(failure)), log)

    def serve_connection(frames_in, frames_out):
        session = Session(frames_in, frames_out, turns)
        session.engine = engine
        session.serve(hello)

    log("warm worker listening at %s, leaving after %s s idle" % (path, idle_s))
    return warm.serve(listener, path, inode, idle_s, serve_connection, log)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:1, mps ...")
    parser.add_argument("--random-weights", action="store_true",
                        help="random networks instead of the installed weights (for tests)")
    parser.add_argument("--keep-warm", type=float, default=0, metavar="SECONDS",
                        help="relay to a warm worker that keeps the engine loaded this long "
                             "after the last dream (started if none runs); 0: serve the pipes")
    parser.add_argument("--cluster", metavar="ADDRESS",
                        help="spread animations over this Ray cluster (docs/cluster.md)")
    parser.add_argument("--listen", metavar="SOCKET", help=argparse.SUPPRESS)  # the warm worker
    parser.add_argument("--idle-s", type=float, default=600, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    options = ["--device", args.device] + (["--random-weights"] if args.random_weights else [])
    options += ["--cluster", args.cluster] if args.cluster else []
    global CLUSTER_ADDRESS
    CLUSTER_ADDRESS = args.cluster

    def make_engine(log):
        from .engine import Engine
        return Engine(device=args.device, random_weights=args.random_weights or None, log=log)
    if args.listen:
        return serve_socket(make_engine, args.listen, args.idle_s)
    path = warm.socket_path(options) if args.keep_warm > 0 and warm.supported() else None
    if args.keep_warm > 0 and path is None:
        log("not using a warm worker, serving this plug-in alone: %s" % (
            "no Unix-domain sockets here" if not warm.supported() else
            "no folder of %s has a path short enough for a socket" % ", ".join(
                warm.socket_folders())))
    if path:
        try:
            return warm.relay(path, options, args.keep_warm, sys.stdin.buffer, sys.stdout.buffer)
        except warm.Unusable as exc:
            log("not using a warm worker, serving this plug-in alone: %s" % exc)
    return serve_stdio(make_engine)


if __name__ == "__main__":
    sys.exit(main())
