"""Pixels of every kind reach the dream and come back as the same kind, alpha untouched."""
import numpy as np
import pytest
import torch

from inceptionism import images
from inceptionism.errors import InceptionismError

KINDS = [(channels, dtype) for channels in (1, 2, 3, 4)
         for dtype in (np.uint8, np.uint16, np.float32)]


@pytest.mark.parametrize("channels,dtype", KINDS)
def test_round_trip_keeps_size_kind_and_values(make_picture, channels, dtype):
    pixels = make_picture(5, 7, channels, dtype)
    rgb, source = images.to_working(pixels)
    assert rgb.shape == (1, 3, 5, 7) and rgb.dtype == torch.float32
    back = images.from_working(rgb, source)
    assert back.shape == pixels.shape and back.dtype == pixels.dtype
    np.testing.assert_allclose(back.astype(np.float64), pixels.astype(np.float64), atol=1e-6)


@pytest.mark.parametrize("channels", [2, 4])
def test_alpha_passes_through_even_when_colour_changes(make_picture, channels):
    pixels = make_picture(4, 6, channels, np.uint16)
    rgb, source = images.to_working(pixels)
    back = images.from_working(1.0 - rgb, source)
    assert np.array_equal(back[:, :, -1], pixels[:, :, -1])
    assert not np.array_equal(back[:, :, :-1], pixels[:, :, :-1])


def test_gray_comes_back_as_the_luma_of_the_dreamed_colours():
    rgb = torch.tensor([1.0, 0.0, 0.0]).view(1, 3, 1, 1)
    _, source = images.to_working(np.zeros((1, 1, 1), np.uint8))
    assert images.from_working(rgb, source)[0, 0, 0] == round(255 * images.LUMA[0])


def test_preserve_colors_changes_luma_only():
    source = torch.rand(1, 3, 4, 4, generator=torch.Generator().manual_seed(1)) * 0.5 + 0.25
    dreamed = source + torch.tensor([0.1, -0.05, 0.02]).view(1, 3, 1, 1)
    kept = images.preserve_colors(source, dreamed)
    luma = torch.tensor(images.LUMA).view(1, 3, 1, 1)
    torch.testing.assert_close((kept * luma).sum(1), (dreamed * luma).sum(1))
    chroma = lambda t: t - (t * luma).sum(1, keepdim=True)
    torch.testing.assert_close(chroma(kept), chroma(source))


def test_blend_is_exact_where_the_mask_is_zero(make_picture):
    original, dreamed = make_picture(4, 4, 4, np.uint16), make_picture(4, 4, 4, np.uint16, seed=1)
    mask = torch.tensor([[0.0, 0.0, 0.5, 1.0]] * 4)[None, None]
    mixed = images.blend(original, dreamed, mask)
    assert np.array_equal(mixed[:, :2], original[:, :2])
    assert np.array_equal(mixed[:, 3], dreamed[:, 3])
    expected = np.rint((original[:, 2].astype(float) + dreamed[:, 2]) / 2)
    assert np.array_equal(mixed[:, 2], expected.astype(np.uint16))


@pytest.mark.parametrize("dtype,itemsize", [("u8", 1), ("u16", 2), ("f32", 4)])
def test_bytes_round_trip(make_picture, dtype, itemsize):
    pixels = make_picture(3, 5, 2, images.WIRE_DTYPES[dtype].newbyteorder("="))
    data = images.to_bytes(pixels)
    assert len(data) == 3 * 5 * 2 * itemsize
    assert images.wire_dtype(pixels) == dtype
    assert np.array_equal(images.from_bytes(data, 5, 3, 2, dtype), pixels)


def test_bytes_are_little_endian():
    assert images.to_bytes(np.array([[[0x0102]]], np.uint16)) == b"\x02\x01"
    assert images.from_bytes(b"\x02\x01", 1, 1, 1, "u16")[0, 0, 0] == 0x0102


@pytest.mark.parametrize("data,dtype,words", [(b"\x00" * 5, "u8", "Expected 6 bytes"),
                                              (b"\x00" * 6, "u32", "Unknown sample type")])
def test_bad_bytes_are_refused(data, dtype, words):
    with pytest.raises(InceptionismError) as caught:
        images.from_bytes(data, 3, 2, 1, dtype)
    assert caught.value.code == "bad-input" and words in caught.value.message


@pytest.mark.parametrize("pixels,words", [
    (np.zeros((0, 0, 3), np.uint8), "empty"),
    (np.zeros((4, 4, 5), np.uint8), "5 channels"),
    (np.zeros((4, 4, 3), np.int64), "int64"),
    (np.zeros((4, 4), np.uint8), "rows, columns and channels"),
])
def test_unusable_pictures_are_refused_in_plain_words(pixels, words):
    with pytest.raises(InceptionismError) as caught:
        images.to_working(pixels)
    assert caught.value.code == "bad-input" and words in caught.value.message


def test_mask_of_the_wrong_size_is_refused():
    with pytest.raises(InceptionismError, match="mask is 3 x 2 pixels but the image is 4 x 4"):
        images.mask_plane(np.ones((2, 3)), 4, 4)


@pytest.mark.parametrize("channels,dtype,name", [(1, np.uint8, "a.png"), (4, np.uint8, "a.png"),
                                                 (2, np.uint8, "a.png"), (3, np.uint8, "a.bmp"),
                                                 (1, np.uint16, "a.png"), (2, np.uint16, "a.png"),
                                                 (3, np.uint16, "a.png"), (4, np.uint16, "a.png")])
def test_files_keep_channels_and_bit_depth(make_picture, tmp_path, channels, dtype, name):
    pixels = make_picture(6, 9, channels, dtype)
    path = str(tmp_path / name)
    images.write_image(path, pixels)
    assert np.array_equal(images.read_image(path), pixels)


def test_float_pictures_are_written_as_16_bit_png(make_picture, tmp_path):
    pixels = make_picture(4, 4, 3, np.float32)
    images.write_image(str(tmp_path / "f.png"), pixels)
    expected = images.encode(pixels, np.uint16)
    assert np.array_equal(images.read_image(str(tmp_path / "f.png")), expected)


def test_16_bit_pictures_need_png(make_picture, tmp_path):
    with pytest.raises(InceptionismError, match="only be saved as PNG"):
        images.write_image(str(tmp_path / "a.jpg"), make_picture(4, 4, 3, np.uint16))


def test_palette_and_bilevel_files_arrive_as_rgb_rgba_or_gray(tmp_path):
    from PIL import Image
    palette = Image.new("P", (3, 2))
    palette.putpalette([255, 0, 0, 0, 255, 0] * 128)
    palette.save(str(tmp_path / "p.png"))
    palette.save(str(tmp_path / "pt.png"), transparency=0)
    Image.new("1", (3, 2), 1).save(str(tmp_path / "b.png"))
    assert images.read_image(str(tmp_path / "p.png"))[0, 0].tolist() == [255, 0, 0]
    assert images.read_image(str(tmp_path / "pt.png"))[0, 0].tolist() == [255, 0, 0, 0]
    assert images.read_image(str(tmp_path / "b.png"))[0, 0].tolist() == [255]
