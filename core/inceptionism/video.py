"""Frames in and out of files: videos, animated GIF/WebP, and folders of numbered pictures.

Videos (mp4, mov, webm) are read and written with PyAV, whose wheels carry FFmpeg's libraries,
so an artist needs no ffmpeg of their own; a video keeps its frame rate and its sound (copied
when the new file can hold it as it is, re-encoded when it cannot). Animated GIF and WebP go
through Pillow and keep each frame's own duration. A folder holds one picture per frame, in the
order of the numbers in their names.

Frames are read one at a time (a long video is never held whole). Writing a GIF or WebP holds
the frames until close(), since Pillow writes those files in one go; video and folders stream.

An odd width or height cannot be stored in a video's yuv420p (colour is kept per 2 x 2 pixels):
such frames are padded by one pixel, a copy of the last row or column, so no dreamed pixel is
lost and the video is one pixel wider or taller than the frames.
"""
import contextlib
import itertools
import os
import re
from collections import namedtuple
from fractions import Fraction

import numpy as np
from PIL import Image, ImageSequence

from . import images, outputs
from .errors import InceptionismError

VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".webm", ".mkv")
ANIMATED_SUFFIXES = (".gif", ".webp")
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp")
# The video codec for each container; webm holds only VP8/VP9/AV1.
VIDEO_CODECS = {".webm": "libvpx-vp9"}
AUDIO_CODECS = {".webm": "libopus"}
DEFAULT_VIDEO_CODEC, DEFAULT_AUDIO_CODEC = "libx264", "aac"
# Frames with no timing of their own (a folder) show this long unless told otherwise.
DEFAULT_FRAME_MS = 100

# How long frames show: rate (frames per second, a Fraction) for a video, durations (ms per
# frame) for a GIF or WebP; a folder has neither.
Timing = namedtuple("Timing", "rate durations")


