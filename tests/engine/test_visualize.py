"""Class visualisation: the class score rises, and the natural-image prior keeps pictures smooth."""
import numpy as np
import pytest
import torch

from inceptionism import catalogue, classes, objectives, param, visualize
from inceptionism.errors import Cancelled, InceptionismError

BANANA = classes.find_class("banana", "googlenet")


@pytest.fixture(scope="module")
def logits(engine):
    return engine.network("googlenet", [catalogue.LOGITS])


def score(network, picture):
    with torch.no_grad():
        return objectives.class_logit(BANANA)(network(network.normalise(picture))).item()


def high_frequency_share(picture):
    """The share of the luminance's spectral power above half the Nyquist frequency: natural
    photographs keep most of their power at low frequencies (their spectrum falls as 1/f^2)."""
    gray = picture[0].mean(0)
    power = torch.fft.rfft2(gray - gray.mean()).abs() ** 2
    fy = torch.fft.fftfreq(gray.shape[0])[:, None]
    fx = torch.fft.rfftfreq(gray.shape[1])[None, :]
    return (power[(fx ** 2 + fy ** 2).sqrt() > 0.25].sum() / power.sum()).item()


@pytest.mark.parametrize("prior", [0.0, 1.0])
def test_class_score_rises(logits, prior):
    before = visualize.visualize(logits, objectives.class_logit(BANANA), (64, 64), 0, prior, seed=1)
    after = visualize.visualize(logits, objectives.class_logit(BANANA), (64, 64), 48, prior, seed=1)
    assert score(logits, after) > score(logits, before) + 0.2


def test_prior_gives_less_high_frequency_energy_at_the_same_score(logits):
    objective = objectives.class_logit(BANANA)
    raw = visualize.visualize(logits, objective, (64, 64), 32, 0.0, seed=2)
    target = score(logits, raw)
    for steps in range(4, 65, 4):  # the prior's ascent, run until it scores as high
        natural = visualize.visualize(logits, objective, (64, 64), steps, 1.0, seed=2)
        if score(logits, natural) >= target:
            break
    assert score(logits, natural) >= target, "the prior never reached raw pixels' score"
    assert high_frequency_share(natural) < 0.5 * high_frequency_share(raw)


def test_fourier_parametrisation_starts_from_a_picture_exactly():
    start = torch.rand(1, 3, 20, 31) * 0.8 + 0.1
    _, render = param.fourier_image(20, 31, start=start)
    assert torch.allclose(render(), start, atol=1e-4)


def test_engine_visualize_from_noise_and_from_a_layer(engine):
    noise, meta = engine.visualize({"class-name": "banana", "width": 40, "height": 32, "steps": 2})
    assert noise.shape == (32, 40, 3) and noise.dtype == np.uint8
    assert (meta["class_index"], meta["class_name"], meta["random_weights"]) == (BANANA, "banana", True)
    layer = np.random.RandomState(0).randint(0, 65535, (30, 20, 2)).astype(np.uint16)
    painted, _ = engine.visualize({"class-name": "954", "start": "layer", "steps": 2}, layer)
    assert painted.shape == layer.shape and painted.dtype == np.uint16
    assert (painted[:, :, 1] == layer[:, :, 1]).all()  # alpha untouched
    assert not (painted[:, :, 0] == layer[:, :, 0]).all()


def test_unknown_class_suggests_names():
    with pytest.raises(InceptionismError) as raised:
        classes.find_class("bananna split!", "googlenet")
    assert raised.value.code == "bad-settings" and "banana" in raised.value.message
    assert classes.find_class("Tabby", "googlenet") == classes.categories("googlenet").index("tabby")
    assert classes.find_class("7", "googlenet") == 7


def test_visualize_cancels_within_a_step(engine):
    calls = []
    with pytest.raises(Cancelled):
        engine.visualize({"class-name": "banana", "width": 32, "height": 32, "steps": 50},
                         should_stop=lambda: calls.append(1) or len(calls) > 3)
    assert len(calls) == 4
