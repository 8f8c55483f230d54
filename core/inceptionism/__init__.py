"""Inceptionism: DeepDream for GIMP and the command line.

The modules in PLUGIN_SIDE use only the standard library and run inside GIMP's own Python (2.7 or
3.x) as well: install.py copies them beside the plug-ins, and the tests import each of them under a
real Python 2.7. The torch modules never load there.
"""
from .catalogue import load_manifest as _load_manifest

# The one list of the plug-in side (install.py, the tests and docs/architecture.md read it).
PLUGIN_SIDE = ("__init__", "catalogue", "looks", "settings", "errors", "paths", "protocol",
               "client", "preview", "plugin_support", "preview_runner", "animation")

_MANIFEST = _load_manifest()
__version__ = _MANIFEST["version"]
PROTOCOL_VERSION = _MANIFEST["protocol"]
