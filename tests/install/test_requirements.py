"""The oldest torch the installer allows has every torch API the engine uses."""
import os
import re

import install

CORE = os.path.join(install.ROOT, "core")
# torch APIs the engine uses that appeared late, and the torch release that brought each.
API_SINCE = {
    "torch.OutOfMemoryError": (2, 5),  # one class for every device's out-of-memory error
    "assign=True": (2, 1),  # load_state_dict onto a network built on the meta device
    "torch.cpu._is_amx_tile_supported": (2, 3),
    "with torch.device(": (2, 0),  # a device as a context manager
}
# torchvision release -> the torch release it is built for (torchvision 0.20 goes with 2.5).
TORCHVISION_FOR = {(0, 20): (2, 5)}


def floor(requirements, package):
    found = [r for r in requirements if re.match(package + ">=", r)]
    assert len(found) == 1, requirements
    return tuple(int(part) for part in found[0].split(">=")[1].split("."))


def engine_source():
    folder = os.path.join(CORE, "inceptionism")
    return "".join(open(os.path.join(folder, name)).read()
                   for name in sorted(os.listdir(folder)) if name.endswith(".py"))


def test_the_torch_floor_has_every_api_the_engine_uses():
    source = engine_source()
    torch_floor = floor(install.REQUIREMENTS, "torch")
    for api, since in API_SINCE.items():
        assert api in source, "%s is no longer used: drop it from API_SINCE" % api
        assert torch_floor >= since, "%s needs torch %d.%d" % ((api,) + since)
    assert TORCHVISION_FOR[floor(install.REQUIREMENTS, "torchvision")] == torch_floor


def test_the_installer_and_the_package_ask_for_the_same_versions():
    with open(os.path.join(CORE, "pyproject.toml")) as handle:
        declared = re.search(r"dependencies = \[(.*?)\]", handle.read(), re.S).group(1)
    packaged = [part.strip().strip('"') for part in declared.split(",")]
    assert [r for r in install.REQUIREMENTS if not r.startswith("setuptools")] == packaged


def test_one_python_floor_everywhere():
    """install.py, the package, the README, the architecture notes and CI say the same."""
    texts = {}
    for path in ("install.py", "README.md", os.path.join("docs", "architecture.md"),
                 os.path.join("core", "pyproject.toml"), os.path.join(".ci", "run")):
        with open(os.path.join(install.ROOT, path)) as handle:
            texts[path] = set(re.findall(r"Python (3\.\d+)|>=(3\.\d+)", handle.read()))
    versions = dict((path, set(v for pair in found for v in pair if v))
                    for path, found in texts.items())
    assert all(found == {"3.9"} for found in versions.values()), versions
