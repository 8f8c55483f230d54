"""Spreading an animation's frames, or a batch's pictures, over a Ray cluster (docs/cluster.md).

Ray (the optional extra "inceptionism[cluster]") keeps one Engine per worker as an actor, so a
network is loaded once per GPU (or per few CPU cores), not once per frame; it runs the same code
on a laptop (local:N), on machines joined with `ray start` (auto, ray://HOST:PORT) and on
Kubernetes (KubeRay). An animation is cut into chunks of consecutive frames (Plan). A chunk
starts LEAD_IN frames early and drops their dreams, so that by its first kept frame the detail
it carries from frame to frame has built up as in one long run; and it goes on CROSSFADE frames
past its end, blended into the next chunk's first frames. The dream amplifies the pattern it
starts from, so two chunks keep somewhat different patterns however long the lead-in: the
crossfade spreads that difference over several frames instead of one jump
(bench/cluster_speed.py measures both). Each frame's randomness comes from (seed, frame index)
(animate.frame_seed), so a frame does not depend on which worker dreams it.

Dreamed frames stream back one by one as Ray generator items and are written by the caller at
once (cli.WorkFolder): a worker that dies loses only the frame it was on; the rest of its chunk
runs again on another worker, continuing from the frames already back, so nothing is dreamed
twice or lost, and a rerun reuses every finished frame.
"""
import argparse
import os
import queue
import shutil
import socket
import tempfile
import threading
import time

import numpy as np

from . import __version__
from .errors import Cancelled, InceptionismError

EXTRA = "inceptionism[cluster]"
NEEDS_RAY = ('Ray, which spreads the work over a cluster, is not installed: pip install "%s" '
             '(or python3 install.py --cluster)' % EXTRA)
# The worker's (GIMP's Dream animation...): the engine's venv lacks Ray, yet worker.json names a
# cluster.
NEEDS_RAY_IN_WORKER = ("Dream animation is set to spread its frames over the Ray cluster at %s, "
                       "but Ray is not installed in the engine's venv: run python3 install.py "
                       "--cluster")
# Joining a cluster that has not answered within this many seconds stops with a message (Ray
# itself can wait for minutes for a cluster that is gone); INCEPTIONISM_CLUSTER_CONNECT_S changes
# it, for a slow network.
CONNECT_S = 45.0
UNREACHABLE = ("Cannot reach the Ray cluster %s: %s; check that it runs (ray status, on its "
               "head) and that this computer can reach it.")
# An animation's chunk: this many frames kept, after LEAD_IN frames dreamed and dropped and
# before CROSSFADE more blended into the next chunk: a third more work (docs/cluster.md).
CHUNK_FRAMES = 60
LEAD_IN = 12
CROSSFADE = 8
# On a cluster without GPUs, one engine per this many CPU cores.
CPUS_PER_CPU_WORKER = 4
# Set before Ray starts, this makes a local Ray's node address 127.0.0.1, and every one of its
# servers then listens on 127.0.0.1 only (Ray's single-machine mode on macOS and Windows).
LOOPBACK_ONLY = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"
# A chunk whose worker died this many times is not tried again (it is what kills them).
TRIES = 3


def add_options(parser, chunks):
    """--cluster (and, for animations, --chunk-frames, --lead-in and --crossfade) on a
    command's parser."""
    parser.add_argument("--cluster", metavar="ADDRESS", type=checked_address,
                        help="spread the work over a Ray cluster: local:N (N workers on this "
                             "machine), auto (the cluster this machine joined with `ray start`) "
                             "or ray://HOST:PORT; needs pip install \"%s\" (docs/cluster.md)"
                             % EXTRA)
    if chunks:
        parser.add_argument("--chunk-frames", type=int, default=CHUNK_FRAMES, metavar="N",
                            help="with --cluster: frames per chunk (default: %(default)s)")
        parser.add_argument("--lead-in", type=int, default=LEAD_IN, metavar="K",
                            help="with --cluster: frames each chunk dreams before its own and "
                                 "drops, so the dream flows on across chunks "
                                 "(default: %(default)s)")
        parser.add_argument("--crossfade", type=int, default=CROSSFADE, metavar="F",
                            help="with --cluster: frames each chunk goes on past its end, "
                                 "blended into the next chunk's first ones "
                                 "(default: %(default)s)")


