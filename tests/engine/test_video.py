"""Frames in and out of files (video.py): round trips keep the frame count, the size and the
timing; a video keeps its sound; odd sizes in a video are padded by one pixel."""
from fractions import Fraction

import numpy as np
import pytest

from inceptionism import images, video
from inceptionism.errors import InceptionismError


def frames(make_picture, count=5, height=24, width=32):
    return [make_picture(height, width, seed=k) for k in range(count)]


def make_video(path, pictures, rate=Fraction(12), seconds_of_sound=None):
    """A video written with PyAV directly (libx264 + AAC sound), independent of video.Writer."""
    import av
    with av.open(path, "w") as container:
        stream = container.add_stream("libx264", rate=rate)
        stream.height, stream.width = pictures[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        sound = container.add_stream("aac", rate=16000) if seconds_of_sound else None
        for index, pixels in enumerate(pictures):
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
        if sound is not None:
            wave = 0.3 * np.sin(np.arange(int(16000 * seconds_of_sound)) * 0.17)
            for start in range(0, len(wave), 1024):
                chunk = wave[None, start:start + 1024].astype(np.float32)
                frame = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
                frame.sample_rate = 16000
                for packet in sound.encode(frame):
                    container.mux(packet)
            for packet in sound.encode():
                container.mux(packet)


def sound_seconds(path):
    import av
    with av.open(path) as container:
        if not container.streams.audio:
            return 0.0
        stream = container.streams.audio[0]
        return sum(packet.duration or 0 for packet in container.demux(stream)) * float(
            stream.time_base)


def copy(source, target, **options):
    clip = video.Clip(source)
    writer = video.Writer(target, clip.timing, **options)
    for pixels in clip:
        writer.add(pixels)
    writer.close()
    return video.Clip(target)


def test_a_gif_keeps_its_frames_size_and_each_frame_time(tmp_path, make_picture):
    from PIL import Image
    pictures = [Image.fromarray(p) for p in frames(make_picture, 4)]
    source = str(tmp_path / "in.gif")
    pictures[0].save(source, save_all=True, append_images=pictures[1:],
                     duration=[80, 120, 80, 200], loop=0)
    back = copy(source, str(tmp_path / "out.gif"))
    shown = list(back)
    assert back.count == 4 and shown[0].shape == (24, 32, 3)
    assert back.timing.durations == [80, 120, 80, 200]


def test_an_mp4_keeps_its_frames_size_frame_rate_and_sound(tmp_path, make_picture):
    source, target = str(tmp_path / "in.mp4"), str(tmp_path / "out.mp4")
    make_video(source, frames(make_picture, 6), Fraction(12), seconds_of_sound=0.5)
    back = copy(source, target, audio_from=source)
    shown = list(back)
    assert (back.count, len(shown), shown[0].shape) == (6, 6, (24, 32, 3))
    assert back.timing.rate == 12
    assert sound_seconds(source) > 0.4
    assert sound_seconds(target) == pytest.approx(sound_seconds(source), abs=0.05)
    assert np.abs(shown[3].astype(float) - list(video.Clip(source))[3]).mean() < 8


def test_a_webm_gets_the_sound_of_an_mp4_encoded_again(tmp_path, make_picture):
    source, target = str(tmp_path / "in.mp4"), str(tmp_path / "out.webm")
    make_video(source, frames(make_picture, 3), Fraction(10), seconds_of_sound=0.3)
    back = copy(source, target, audio_from=source)
    assert (back.count, back.timing.rate) == (3, 10)
    assert sound_seconds(target) > 0.2


def test_a_folder_keeps_its_frames_in_the_order_of_their_numbers(tmp_path, make_picture):
    source = tmp_path / "in"
    source.mkdir()
    pictures = frames(make_picture, 11)
    for index, pixels in enumerate(pictures):
        images.write_image(str(source / ("shot%d.png" % index)), pixels)  # shot10 after shot9
    back = copy(str(source), str(tmp_path / "out"))
    assert back.count == 11
    assert all(np.array_equal(a, b) for a, b in zip(back, pictures))


def test_odd_sizes_are_padded_by_a_copy_of_the_last_row_and_column_in_a_video(tmp_path,
                                                                               make_picture):
    target = str(tmp_path / "odd.mp4")
    writer = video.Writer(target, video.Timing(None, [100]))
    odd = make_picture(25, 33)
    odd[:, -1] = 250  # a bright last column, so the pad shows where it came from
    writer.add(odd)
    writer.close()
    clip = video.Clip(target)
    shown = list(clip)[0]
    assert shown.shape == (26, 34, 3) and clip.timing.rate == 10
    assert shown[:, -2:].mean() > 230


def test_frames_of_their_own_times_become_a_video_with_those_times(tmp_path, make_picture):
    import av
    target = str(tmp_path / "steps.mp4")
    writer = video.Writer(target, video.Timing(None, [100, 300, 100]))
    for pixels in frames(make_picture, 3):
        writer.add(pixels)
    writer.close()
    with av.open(target) as container:
        stream = container.streams.video[0]
        times = [float(frame.pts * stream.time_base) for frame in container.decode(stream)]
    assert times == pytest.approx([0.0, 0.1, 0.4], abs=0.002)


def test_what_is_not_frames_gets_a_clear_answer(tmp_path):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video at all")
    with pytest.raises(InceptionismError) as caught:
        video.Clip(str(broken))
    assert caught.value.code == "bad-input" and "broken.mp4" in caught.value.message
    with pytest.raises(InceptionismError) as caught:
        video.kind_of(str(tmp_path / "notes.txt"))
    assert "animated GIF" in caught.value.message
    (tmp_path / "empty").mkdir()
    with pytest.raises(InceptionismError) as caught:
        video.Clip(str(tmp_path / "empty"))
    assert "no frames" in caught.value.message


def test_the_pixel_budget_holds_for_videos_animations_and_folders_before_any_frame(
        tmp_path, make_picture, monkeypatch):
    import hostile_files
    hostile_files.webp_bomb(str(tmp_path / "bomb.webp"), 11000)
    with pytest.raises(InceptionismError) as caught:
        video.Clip(str(tmp_path / "bomb.webp"))
    assert "bomb.webp is 11000 x 11000 pixels" in caught.value.message
    make_video(str(tmp_path / "in.mp4"), frames(make_picture, 2))
    copy(str(tmp_path / "in.mp4"), str(tmp_path / "in.gif"))
    copy(str(tmp_path / "in.mp4"), str(tmp_path / "folder"))
    monkeypatch.setattr(images, "PIXEL_BUDGET", 24 * 32 - 1)
    for name, named in (("in.mp4", "in.mp4"), ("in.gif", "in.gif"),
                        ("folder", "frame-00000.png")):
        with pytest.raises(InceptionismError) as caught:
            video.Clip(str(tmp_path / name))
        assert caught.value.code == "bad-input"
        assert "%s is 32 x 24 pixels" % named in caught.value.message
