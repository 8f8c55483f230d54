"""The engine as the worker and the command line use it: any pixel kind in, the same kind out,
settings checked, failures an artist can act on reported as InceptionismError codes."""
import numpy as np
import pytest
import torch

from inceptionism import __version__, images, objectives, settings
from inceptionism.engine import (Engine, guide_activations, steady_step_times,
                                 with_memory_fallback)
from inceptionism.errors import InceptionismError


@pytest.mark.parametrize("channels,dtype", [(1, np.uint8), (2, np.uint16), (3, np.float32),
                                            (4, np.uint8), (4, np.uint16)])
def test_dream_returns_the_same_kind_of_pixels_with_alpha_untouched(engine, make_picture, quick,
                                                                    channels, dtype):
    pixels = make_picture(40, 56, channels, dtype)
    result, _ = engine.dream(pixels, quick)
    assert result.shape == pixels.shape and result.dtype == pixels.dtype
    if channels in (2, 4):
        assert np.array_equal(result[:, :, -1], pixels[:, :, -1])
    assert not np.array_equal(result[:, :, :1], pixels[:, :, :1])


def test_meta_records_everything_needed_to_dream_it_again(engine, make_picture, quick):
    _, meta = engine.dream(make_picture(32, 32), dict(quick, seed=5))
    assert meta["seed"] == 5 and meta["layer"] == "inception3a" and meta["model"] == "googlenet"
    assert set(settings.defaults("dream")) <= set(meta)
    assert meta["engine_version"] == __version__ and meta["random_weights"] is True
    assert meta["device"] == "cpu" and meta["seconds"] > 0


def test_meta_says_how_long_each_octaves_steady_steps_took(engine, make_picture, quick):
    _, meta = engine.dream(make_picture(60, 45), dict(quick, octaves=2, iterations=3))
    speed = meta["speed"]
    assert [row[:2] for row in speed["octaves"]] == [[32 * 43, 2], [45 * 60, 2]]  # min side 32
    assert all(row[2] > 0 for row in speed["octaves"])
    assert speed["pixel_steps"] == 3 * (32 * 43 + 45 * 60)
    assert sum(row[2] for row in speed["octaves"]) < speed["seconds"] <= meta["seconds"]


@pytest.mark.parametrize("asked", ["float32", "bfloat16"])
def test_meta_and_log_say_what_the_dream_computed_in(monkeypatch, make_picture, quick, asked):
    monkeypatch.setenv("INCEPTIONISM_COMPUTE_DTYPE", asked)
    logged = []
    _, meta = Engine(device="cpu", random_weights=True, log=logged.append).dream(
        make_picture(32, 32), dict(quick, iterations=1))
    assert meta["speed"]["compute_dtype"] == asked
    assert any("computes in %s" % asked in line for line in logged)


def test_steady_step_times_leave_out_each_octaves_first_step():
    stamps = [0.0, 5.0, 6.0, 7.0, 20.0, 22.0, 24.0]  # first steps pay for the new size
    assert steady_step_times(stamps, [(10, 10), (20, 20)], 3) == [[100, 2, 2.0], [400, 2, 4.0]]
    assert steady_step_times([0.0, 1.5], [(10, 10)], 1) == [[100, 1, 1.5]]


@pytest.mark.parametrize("channels,dtype", [(1, np.uint16), (4, np.float32)])
def test_a_preview_is_8_bit_rgb_no_larger_than_its_side(engine, make_picture, quick, channels,
                                                        dtype):
    small, meta = engine.preview(make_picture(90, 60, channels, dtype), quick, 48)
    assert small.shape == (48, 32, 3) and small.dtype == np.uint8  # 90 x 60 (h x w) shrunk
    assert meta["speed"]["octaves"]


def test_same_seed_gives_the_same_picture(engine, make_picture, quick):
    pixels = make_picture(36, 36)
    assert np.array_equal(engine.dream(pixels, quick)[0], engine.dream(pixels, quick)[0])


def test_pixels_outside_the_mask_stay_exactly_as_they_were(engine, make_picture, quick):
    pixels = make_picture(40, 48, 4, np.uint16)
    mask = np.zeros((40, 48), np.float32)
    mask[:, 24:] = 1.0
    result, _ = engine.dream(pixels, quick, mask=mask)
    assert np.array_equal(result[:, :24], pixels[:, :24])
    assert not np.array_equal(result[:, 24:], pixels[:, 24:])


def test_preserve_colors_keeps_the_source_colours(engine, make_picture, quick):
    pixels = make_picture(40, 40, 3, np.float32)
    plain, _ = engine.dream(pixels, quick)
    kept, _ = engine.dream(pixels, dict(quick, **{"preserve-colors": True}))
    chroma = lambda rgb: rgb - rgb @ np.array([0.2126, 0.7152, 0.0722], np.float32)[:, None]
    changed = np.abs(chroma(plain) - chroma(pixels)).mean()
    assert np.abs(chroma(kept) - chroma(pixels)).mean() < 0.1 * changed


def test_a_guide_picture_steers_the_dream(engine, make_picture, quick):
    pixels = make_picture(40, 40)
    guided, _ = engine.dream(pixels, quick, guide=make_picture(30, 50, 3, np.uint8, seed=3))
    assert not np.array_equal(guided, engine.dream(pixels, quick)[0])