def parse_address(address):
    """("local", N), ("auto", None) or ("remote", "ray://HOST:PORT"); bad-settings otherwise."""
    text = (address or "").strip()
    if text == "auto":
        return "auto", None
    if text.startswith("ray://") and len(text) > len("ray://"):
        return "remote", text
    if text.startswith("local:") and text[len("local:"):].isdigit():
        workers = int(text[len("local:"):])
        if workers >= 1:
            return "local", workers
    raise InceptionismError("bad-settings", "The cluster address %r is not one of local:N "
                            "(N workers here), auto or ray://HOST:PORT." % (address,))


def checked_address(address):
    """--cluster's type: a mistake in the address, or no Ray, is told before any work starts."""
    try:
        parse_address(address)
        import_ray()
    except InceptionismError as error:
        raise argparse.ArgumentTypeError(error.message)
    return address


def import_ray(needs=NEEDS_RAY):
    """The ray module, or the one-line message (needs) naming what to install."""
    try:
        import ray
    except ImportError:
        raise InceptionismError("bad-settings", needs)
    return ray


def connect_seconds():
    try:
        return float(os.environ.get("INCEPTIONISM_CLUSTER_CONNECT_S") or CONNECT_S)
    except ValueError:
        raise InceptionismError("bad-settings", "INCEPTIONISM_CLUSTER_CONNECT_S is a number of "
                                "seconds, not %r." % os.environ["INCEPTIONISM_CLUSTER_CONNECT_S"])


def probe(address, seconds):
    """Raise the cannot-reach message unless something listens at ray://HOST:PORT: a cluster
    that is not there is told at once, not after Ray's own half a minute of retries."""
    host, _, port = address[len("ray://"):].rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=seconds).close()
    except ValueError:
        raise InceptionismError("bad-settings", "The cluster address %s has no port number: "
                                "ray://HOST:PORT (10001 by default)." % address)
    except socket.timeout:
        raise InceptionismError("bad-settings", UNREACHABLE % (
            "at " + address, "no answer within %g s" % seconds))
    except (OSError, socket.error) as error:
        raise InceptionismError("bad-settings", UNREACHABLE % (
            "at " + address, getattr(error, "strerror", None) or str(error)))


