"""Tests always import the engine from this checkout's core/, whatever the venv has installed;
the helpers shared across the test folders (tests/*.py) import from anywhere."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "core"))
sys.path.insert(1, os.path.join(ROOT, "tests"))

import pytest  # noqa: E402

from inceptionism import catalogue  # noqa: E402

INSTALLED_HERE = catalogue.installed_networks


@pytest.fixture(autouse=True)
def every_network_installed(monkeypatch):
    """In the tests' own process every network counts as installed (the tests dream with random
    weights, which need no file), so auto and the Looks mean GoogLeNet as on an artist's full
    install; a test of the fallback asks for installed_here instead."""
    monkeypatch.setattr(catalogue, "installed_networks",
                        lambda weights_dir=None: set(catalogue.BY_NAME))


@pytest.fixture
def installed_here(monkeypatch):
    """catalogue.installed_networks as it is: the files in the weights folder decide."""
    monkeypatch.setattr(catalogue, "installed_networks", INSTALLED_HERE)
