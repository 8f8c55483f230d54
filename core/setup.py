"""Takes the version from the project's manifest.json and ships a copy inside the package."""
import json
import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
TOP_MANIFEST = os.path.join(HERE, "..", "manifest.json")
PACKAGE_MANIFEST = os.path.join(HERE, "inceptionism", "manifest.json")


class BuildWithManifest(build_py):
    def run(self):
        super().run()
        source = TOP_MANIFEST if os.path.exists(TOP_MANIFEST) else PACKAGE_MANIFEST
        shutil.copyfile(source, os.path.join(self.build_lib, "inceptionism", "manifest.json"))


def _version():
    source = TOP_MANIFEST if os.path.exists(TOP_MANIFEST) else PACKAGE_MANIFEST
    with open(source) as handle:
        return json.load(handle)["version"]


setup(version=_version(), cmdclass={"build_py": BuildWithManifest})
