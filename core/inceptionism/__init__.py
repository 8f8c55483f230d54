"""Inceptionism: DeepDream for GIMP and the command line.

This package's stdlib-only modules (catalogue, settings, protocol, client, plugin_support)
also run inside GIMP's own Python (2.7 or 3.x); the torch modules never load there.
"""
from .catalogue import load_manifest as _load_manifest

_MANIFEST = _load_manifest()
__version__ = _MANIFEST["version"]
PROTOCOL_VERSION = _MANIFEST["protocol"]
