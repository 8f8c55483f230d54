"""Shared pieces for the engine tests: tiny synthetic pictures and one random-weights engine."""
import numpy as np
import pytest

from inceptionism import images, models
from inceptionism.engine import Engine


def picture(height, width, channels=3, dtype=np.uint8, seed=0):
    """A smooth photo-like H x W x C picture (gradients and waves, a little noise) of any kind."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    planes = [0.5 + 0.4 * np.sin(x / 7.0 + k) * np.cos(y / 5.0 - k) for k in range(channels)]
    noise = rng.uniform(-0.05, 0.05, (height, width, channels))
    values = np.clip(np.stack(planes, axis=2) + noise, 0, 1)
    return images.encode(values.astype(np.float32), dtype)


@pytest.fixture
def make_picture():
    return picture


@pytest.fixture
def quick():
    """Light settings: a low layer and few steps keep each dream here well under a second."""
    return {"model": "googlenet", "layer": "inception3a", "octaves": 2, "iterations": 2}


@pytest.fixture(scope="session")
def engine():
    return Engine(device="cpu", random_weights=True)


@pytest.fixture
def one_engine(engine, monkeypatch):
    """Every command (cli.main) gets the session's random-weights engine (building one per
    command would cost seconds each), which speaks on stderr as cli._engine's does; the list
    counts how many times a command asked for one."""
    from inceptionism import cli
    asked = []
    monkeypatch.setattr(engine, "log", cli._say)
    monkeypatch.setattr(cli, "_engine", lambda args, values: asked.append(1) or engine)
    return asked


@pytest.fixture(scope="session")
def random_build():
    """models.build(model, random_weights=True), built once per model for the whole session."""
    built = {}

    def build(model):
        if model not in built:
            built[model] = models.build(model, random_weights=True)
        return built[model]
    return build


@pytest.fixture(scope="session")
def googlenet(random_build):
    return random_build("googlenet")


@pytest.fixture
def no_weights(tmp_path, monkeypatch):
    """An empty data folder and no random-weights request in the environment."""
    monkeypatch.setenv("INCEPTIONISM_HOME", str(tmp_path))
    monkeypatch.delenv("INCEPTIONISM_RANDOM_WEIGHTS", raising=False)
    return tmp_path