class Cluster(object):
    """A connection to a Ray cluster with one engine actor per worker; close() when done.

    Started here (local:N), Ray listens for this machine only and has no dashboard; a Ray
    already started in this process (a test's) is used as it is and left running.
    """

    def __init__(self, address, device="auto", random_weights=None, weights=None, threads=None,
                 should_stop=None):
        """threads: torch threads per CPU worker (default: the cores shared out among them);
        should_stop() true while joining a cluster stops (Cancelled) within a second."""
        kind, argument = parse_address(address)
        self.ray = ray = import_ray()
        self._started = False
        if not ray.is_initialized():
            self._connect(kind, argument, should_stop)
        resources = ray.cluster_resources()
        gpus, cpus = int(resources.get("GPU", 0)), max(1, int(resources.get("CPU", 1)))
        if kind == "local":
            self.workers = argument
        else:
            self.workers = gpus or max(1, cpus // CPUS_PER_CPU_WORKER)
        gpu_share = min(1.0, float(gpus) / self.workers) if gpus and device != "cpu" else 0
        cpu_share = max(1, cpus // self.workers) if not gpu_share else 1
        self.placement = {"num_gpus": gpu_share, "num_cpus": cpu_share}
        self.engine_options = {"device": device if not gpu_share else "auto",
                               "random_weights": random_weights, "weights": weights,
                               "threads": threads or cpu_share}
        self.gpus = gpus

    def _connect(self, kind, argument, should_stop):
        import logging
        options = dict(include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
        if kind == "local":
            self._session_root = start_loopback_only(self.ray, max(os.cpu_count() or 1, argument),
                                                     **options)
            self._started = True
            return
        seconds = connect_seconds()
        if kind == "remote":
            probe(argument, seconds)
        address = argument if kind == "remote" else "auto"
        where = "at " + argument if kind == "remote" else "this computer joined (auto)"
        try:
            bounded(lambda: self.ray.init(address=address, **options), self.ray.shutdown,
                    seconds, should_stop,
                    UNREACHABLE % (where, "no answer within %g s" % seconds),
                    UNREACHABLE % (where, "the last try is still waiting for an answer"))
        except (ConnectionError, RuntimeError, ValueError) as error:
            raise InceptionismError("bad-settings", UNREACHABLE % (where, _first_line(error)))

    def describe(self):
        where = ("%d GPU%s" % (self.gpus, "s" * (self.gpus > 1)) if self.placement["num_gpus"]
                 else "%d CPU core(s) each" % self.placement["num_cpus"])
        return "%d worker(s) on the Ray cluster (%s)" % (self.workers, where)

    def new_actor(self):
        actor_class = self.ray.remote(max_restarts=0)(EngineActor)
        return actor_class.options(**self.placement).remote(__version__, **self.engine_options)

    def close(self):
        if self._started:
            self.ray.shutdown()
            shutil.rmtree(self._session_root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


# The connection attempt bounded() gave up waiting for, which may still be running.
_ABANDONED = []


def bounded(connect, disconnect, seconds, should_stop, late, busy):
    """connect(), or the message late (bad-settings) once it has taken seconds (Cancelled when
    should_stop() turns true first). Ray cannot be told to give up, so connect goes on in a
    thread of its own; should it succeed after all, disconnect() undoes it. While such an
    abandoned attempt still runs, a new one is not started beside it (Ray has one connection a
    process): the message busy says so at once."""
    if any(thread.is_alive() for thread in _ABANDONED):
        raise InceptionismError("bad-settings", busy)
    outcome, lock, done = {}, threading.Lock(), threading.Event()

    def attempt():
        try:
            connect()
        except BaseException as error:  # raised again below, in the caller's thread
            outcome["error"] = error
        with lock:
            done.set()
            undo = outcome.get("abandoned") and "error" not in outcome
        if undo:
            disconnect()
    thread = threading.Thread(target=attempt, name="cluster-connect")
    thread.daemon = True
    thread.start()
    deadline = time.monotonic() + seconds
    while not done.wait(min(0.5, max(0.0, deadline - time.monotonic()))):
        stop = should_stop is not None and should_stop()
        if stop or time.monotonic() >= deadline:
            with lock:
                if not done.is_set():
                    outcome["abandoned"] = True
                    _ABANDONED[:] = [thread]
                    if stop:
                        raise Cancelled()
                    raise InceptionismError("bad-settings", late)
    if "error" in outcome:
        raise outcome["error"]


def start_loopback_only(ray, cpus, **options):
    """Start a Ray on this machine that listens on 127.0.0.1 only and asks every caller for
    the token in ~/.ray/auth_token (made readable by this user only), or refuse to start one;
    returns the folder of its session. 127.0.0.1 keeps the network out; the token keeps out the
    machine's other users; the session folder (its sockets and logs: Ray makes its folders
    0777) is inside a private mkdtemp (0700), short, in place of the shared /tmp/ray."""
    if os.environ.get("RAY_AUTH_MODE", "token") != "token":
        raise InceptionismError("bad-settings", "local:N keeps Ray's token authentication on: "
                                "unset RAY_AUTH_MODE.")
    os.environ[LOOPBACK_ONLY] = "0"  # for Ray's processes, and for a Ray imported from now on
    from ray._private import ray_constants
    ray_constants.ENABLE_RAY_CLUSTER = False  # for a Ray imported before (read at each start)
    session_root = tempfile.mkdtemp(prefix="ray-")  # Ray opens the folder it is given to all
    ray.init(num_cpus=cpus, _node_ip_address="127.0.0.1",
             _temp_dir=os.path.join(session_root, "r"), **options)
    token = os.path.join(os.path.expanduser("~"), ".ray", "auth_token")
    if os.path.isfile(token):
        os.chmod(token, 0o600)
    if (ray.util.get_node_ip_address() != "127.0.0.1"
            or os.environ.get("RAY_AUTH_MODE") != "token"):  # Ray 2.60 sets it when it starts
        ray.shutdown()
        shutil.rmtree(session_root, ignore_errors=True)
        raise InceptionismError("internal", "This version of Ray cannot be kept to this machine "
                                "(127.0.0.1, with a token): use a cluster address instead of "
                                "local:N.")
    return session_root


class EngineActor(object):
    """An Engine kept on one worker of the cluster; its methods stream their results."""

    def __init__(self, version, device, random_weights, weights, threads):
        if version != __version__:
            raise InceptionismError("bad-settings", "This machine runs inceptionism %s, a "
                                    "cluster worker runs %s: install the same version on every "
                                    "machine." % (version, __version__))
        import torch
        from .engine import Engine
        torch.set_num_threads(max(1, int(threads)))
        self.engine = Engine(device=device, random_weights=random_weights, weights=weights)

    def animate_chunk(self, frames, values, first, keep_from, mask):
        """Yield (index, dreamed pixels, seconds) for each frame from keep_from on that was not
        given done, seconds being the time since the last frame here (what the engine took:
        the rest of a frame's time on the cluster is Ray's overhead); frames: [(pixels, done or
        None)] for frame indices first, first + 1, ..."""
        def run(emit):
            last = [time.monotonic()]

            def keep(index, pixels, reused):
                if index >= keep_from and not reused:
                    emit((index, pixels, time.monotonic() - last[0]))
                last[0] = time.monotonic()  # not counting the wait for Ray to take it
            self.engine.animate(iter(frames), values, len(frames), mask, on_frame=keep,
                                first=first)
        for item in _streamed(run):
            yield item

    def dream_picture(self, key, pixels, values, mask, guide):
        """Yield (key, (result, meta)) or (key, InceptionismError) for a picture the engine
        refused (bad-input, out-of-memory): the batch reports it and goes on."""
        try:
            yield key, self.engine.dream(pixels, values, mask=mask, guide=guide)
        except InceptionismError as error:
            if error.code not in ("bad-input", "out-of-memory"):
                raise
            yield key, error


def _streamed(run):
    """Yield what run(emit) emits, as it emits it: run goes in a thread of its own, so a
    callback-driven engine method can feed a Ray generator."""
    items, finished = queue.Queue(maxsize=1), object()
    failure = []

    def target():
        try:
            run(items.put)
        except BaseException as error:  # raised again in the generator, where Ray sees it
            failure.append(error)
        items.put(finished)
    thread = threading.Thread(target=target, name="streamed")
    thread.daemon = True
    thread.start()
    for item in iter(items.get, finished):
        yield item
    if failure:
        raise failure[0]


# ---- the driver's side: chunks handed to workers, results streamed back

class Chunk(object):
    """A piece of work: call(actor) starts it; received(item) records what came back; rest()
    is the piece still to do after a worker died (None when nothing is left)."""

    tries = 0

    def call(self, actor):
        raise NotImplementedError

    def received(self, item):
        """Record item; return it as on_result is to see it."""
        raise NotImplementedError

    def rest(self):
        raise NotImplementedError


class Plan(object):
    """Where an animation's chunks lie. Chunk k keeps frames [start, end); it dreams lead_in
    frames before start and drops them, and goes on for crossfade frames past end (its tail).
    The next chunk's first crossfade frames are blended from its own dream and that tail, the
    weight sliding from the tail to the new chunk frame by frame: what is left of the two
    chunks' difference after the lead-in is spread over those frames instead of jumping at one.
    """

    def __init__(self, count, chunk_frames, lead_in, crossfade):
        if chunk_frames < 1 or lead_in < 0 or not 0 <= crossfade <= chunk_frames:
            raise InceptionismError("bad-settings", "Chunks need at least one frame, a lead-in "
                                    "of 0 frames or more, and a crossfade of 0 frames up to "
                                    "the chunk's length.")
        self.count, self.chunk_frames = count, chunk_frames
        self.lead_in, self.crossfade = lead_in, crossfade
        self.starts = list(range(0, count, chunk_frames))

    def chunk(self, k):
        """(first frame dreamed, start, end, stop): frames [start, stop) are sent back."""
        start = self.starts[k]
        end = min(self.count, start + self.chunk_frames)
        return max(0, start - self.lead_in), start, end, min(self.count, end + self.crossfade)

    def blended(self, index):
        """Whether frame index is made of two chunks' dreams."""
        boundary = index - index % self.chunk_frames
        return boundary > 0 and index < boundary + self.crossfade

    def tail_weight(self, index):
        """The weight of the chunk before's dream (its tail) in blended frame index."""
        boundary = index - index % self.chunk_frames
        return float(boundary + self.crossfade - index) / (self.crossfade + 1)

    def blend(self, index, tail, head):
        """Frame index from the chunk before's dream (tail) and the new chunk's (head)."""
        weight = self.tail_weight(index)
        mixed = tail.astype(np.float64) * weight + head.astype(np.float64) * (1.0 - weight)
        if np.issubdtype(tail.dtype, np.integer):
            limits = np.iinfo(tail.dtype)
            mixed = np.clip(np.rint(mixed), limits.min, limits.max)
        return mixed.astype(tail.dtype)


class AnimationChunk(Chunk):
    """Frames [start, stop) of an animation, after up to lead-in frames that are dreamed and
    dropped; frames already dreamed (done) are reused, not dreamed again; frames from end on
    are the tail, blended into the next chunk's first frames."""

    def __init__(self, frames, first, start, end, values, mask):
        self.frames, self.first, self.start, self.end = frames, first, start, end
        self.values, self.mask = values, mask

    def call(self, actor):
        return actor.animate_chunk.remote(self.frames, self.values, self.first, self.start,
                                          self.mask)

    def received(self, item):
        index, pixels = item[:2]
        position = index - self.first
        self.frames[position] = (self.frames[position][0], pixels)
        return item + (index >= self.end,)

    def rest(self):
        """From the last frame back (the carried detail goes on from it, as in one run)."""
        done = [k for k, (_, dreamed) in enumerate(self.frames)
                if dreamed is not None and self.first + k >= self.start]
        if len(done) == len(self.frames) - (self.start - self.first):
            return None
        if not done:
            return self
        last = done[-1]
        rest = AnimationChunk(self.frames[last:], self.first + last, self.first + last,
                              self.end, self.values, self.mask)
        rest.tries = self.tries
        return rest


def animation_chunks(frames, plan, values, mask, finished):
    """The chunks of an animation from frames, an iterator of each frame's source pixels read in
    order (a video streams: only the frames a chunk needs are held); finished(index) gives the
    dream of a frame already done, or None. A chunk whose frames are all done is left out; a
    done frame is reused (the chunk goes on from it, needing no lead-in) unless it is a blend."""
    held, frames, read = {}, iter(frames), [0]

    def source(index):
        while read[0] <= index:
            held[read[0]] = next(frames)
            read[0] += 1
        return held[index]
    for k in range(len(plan.starts)):
        first, start, end, stop = plan.chunk(k)
        finals = [finished(index) for index in range(start, stop)]
        for index in [index for index in held if index < first]:
            del held[index]
        if all(pixels is not None for pixels in finals):
            continue
        done = [None if plan.blended(index) else pixels
                for index, pixels in zip(range(start, stop), finals)]
        if done[0] is not None:
            first = start
        items = [(source(index), None) for index in range(first, start)]
        items += [(source(index), pixels) for index, pixels in zip(range(start, stop), done)]
        yield AnimationChunk(items, first, start, end, values, mask)


class PictureChunk(Chunk):
    """One picture of a batch."""

    def __init__(self, key, pixels, values, mask, guide):
        self.key, self.pixels = key, pixels
        self.values, self.mask, self.guide = values, mask, guide

    def call(self, actor):
        return actor.dream_picture.remote(self.key, self.pixels, self.values, self.mask,
                                          self.guide)

    def received(self, item):
        self.pixels = None
        return item

    def rest(self):
        return None if self.pixels is None else self


def run(cluster, chunks, on_result, total, progress=None, on_worker_lost=None, should_stop=None):
    """Do every chunk on the cluster's workers; on_result(item, actor) in this thread as each
    result comes back; progress(fraction, stage, eta) per result. A chunk whose worker dies is
    done on a new worker from where it stopped (on_worker_lost(message) says so); should_stop()
    true stops the job (Cancelled) within a second."""
    ray = cluster.ray
    results = queue.Queue()
    lock = threading.Lock()
    retries = []
    source = iter(chunks)
    stopping = threading.Event()
    lost_errors = _lost_worker_errors()

    def next_chunk():
        with lock:
            if retries:
                return retries.pop(0)
            try:
                return next(source)
            except StopIteration:
                return None
            except BaseException as error:  # a frame that cannot be read: stop, say why
                results.put(("error", error))
                stopping.set()
                return None

    def work():
        actor = cluster.new_actor()
        try:
            while not stopping.is_set():
                chunk = next_chunk()
                if chunk is None:
                    return
                try:
                    for ref in chunk.call(actor):
                        item = chunk.received(ray.get(ref))
                        results.put(("item", (item, actor)))
                        if stopping.is_set():
                            return
                except lost_errors as error:
                    rest = chunk.rest()
                    if rest is not None:
                        rest.tries += 1
                        if rest.tries >= TRIES:
                            results.put(("error", InceptionismError(
                                "internal", "Workers died %d times on the same piece of "
                                "work; the last said: %s" % (TRIES, _first_line(error)))))
                            stopping.set()
                            return
                        with lock:
                            retries.insert(0, rest)
                    results.put(("lost", _first_line(error)))
                    actor = cluster.new_actor()
        except BaseException as error:
            results.put(("error", _unwrapped(error)))
            stopping.set()
        finally:
            results.put(("ended", None))

    threads = [threading.Thread(target=work, name="cluster-worker-%d" % k)
               for k in range(cluster.workers)]
    for thread in threads:
        thread.daemon = True
        thread.start()
    started, done, running, failure = time.monotonic(), 0, len(threads), None
    try:
        while running:
            if should_stop is not None and should_stop():
                raise Cancelled()
            try:
                kind, value = results.get(timeout=0.5)
            except queue.Empty:
                continue
            if kind == "ended":
                running -= 1
            elif kind == "error":
                failure = failure or value
            elif kind == "lost":
                if on_worker_lost is not None:
                    on_worker_lost("a cluster worker was lost (%s); its frames go on elsewhere"
                                   % value)
            else:
                on_result(*value)
                done += 1
                report(progress, done, total, started, cluster.workers)
    finally:
        stopping.set()
    if failure is not None:
        raise failure


def report(progress, done, total, started, workers, what=""):
    """progress(fraction, "k of n on W worker(s)", seconds left at the pace so far)."""
    if progress is not None and done:
        seconds = time.monotonic() - started
        progress(min(1.0, float(done) / max(total, 1)),
                 "%s%d of %d on %d worker(s)" % (what, done, total, workers),
                 seconds / done * max(0, total - done))


def _lost_worker_errors():
    """The exceptions that mean a worker (not the work) failed."""
    from ray import exceptions
    names = ("RayActorError", "ActorDiedError", "ActorUnavailableError", "WorkerCrashedError",
             "ObjectLostError", "OwnerDiedError", "NodeDiedError")
    return tuple(getattr(exceptions, name) for name in names if hasattr(exceptions, name))


def _unwrapped(error):
    """An InceptionismError raised on a worker comes back wrapped by Ray: unwrap it."""
    cause = getattr(error, "cause", None)
    if isinstance(cause, InceptionismError):
        return cause
    if isinstance(error, InceptionismError):
        return error
    if isinstance(error, (KeyboardInterrupt, SystemExit)):
        return error
    return InceptionismError("internal", "A cluster worker failed: %s" % _first_line(error),
                             str(error))


def _first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def animate_on_cluster(cluster, frames, plan, values, mask, finished, keep, progress=None,
                       log=None, should_stop=None):
    """Dream an animation's frames on the cluster as plan cuts them: keep(index, pixels,
    seconds the worker's engine took on it) as each is done, finished(index) the dream of a
    frame done earlier (or None); returns how many frames were dreamed."""
    mask_ref = None if mask is None else cluster.ray.put(mask)
    halves, dreamed, started = {}, [], time.monotonic()
    todo = sum(1 for index in range(plan.count) if finished(index) is None)

    def on_result(item, actor):
        index, pixels, seconds, tail = item
        if plan.blended(index):
            if finished(index) is not None:
                return  # blended in an earlier run; its chunk ran again for other frames
            halves.setdefault(index, {})[tail] = pixels
            if len(halves[index]) < 2:
                return
            parts = halves.pop(index)
            pixels = plan.blend(index, parts[True], parts[False])
        keep(index, pixels, seconds)
        dreamed.append(index)
        report(progress, len(dreamed), todo, started, cluster.workers, "frame ")
    run(cluster, animation_chunks(frames, plan, values, mask_ref, finished), on_result,
        todo, None, log, should_stop)
    if halves:
        raise InceptionismError("internal", "Frames %s got only one of their two chunks."
                                % sorted(halves))
    return len(dreamed)


# ---- the command line's --cluster

def open_for(args, model):
    """The Cluster for a command's --cluster, its engine options taken from the command's."""
    from . import models
    return Cluster(args.cluster, device=args.device,
                   random_weights=models.random_weights_requested(args.random_weights or None),
                   weights={model: args.weights} if args.weights else None)


def animate_command(args, clip, values, mask, work, progress, say):
    """`animate --cluster`: dream clip's frames on the cluster into the work folder; meta."""
    started = time.monotonic()
    with open_for(args, values["model"]) as cluster:
        plan = Plan(clip.count, args.chunk_frames, args.lead_in, args.crossfade)
        say("dreaming on %s, %d frames a chunk after a lead-in of %d, crossfading over %d"
            % (cluster.describe(), args.chunk_frames, args.lead_in, args.crossfade))
        dreamed = animate_on_cluster(
            cluster, iter(clip), plan, values, mask, work.frame,
            lambda index, pixels, seconds: work.keep(index, pixels, False), progress, say)
        return dict(values, engine_version=__version__, device=cluster.describe(),
                    random_weights=cluster.engine_options["random_weights"],
                    seconds=round(time.monotonic() - started, 3), frames=clip.count,
                    dreamed_frames=dreamed)


def batch_command(args, values, todo, read, mask, guide, write, progress, say):
    """`dream --out-dir --cluster`: todo [(picture, target)], read(picture) its pixels (raises
    InceptionismError for a bad file), write(target, pixels, meta) each result as it comes;
    returns [(picture, message)] of the pictures not dreamed."""
    failed, targets = [], dict(todo)

    def on_result(item, actor):
        picture, outcome = item
        if isinstance(outcome, InceptionismError):
            failed.append((picture, outcome.message))
        else:
            write(targets[picture], *outcome)
    with open_for(args, values["model"]) as cluster:
        say("dreaming on " + cluster.describe())
        mask = None if mask is None else cluster.ray.put(mask)
        guide = None if guide is None else cluster.ray.put(guide)

        def chunks():
            for picture, _ in todo:
                try:
                    pixels = read(picture)
                except InceptionismError as error:
                    failed.append((picture, error.message))
                    continue
                yield PictureChunk(picture, pixels, values, mask, guide)
        run(cluster, chunks(), on_result, len(todo), progress, say)
    return failed


# ---- the worker's: GIMP's Dream animation... on the cluster install.py --cluster-address names

def animate_in_worker(address, engine, frames, values, mask, on_frame, progress, should_stop,
                      log):
    """Dream frames (all the animation's source pixels, in order) on the cluster, handing each
    dreamed frame to on_frame(index, pixels, False) in order, as the plug-in expects; meta."""
    started, waiting, sent = time.monotonic(), {}, [0]
    import_ray(NEEDS_RAY_IN_WORKER % address)
    # A short animation is shared out among the workers rather than left to one chunk.
    with Cluster(address, device=str(engine.device), random_weights=engine.random_weights,
                 weights=engine.weights, should_stop=should_stop) as workers:
        log("dreaming the animation on " + workers.describe())
        chunk_frames = max(1, min(CHUNK_FRAMES, -(-len(frames) // workers.workers)))
        plan = Plan(len(frames), chunk_frames, LEAD_IN, min(CROSSFADE, chunk_frames))

        def keep(index, pixels, seconds):
            waiting[index] = pixels
            while sent[0] in waiting:
                on_frame(sent[0], waiting.pop(sent[0]), False)
                sent[0] += 1
        dreamed = animate_on_cluster(workers, iter(frames), plan, values, mask,
                                     lambda index: None, keep, progress, log, should_stop)
        meta = dict(values, engine_version=__version__, device=workers.describe(),
                    random_weights=engine.random_weights,
                    seconds=round(time.monotonic() - started, 3), frames=len(frames),
                    dreamed_frames=dreamed)
    return meta
