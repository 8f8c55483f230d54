"""Errors that reach an artist: a code for programs, a message in plain words, a detail for the log.

Standard library only, Python 2.7 compatible: the worker raises these and sends their code over
the protocol; the plug-in side raises them again from the code, so both sides share one list.
"""

# code -> what the artist is told when no more specific message was given.
CODES = {
    "bad-input": "This image cannot be dreamed on.",
    "bad-settings": "A setting is out of range.",
    "missing-weights": "The network's weights are not installed. Run install.py again.",
    "bad-weights": "The network's weights file is damaged. Run install.py again to re-download it.",
    "out-of-memory": "Not enough memory. Try a smaller selection or a smaller tile size.",
    "cancelled": "Cancelled.",
    "worker-missing": "The Inceptionism engine is not installed. Run install.py.",
    "worker-crashed": "The Inceptionism engine stopped unexpectedly.",
    "worker-timeout": "The Inceptionism engine stopped answering.",
    "version-mismatch": "The plug-in and the engine are different versions. Run install.py again.",
    "protocol": "The Inceptionism engine sent something unreadable.",
    "internal": "Something went wrong inside the Inceptionism engine.",
}


class InceptionismError(Exception):
    """An error with a code from CODES, a message for the artist and a detail for the log."""

    def __init__(self, code, message=None, detail=""):
        if code not in CODES:
            raise ValueError("unknown error code %r" % (code,))
        self.code = code
        self.message = message or CODES[code]
        self.detail = detail
        Exception.__init__(self, self.message)


class Cancelled(InceptionismError):
    def __init__(self, message=None, detail=""):
        InceptionismError.__init__(self, "cancelled", message, detail)


def from_code(code, message=None, detail=""):
    """The exception for a code received over the protocol (an unknown code becomes internal)."""
    if code == "cancelled":
        return Cancelled(message, detail)
    if code not in CODES:
        return InceptionismError("internal", message, "unknown error code %r. %s" % (code, detail))
    return InceptionismError(code, message, detail)
