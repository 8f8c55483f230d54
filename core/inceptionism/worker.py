"""The engine's worker process: reads request frames on stdin, answers with frames on stdout.

`python -m inceptionism.worker` is what the plug-ins start (see worker.json). Frames go through a
private copy of stdout, so whatever torch or a C library prints lands on stderr instead of
corrupting the stream. A reader thread watches stdin during a dream, so a cancel frame, or stdin's
end (GIMP kills a plug-in whose progress is cancelled), stops the dream within one step.
"""
import argparse
import json
import os
import queue
import sys
import threading
import time
import traceback

from . import PROTOCOL_VERSION, __version__, catalogue, errors, paths, protocol, warm

# The Ray cluster Dream animation... spreads its frames over (worker --cluster, written into
# worker.json by install.py --cluster-address); None: everything is dreamed here.
CLUSTER_ADDRESS = None


class Session(object):
    """One plug-in run: its requests in order, its cancels at once, every reply as a frame."""

    def __init__(self, frames_in, frames_out):
        self.engine = None
        self._in = frames_in
        self._out = frames_out
        self._requests = queue.Queue()
        self._cancelled_ids = set()
        self._current_id = None
        self._stdin_ended = threading.Event()
        self._stdout_broken = threading.Event()
        self._send_lock = threading.Lock()

    def serve(self, hello):
        """Say hello, then answer requests until shutdown or the end of stdin."""
        self.send(dict(hello, type="hello", protocol=PROTOCOL_VERSION, version=__version__,
                       pid=os.getpid(), cluster=CLUSTER_ADDRESS))
        reader = threading.Thread(target=self._read_requests, name="requests")
        reader.daemon = True
        reader.start()
        for header, payload in iter(self._requests.get, None):
            if header["type"] == "shutdown":
                return
            if header["type"] != "frame":  # else an animation's frame sent as it was cancelled
                self._answer(header, payload)

    def send(self, header, payload=b""):
        """Write one frame; once nobody reads them any more, drop it (should_stop then says so)."""
        if self._stdout_broken.is_set():
            return
        try:
            with self._send_lock:
                protocol.write_frame(self._out, header, payload)
        except (IOError, OSError, ValueError):
            self._stdout_broken.set()

    def should_stop(self):
        """The engine's should_stop(): the request was cancelled or the plug-in is gone."""
        return (self._stdin_ended.is_set() or self._stdout_broken.is_set()
                or self._current_id in self._cancelled_ids)

    def progress(self, fraction, stage="", eta_s=None):
        """The engine's progress(): a progress frame for the current request."""
        self.send({"type": "progress", "id": self._current_id, "fraction": fraction,
                   "stage": stage, "eta_s": eta_s})

    def log(self, text):
        """The engine's log(): a log frame for the plug-in and a line in the log file."""
        self.send({"type": "log", "id": self._current_id, "text": text})
        log(text)

    def next_frame(self):
        """The next frame the plug-in streams into the current request (an animation's next
        source frame), waiting for it; Cancelled if the request is cancelled or the plug-in
        goes first."""
        while True:
            if self.should_stop():
                raise errors.Cancelled()
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
        try:
            for header, payload in iter(lambda: protocol.read_frame(self._in), None):
                if header["type"] == "cancel":
                    self._cancelled_ids.add(header.get("id"))
                else:
                    self._requests.put((header, payload))
        except protocol.ProtocolError as exc:
            self.send(protocol.error_header(exc))
            sys.stderr.write("inceptionism worker: unreadable request: %s\n" % exc.detail)
        finally:
            self._stdin_ended.set()
            self._requests.put(None)

    def _answer(self, request, payload):
        started = time.time()
        self._current_id = request.get("id")
        try:
            handler = REQUESTS.get(request["type"])
            if handler is None:
                raise protocol.ProtocolError("unknown request type %r" % request["type"])
            reply, data = handler(self, request, payload)
        except Exception as exc:  # every failure must reach the plug-in as an error frame
            error = as_inceptionism_error(exc)
            reply, data = protocol.error_header(error), b""
        reply["id"] = self._current_id
        self.send(reply, data)
        self._log(request, reply, time.time() - started)
        self._current_id = None

    def _log(self, request, reply, seconds):
        fields = dict((key, request[key]) for key in ("settings", "image") if key in request)
        outcome = "error %s: %s" % (reply["code"], reply["message"]) if reply["type"] == "error" else "ok"
        log("%s #%s %s in %.2f s %s" % (request["type"], request.get("id"), outcome, seconds,
                                       json.dumps(fields, sort_keys=True)), reply.get("detail"))


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
            "layers": dict((model, [layer._asdict() for layer in catalogue.LAYERS[model]])
                           for model in catalogue.model_names())}, b""