def kind_of(path):
    """"video", "animated" or "folder" for a path to read or write; bad-input otherwise."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix in VIDEO_SUFFIXES:
        return "video"
    if suffix in ANIMATED_SUFFIXES:
        return "animated"
    if os.path.isdir(path) or not suffix:
        return "folder"
    raise InceptionismError("bad-input", "%s is not a video (%s), an animated GIF or WebP, or a "
                            "folder of frames." % (path, ", ".join(VIDEO_SUFFIXES)))


def check_target(path):
    """bad-input or bad-settings, before any dreaming, unless frames can be written to path:
    a known kind, and a folder new or empty (frames are never mixed with files of others)."""
    if kind_of(path) == "folder" and os.path.isdir(path) and os.listdir(path):
        raise InceptionismError("bad-settings", "The folder %s already holds files; write the "
                                "frames into a new or empty folder." % path)


def frame_ms(timing, index):
    """How long frame index shows, in milliseconds (DEFAULT_FRAME_MS when nothing says)."""
    if timing.durations:
        return timing.durations[min(index, len(timing.durations) - 1)]
    if timing.rate:
        return 1000.0 / timing.rate
    return DEFAULT_FRAME_MS


def steady(timing, default_ms=DEFAULT_FRAME_MS):
    """timing as a frame rate where every frame shows as long (a video then gets a constant
    rate); frames with no timing show default_ms each."""
    durations = timing.durations
    if timing.rate is None and (not durations or len(set(durations)) == 1):
        return Timing(Fraction(1000) / Fraction(durations[0] if durations else default_ms)
                      .limit_denominator(1000), None)
    return timing


class Clip(object):
    """The frames of a file or folder: count, timing, and iteration over H x W x C arrays;
    cut(start, stop) keeps only a span of them."""

    def __init__(self, path):
        self.path = path
        self.first = 0
        self.kind = kind_of(path)
        if not os.path.exists(path):
            raise InceptionismError("bad-input", "%s does not exist." % path)
        try:
            self.count, self.timing = {"video": _video_facts, "animated": _animated_facts,
                                       "folder": _folder_facts}[self.kind](path)
        except InceptionismError:
            raise
        except Exception as error:  # PyAV's and Pillow's many ways of saying "not a video"
            raise InceptionismError("bad-input", "Cannot read %s: %s"
                                    % (path, outputs.reason(error)))
        if not self.count:
            raise InceptionismError("bad-input", "%s holds no frames." % path)
        self.whole_count, self.whole_timing = self.count, self.timing

    def cut(self, start, stop=None):
        """This clip from frame start up to, not including, frame stop (None: the end), as a
        Python slice counts; bad-settings when no frame is left."""
        if start >= self.count:
            raise InceptionismError("bad-settings", "The frame range starts at frame %d, but %s "
                                    "has %d frames (0 to %d)." % (start, self.path, self.count,
                                                                   self.count - 1))
        stop = self.count if stop is None else min(stop, self.count)
        if self.timing.durations:
            self.timing = Timing(None, self.timing.durations[start:stop])
        self.first, self.count = start, stop - start
        return self

    def span_seconds(self):
        """(start, end) in seconds of the frames kept by cut, or None when all are kept."""
        if not self.first and self.count == self.whole_count:
            return None
        start = sum(frame_ms(self.whole_timing, i) for i in range(self.first)) / 1000.0
        return start, start + sum(frame_ms(self.timing, i) for i in range(self.count)) / 1000.0

    def __iter__(self):
        reader = {"video": _video_frames, "animated": _animated_frames,
                  "folder": _folder_frames}[self.kind]
        try:
            for pixels in itertools.islice(reader(self.path), self.first,
                                           self.first + self.count):
                yield pixels
        except InceptionismError:
            raise
        except Exception as error:
            raise InceptionismError("bad-input", "Cannot read %s: %s"
                                    % (self.path, outputs.reason(error)))


def _video_facts(path):
    import av
    with av.open(path) as container:
        if not container.streams.video:
            raise InceptionismError("bad-input", "%s has no video in it." % path)
        stream = container.streams.video[0]
        images.check_budget(stream.codec_context.width, stream.codec_context.height, path)
        rate = stream.average_rate or stream.guessed_rate or Fraction(25)
        count = stream.frames or sum(1 for _ in container.decode(stream))
    return count, Timing(Fraction(rate), None)


def _video_frames(path):
    import av
    with av.open(path) as container:
        for frame in container.decode(container.streams.video[0]):
            images.check_budget(frame.width, frame.height, path)  # a stream may change size
            yield frame.to_ndarray(format="rgb24")


def _animated_facts(path):
    with images.open_picture(path) as picture:  # the screen's size, before any frame
        durations = [float(frame.info.get("duration") or DEFAULT_FRAME_MS)
                     for frame in ImageSequence.Iterator(picture)]
    return len(durations), Timing(None, durations)


def _animated_frames(path):
    with images.open_picture(path) as picture:
        for frame in ImageSequence.Iterator(picture):
            has_alpha = frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info
            yield np.array(frame.convert("RGBA" if has_alpha else "RGB"))


def folder_pictures(path):
    """The pictures in a folder, in the order of the last number in their names."""
    names = [name for name in os.listdir(path)
             if os.path.splitext(name)[1].lower() in PICTURE_SUFFIXES and not name.startswith(".")]

    def order(name):
        numbers = re.findall(r"\d+", name)
        return (int(numbers[-1]) if numbers else -1, name)
    return [os.path.join(path, name) for name in sorted(names, key=order)]


def _folder_facts(path):
    """Every picture's size is read from its header first: the budget holds for each, and
    a folder whose frames differ in size is refused (the dream of a sequence needs one size)."""
    pictures = folder_pictures(path)
    first = None
    for picture in pictures:
        try:
            size = images.picture_size(picture)
        except (IOError, OSError, ValueError) as error:
            raise InceptionismError("bad-input", "Cannot read %s: %s"
                                    % (picture, outputs.reason(error)))
        if first is None:
            first = (picture, size)
        elif size != first[1]:
            raise InceptionismError("bad-input", "%s is %d x %d pixels but the first frame %s "
                                    "is %d x %d: every frame of a folder must have one size."
                                    % ((picture,) + size + (first[0],) + first[1]))
    return len(pictures), Timing(None, None)


def _folder_frames(path):
    for picture in folder_pictures(path):
        yield images.read_image(picture)


class Writer(object):
    """Frames into a file or folder: add(pixels) each in turn, then close(); whole or not at all.

    A file is written as NAME.part.EXT and renamed to its name by close(); a folder must be new
    or empty, and gets each frame whole. Any failure (a full disk) removes what was written
    (abort) and is one bad-input line.
    timing: how long the frames show (a video gets a frame rate from it, a GIF durations);
    audio_from: a video whose sound the new video keeps; audio_span: (start, end) in seconds,
    the part of it to keep (None: all).
    """

    def __init__(self, path, timing, audio_from=None, audio_span=None):
        self.path = path
        self.kind = kind_of(path)
        self.timing = steady(timing)
        self.audio_from, self.audio_span = audio_from, audio_span
        self.count = 0
        self._pictures = []
        self._video = None
        self._written = []
        self._made_folder = self.kind == "folder" and not os.path.isdir(path)
        check_target(path)
        if self.kind == "folder":
            outputs.make_folder(path, "folder to write the frames into")
        else:
            self.part = outputs.part_name(path)
            outputs.open_new(self.part).close()  # made here: no link there is followed
            self._written.append(self.part)

    def add(self, pixels):
        with self._undone_on_failure():
            if self.kind == "folder":
                name = os.path.join(self.path, "frame-%05d.png" % self.count)
                outputs.write_whole(name, lambda part: images.write_image(part, pixels))
                self._written.append(name)
            elif self.kind == "animated":
                self._pictures.append(Image.fromarray(_rgb8(pixels, keep_alpha=True)))
            else:
                if self._video is None:
                    self._video = _VideoOut(self.part, pixels.shape[1], pixels.shape[0],
                                            self.timing, self.audio_from, self.audio_span)
                self._video.add(_rgb8(pixels), frame_ms(self.timing, self.count))
            self.count += 1

    def close(self):
        """Finish the file, under its own name."""
        with self._undone_on_failure():
            if self.kind == "animated" and self._pictures:
                durations = [int(round(frame_ms(self.timing, i))) for i in range(self.count)]
                images.save_picture(self.part, self._pictures[0], save_all=True,
                                    append_images=self._pictures[1:], duration=durations,
                                    loop=0, disposal=2)
                self._pictures = []
            if self._video is not None:
                try:
                    self._video.close()
                finally:
                    self._video = None
            if self.kind != "folder":
                os.replace(self.part, self.path)

    def abort(self):
        """Remove what this writer wrote (the frames of a folder, a file's temporary copy)."""
        self._pictures, self._video = [], None
        for name in self._written:
            outputs.remove_own_file(name)
        self._written = []
        if self._made_folder and not os.listdir(self.path):
            os.rmdir(self.path)

    @contextlib.contextmanager
    def _undone_on_failure(self):
        try:
            yield
        except BaseException as error:
            if self._video is not None:
                try:
                    self._video.container.close()
                except (IOError, OSError):
                    pass  # the disk that failed the frame fails the file's end too
            self.abort()
            if isinstance(error, (IOError, OSError)):
                raise outputs.cannot_write(self.path, error)
            raise


def _rgb8(pixels, keep_alpha=False):
    """8-bit RGB (or RGBA) of any pixels the engine takes, for the 8-bit files here."""
    channels = 4 if keep_alpha and pixels.shape[2] in (2, 4) else 3
    if pixels.dtype == np.uint8 and pixels.shape[2] == channels:
        return pixels
    rgb, source = images.to_working(pixels)
    alpha = None
    if channels == 4:
        alpha = images.encode(source.alpha.astype(np.float32)
                              / images.FULL_SCALE[pixels.dtype], np.uint8)
    return images.from_working(rgb, images.Source(channels, np.dtype(np.uint8), alpha))


class _VideoOut(object):
    """A video being written with PyAV: yuv420p, even sizes (odd ones padded by one pixel), and
    the sound of audio_from, whose stream is declared before the first frame (a container's
    streams are fixed once it has begun)."""

    def __init__(self, path, width, height, timing, audio_from, audio_span):
        import av
        self.path = path
        self.container = av.open(path, "w")
        suffix = os.path.splitext(path)[1].lower()
        self.stream = self.container.add_stream(VIDEO_CODECS.get(suffix, DEFAULT_VIDEO_CODEC),
                                                rate=_whole_rate(timing))
        self.stream.width, self.stream.height = width + width % 2, height + height % 2
        self.stream.pix_fmt = "yuv420p"
        if timing.rate is None:  # frames of their own durations: time in milliseconds
            self.stream.codec_context.time_base = Fraction(1, 1000)
        self.constant = timing.rate is not None
        self.clock = 0.0
        self.index = 0
        self.sound = (_Sound(audio_from, self.container, suffix, audio_span) if audio_from
                      else None)

    def add(self, rgb, duration_ms):
        import av
        height, width = rgb.shape[:2]
        if (width % 2) or (height % 2):
            rgb = np.pad(rgb, ((0, height % 2), (0, width % 2), (0, 0)), mode="edge")
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        frame.pts = self.index if self.constant else int(round(self.clock))
        self.clock += duration_ms
        self.index += 1
        for packet in self.stream.encode(frame):
            self.container.mux(packet)

    def close(self):
        try:
            for packet in self.stream.encode():
                self.container.mux(packet)
            if self.sound is not None:
                self.sound.copy()
        finally:
            self.container.close()


def _whole_rate(timing):
    """The frame rate a video of these frames is written at."""
    if timing.rate:
        return Fraction(timing.rate).limit_denominator(1001)
    return Fraction(1000, 1)  # durations are timestamps in milliseconds


class _Sound(object):
    """A source video's sound for a new video: its packets as they are when the new container
    takes the codec, else decoded and encoded again; span (start, end) in seconds: only that
    part, moved to the start (packets are cut whole: to an AAC packet, about 20 ms)."""

    def __init__(self, source_path, container, suffix, span=None):
        import av
        self.source_path, self.container, self.span = source_path, container, span
        self.target = None
        if kind_of(source_path) != "video":
            return
        with av.open(source_path) as source:
            if not source.streams.audio:
                return
            audio = source.streams.audio[0]
            self.copies = audio.codec_context.name in _COPYABLE.get(suffix, _COPYABLE[".mp4"])
            if self.copies:
                self.target = container.add_stream_from_template(audio)
            else:
                self.target = container.add_stream(
                    AUDIO_CODECS.get(suffix, DEFAULT_AUDIO_CODEC),
                    rate=48000 if suffix == ".webm" else audio.rate)

    def copy(self):
        import av
        if self.target is None:
            return
        with av.open(self.source_path) as source:
            audio = source.streams.audio[0]
            if self.copies:
                shift = int(round(self.span[0] / audio.time_base)) if self.span else 0
                for packet in source.demux(audio):
                    if packet.dts is not None and self._kept(packet.pts, audio.time_base):
                        packet.pts, packet.dts = packet.pts - shift, packet.dts - shift
                        packet.stream = self.target
                        self.container.mux(packet)
                return
            for frame in source.decode(audio):
                if not self._kept(frame.pts, frame.time_base):
                    continue
                frame.pts = None
                for packet in self.target.encode(frame):
                    self.container.mux(packet)
            for packet in self.target.encode():
                self.container.mux(packet)

    def _kept(self, pts, time_base):
        """Whether sound starting at pts (in time_base units) lies in the span."""
        if self.span is None:
            return True
        start = float(pts * time_base) if pts is not None else 0.0
        return self.span[0] <= start < self.span[1]


# Audio codecs each container takes as they are.
_COPYABLE = {".mp4": ("aac", "mp3", "alac", "opus"), ".m4v": ("aac",),
             ".mov": ("aac", "mp3", "alac", "pcm_s16le", "pcm_s24le"),
             ".mkv": ("aac", "mp3", "opus", "vorbis", "flac", "pcm_s16le"),
             ".webm": ("opus", "vorbis")}