def test_the_guides_features_grow_more_with_the_guide_than_without(engine, make_picture, quick):
    """The guide objective (each position's best match with the guide's features) rises more in
    a guided dream than in a plain one from the same picture."""
    pixels, guide = make_picture(48, 48), make_picture(40, 60, 3, np.uint8, seed=5)[:, ::-1]
    values = dict(quick, iterations=8)
    network = engine.network(quick["model"], [quick["layer"]])
    objective = objectives.guide(quick["layer"], guide_activations(network, guide, quick["layer"]))

    def match(picture):
        rgb, _ = images.to_working(picture)
        with torch.no_grad():
            return objective(network(network.normalise(rgb))).item()
    before = match(pixels)
    guided = match(engine.dream(pixels, values, guide=np.ascontiguousarray(guide))[0]) - before
    plain = match(engine.dream(pixels, values)[0]) - before
    assert guided > 0 and guided > plain


def test_a_mix_dreams_both_layers_and_the_meta_records_it(engine, make_picture, quick):
    pixels = make_picture(40, 40)
    mixed, meta = engine.dream(pixels, dict(quick, **{"layer-2": "inception3b", "blend": 0.4}))
    assert (meta["layer-2"], meta["blend"]) == ("inception3b", 0.4)
    assert not np.array_equal(mixed, engine.dream(pixels, quick)[0])
    guided, meta = engine.dream(pixels, dict(quick, **{"layer-2": "inception3b"}),
                                guide=make_picture(30, 50, 3, np.uint8, seed=3))
    assert meta["guide"] == {"width": 50, "height": 30} and meta["layer-2"] == "inception3b"


@pytest.mark.parametrize("height,width", [(1, 1), (1, 300), (7, 3)])
def test_pictures_smaller_than_the_network_needs_still_dream(engine, make_picture, quick,
                                                             height, width):
    pixels = make_picture(height, width, 2, np.uint8)
    result, _ = engine.dream(pixels, quick)
    assert result.shape == pixels.shape


@pytest.mark.parametrize("values,words", [
    ({"layer": "inception9z"}, "inception9z"),
    ({"octaves": 20}, "between 1 and 8"),
    ({"model": "vgg16", "layer": "inception5a"}, "belongs to googlenet"),
    ({"channel": 600, "layer": "inception3a"}, "from 0 to 255"),
    ({"iterations": "many"}, "number"),
    ({"frames": 3}, "Unknown setting"),
])
def test_bad_settings_are_explained(engine, make_picture, values, words):
    with pytest.raises(InceptionismError) as caught:
        engine.dream(make_picture(16, 16), dict({"iterations": 1, "octaves": 1}, **values))
    assert caught.value.code == "bad-settings" and words in caught.value.message


def test_a_channel_and_a_guide_together_are_refused(engine, make_picture, quick):
    with pytest.raises(InceptionismError, match="either a channel or a guide"):
        engine.dream(make_picture(16, 16), dict(quick, channel=3), guide=make_picture(16, 16))


def test_an_empty_picture_is_refused(engine, quick):
    with pytest.raises(InceptionismError) as caught:
        engine.dream(np.zeros((0, 5, 3), np.uint8), quick)
    assert caught.value.code == "bad-input"


def test_missing_weights_without_the_random_flag_fail_clearly(no_weights, make_picture, quick):
    with pytest.raises(InceptionismError) as caught:
        Engine(device="cpu").dream(make_picture(16, 16), quick)
    assert caught.value.code == "missing-weights"


def test_info_lists_devices_and_the_state_of_each_models_weights(no_weights, engine):
    assert engine.info()["models"]["googlenet"] == "random" and engine.info()["random_weights"]
    info = Engine(device="cpu").info()
    assert info["device"] == "cpu" and "cpu" in info["devices"] and info["random_weights"] is False
    assert info["models"] == {"googlenet": "missing", "efficientnet_lite0": "present",
                              "inception_v3": "missing", "vgg16": "missing",
                              "resnet50": "missing"}


def test_an_unknown_device_names_the_usable_ones():
    with pytest.raises(InceptionismError) as caught:
        Engine(device="tpu")
    assert caught.value.code == "bad-settings" and "cpu" in caught.value.message


def test_gpu_out_of_memory_tries_smaller_tiles_then_the_cpu():
    attempts, lines = [], []

    def attempt(device, tile):
        attempts.append((device.type, tile))
        if device.type == "cuda":
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return "dreamed"
    result, device = with_memory_fallback(attempt, "cuda", 512, lines.append)
    assert result == "dreamed" and device.type == "cpu"
    assert attempts == [("cuda", 512), ("cuda", 256), ("cuda", 128), ("cpu", 128)]
    assert len(lines) == 3 and "CPU" in lines[-1]


@pytest.mark.parametrize("failure", [
    MemoryError(),
    RuntimeError("[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: can't "
                 "allocate memory: you tried to allocate 40000000000000 bytes."),
])
def test_cpu_out_of_memory_is_an_out_of_memory_error(failure):
    def attempt(device, tile):
        raise failure
    with pytest.raises(InceptionismError) as caught:
        with_memory_fallback(attempt, "cpu", 512, lambda line: None)
    assert caught.value.code == "out-of-memory"


def test_other_failures_are_not_mistaken_for_memory():
    def attempt(device, tile):
        raise RuntimeError("shape mismatch")
    with pytest.raises(RuntimeError, match="shape mismatch"):
        with_memory_fallback(attempt, "cpu", 512, lambda line: None)


def test_networks_are_loaded_once_and_kept(engine):
    first = engine.network("googlenet", ["inception3a"])
    assert engine.network("googlenet", ["inception3a"]) is first
