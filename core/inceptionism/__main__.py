"""`python -m inceptionism`: the same as the `inceptionism` command."""
import sys

from .cli import command

sys.exit(command())