def dream(session, request, payload):
    values = protocol.checked_settings("dream", request.get("settings") or {})
    result, meta = session.engine.dream(
        decode_image(request, payload), values, progress=session.progress,
        should_stop=session.should_stop)
    return result_frame("dream", values, meta, result)


def preview(session, request, payload):
    """A small 8-bit RGB dream of the picture, at most request["side"] pixels on a side."""
    values = protocol.checked_settings("dream", request.get("settings") or {})
    result, meta = session.engine.preview(
        decode_image(request, payload), values, int(request.get("side") or 256),
        progress=session.progress, should_stop=session.should_stop)
    return result_frame("dream", values, meta, result)


def visualize(session, request, payload):
    values = protocol.checked_settings("visualize", request.get("settings") or {})
    result, meta = session.engine.visualize(
        values, decode_image(request, payload) if request.get("image") else None,
        progress=session.progress, should_stop=session.should_stop)
    return result_frame("visualize", values, meta, result)


def zoom(session, request, payload):
    """A frame event for each frame as it is done (a cancelled dive keeps them), then the result."""
    values = protocol.checked_settings("zoom", request.get("settings") or {})

    def send_frame(index, frame):
        header, data = image_frame(frame)
        session.send(dict(header, type="frame", id=session._current_id, index=index), data)

    last, meta = session.engine.zoom(
        values, decode_image(request, payload) if request.get("image") else None,
        on_frame=send_frame, progress=session.progress, should_stop=session.should_stop)
    return result_frame("zoom", values, meta, last)


def animate(session, request, payload):
    """Dream a sequence streamed frame by frame: the request carries the first source frame
    (and the selection's mask, after it in the payload), the plug-in sends each next one as a
    "frame" when the last dreamed one has come back, so neither side holds the whole sequence.
    A frame event goes back for each frame as it is done (a cancelled animation keeps them).
    A worker with a cluster (hello's "cluster") gets request["frames"] frames in the payload
    (every one), so that it can spread them over the cluster's workers."""
    values = protocol.checked_settings("animate", request.get("settings") or {})
    count = int(request.get("count") or 0)
    if count < 1:
        raise errors.InceptionismError("bad-input", "An animation needs at least one frame.")
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


REQUESTS = {"ping": ping, "layers": layers, "dream": dream, "preview": preview,
            "visualize": visualize, "zoom": zoom, "animate": animate}


def decode_image(request, payload):
    """The request's pixels as the engine's H x W x C array."""
    from . import images
    try:
        image = request["image"]
        size = (image["width"], image["height"], image["channels"], image["dtype"])
    except (KeyError, TypeError):
        raise errors.InceptionismError("bad-input", None, "no usable image description in %r"
                                       % (request.get("image"),))
    return images.from_bytes(payload, *size)


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
    """Be the warm worker at path (warm.py): build the engine once, then serve each plug-in's
    connection as serve_stdio serves pipes, until idle_s seconds pass without one."""
    listener = warm.listen(path)  # first, so the relay that started us can connect and wait
    current = []
    engine = failure = hello = None
    try:
        engine = make_engine(lambda text: current[0].log(text) if current else log(text))
        hello = engine.info()
    except Exception as exc:
        failure = as_inceptionism_error(exc)
        log("could not start: " + failure.message, failure.detail)

    def serve_connection(frames_in, frames_out):
        session = Session(frames_in, frames_out)
        if failure is not None:
            session.send(protocol.error_header(failure))
            return False
        session.engine = engine
        current[:] = [session]
        try:
            session.serve(hello)
        finally:
            del current[:]
        return True

    log("warm worker listening at %s, leaving after %s s idle" % (path, idle_s))
    return warm.serve(listener, path, idle_s, serve_connection)


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
    if path:
        return warm.relay(path, options, args.keep_warm, sys.stdin.buffer, sys.stdout.buffer)
    return serve_stdio(make_engine)


if __name__ == "__main__":
    sys.exit(main())
