"""Tests always import the engine from this checkout's core/, whatever the venv has installed;
the helpers shared across the test folders (tests/*.py) import from anywhere."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "core"))
sys.path.insert(1, os.path.join(ROOT, "tests"))
