"""Dream animation in a real, headless GIMP 3: the image's 6 layers are the frames (the bottom
one first), a new image holds 6 dreamed layers with the same names (so the same timings), the
selection applies to every frame, the source image is left alone, a worker that dies mid-way
leaves the frames done with a clear message, what is not an animation is refused, and a worker
told to use a Ray cluster spreads the frames over it and gives one machine's animation."""
import re

import numpy as np
import pytest

from inceptionism import errors, protocol
from real_gimp import FAST, ON_CLUSTER, REFUSED_WORDS, assert_recipe, assert_refused, \
    assert_source_untouched, frames, pixels, succeeded

pytestmark = pytest.mark.gimp

NAMES = ["Frame 1 (80ms) (replace)", "Frame 2 (120ms) (combine)", "Frame 3 (80ms)",
         "Frame 4 (200ms) (replace)", "Frame 5 (80ms) (replace)", "Frame 6"]  # as cases.py
SELECTION = (8, 6, 40, 30)
WIDTH, HEIGHT = 64, 48


def made(run, name):
    images = run.cases[name]["new_images"]
    assert len(images) == 1, "expected one new image, got %d" % len(images)
    return images[0]


def source_frame(index):
    """cases.py's pattern for frame index (RGB, its red moved 2 pixels a frame)."""
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
    return np.stack([((x + 2 * index) * 4 + y) % 256, (y * 5 + 40) % 256, (x * y) % 256],
                    axis=2)


def test_six_frames_become_six_dreamed_layers_with_their_names_in_a_new_image(gimp_run):
    case = succeeded(gimp_run, "animation")
    image = made(gimp_run, "animation")
    assert case["returned"] == image["id"]
    assert gimp_run.registered["python-fu-inceptionism-animate"]["return_values"] == ["image"]
    assert [layer["name"] for layer in image["layers"]] == NAMES[::-1]
    assert all((layer["size"], layer["offsets"]) == ([WIDTH, HEIGHT], [0, 0])
               for layer in image["layers"])
    assert_recipe(image, "animate", FAST["animate"])


def test_the_selection_applies_to_every_frame(gimp_run):
    x, y, width, height = SELECTION
    frames = [pixels(gimp_run, layer["pixels"]).astype(int)
              for layer in reversed(made(gimp_run, "animation")["layers"])]
    for index, frame in enumerate(frames):
        inside = np.zeros((HEIGHT, WIDTH), bool)
        inside[y:y + height, x:x + width] = True
        source = source_frame(index)
        assert (frame[~inside] == source[~inside]).all(), "frame %d changed outside" % index
        assert np.abs(frame[inside] - source[inside]).mean() > 1, "frame %d not dreamed" % index


@pytest.mark.parametrize("name", ["animation", "animation_worker_dies"])
def test_the_source_image_is_left_alone(gimp_run, name):
    case = gimp_run.cases[name]
    assert_source_untouched(gimp_run, name)
    assert case["layers_after"] == case["layers_before"]
    made_ids = set(str(item["id"]) for image in case["new_images"]
                   for item in [image] + image["layers"])
    assert [call for call in gimp_run.traces.get(name, []) if call[1] not in made_ids] == []


def test_frames_done_before_the_worker_died_are_kept_with_a_clear_message(gimp_run):
    case = gimp_run.cases["animation_worker_dies"]
    assert case["status"] == "execution-error"
    assert "2 of 6 frames were dreamed and are kept in the new image" in case["message"]
    assert errors.CODES["worker-crashed"] in case["message"]
    assert [layer["name"] for layer in made(gimp_run, "animation_worker_dies")["layers"]] == [
        NAMES[1], NAMES[0]]


@pytest.mark.parametrize("name, words", [
    ("animation_single_layer", "one layer, so it is one frame"),
    ("animation_layer_group", "is a layer group"),
    ("animation_sizes", "same size and place"),
])
def test_what_is_not_an_animation_gets_a_clear_answer(gimp_run, name, words):
    assert_refused(gimp_run, name, words)
    assert gimp_run.cases[name]["new_images"] == []


def test_a_cluster_that_is_not_there_is_told_in_one_line_not_as_a_broken_install(gimp_run):
    """worker.json names a cluster where nothing listens: the message says so (the engine is
    fine), and the image is left as it was."""
    name = "animation_cluster_unreachable"
    assert_refused(gimp_run, name, REFUSED_WORDS[name])
    message = gimp_run.cases[name]["message"]
    assert "install.py --check" not in message and errors.CODES["worker-crashed"] not in message
    assert gimp_run.cases[name]["new_images"] == []


def one_machine(sources, settings, threads):
    """The animation one engine here dreams from sources with torch on threads threads (as
    many as each cluster worker had: fewer or more round differently in the last bit)."""
    import torch
    from inceptionism.engine import Engine
    dreamed, before = {}, torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        Engine(device="cpu", random_weights=True).animate(
            ((source, None) for source in sources), protocol.checked_settings("animate", settings),
            len(sources), on_frame=lambda index, pixels, reused: dreamed.__setitem__(index, pixels))
    finally:
        torch.set_num_threads(before)
    return [dreamed[index].astype(int) for index in range(len(sources))]


@pytest.mark.parametrize("name", sorted(ON_CLUSTER))
def test_on_a_cluster_the_frames_are_spread_and_come_back_as_one_machine_dreams_them(gimp_run,
                                                                                     name):
    """worker.json's command names a cluster (local:2): the recipe says the frames went to its
    two workers; they come back in order, the same as one machine's at coherence 0 (free) and
    within a mean of 1/255 with coherence (smooth)."""
    case, image = succeeded(gimp_run, name), made(gimp_run, name)
    assert case["returned"] == image["id"]
    recipe = assert_recipe(image, "animate", dict(FAST["animate"], flicker=ON_CLUSTER[name]))
    spread = re.match(r"2 worker\(s\) on the Ray cluster \((\d+) CPU core\(s\) each\)$",
                      recipe["device"])
    assert spread, recipe["device"]
    assert [layer["name"] for layer in image["layers"]] == NAMES[:4][::-1]
    sources = [source_frame(index).astype(np.uint8) for index in range(4)]
    expected = one_machine(sources, recipe["settings"], int(spread.group(1)))
    dreamed = frames(gimp_run, image)
    differences = [np.abs(a - b).mean() for a, b in zip(expected, dreamed)]
    assert all(np.abs(a - source).mean() > 1 for a, source in zip(dreamed, sources))
    if recipe["settings"]["coherence"] == 0:
        assert differences == [0.0] * 4, differences
    else:
        assert max(differences) <= 1.0, differences
