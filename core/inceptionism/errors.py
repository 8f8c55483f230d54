"""Errors that reach an artist: a code for programs, a message in plain words, a detail for the log.

Standard library only, Python 2.7 compatible: the worker raises these and sends their code over
the protocol; the plug-in side raises them again from the code, so both sides share one list.
"""

# code -> what the artist is told when no more specific message was given.
CODES = {
    "bad-input": "This image cannot be dreamed on.",
    "bad-settings": "A setting is out of range.",
    "missing-weights": "The network file is not installed.",
    "bad-weights": "The network file is damaged or not the right file.",
    "out-of-memory": "Not enough memory. Try a smaller selection or a smaller tile size.",
    "cancelled": "Cancelled.",
    "worker-missing": "The Inceptionism engine is not installed. Run install.py.",
    "worker-crashed": "The Inceptionism engine stopped unexpectedly.",
    "worker-timeout": "The Inceptionism engine stopped answering.",
    "version-mismatch": "The plug-in and the engine are different versions. Run install.py again.",
    "protocol": "The Inceptionism engine sent something unreadable.",
    "internal": "Something went wrong inside the Inceptionism engine.",
}

# What to do about an error, worded for where it is shown: "gimp" (the plug-ins: an artist mends
# the install with the installer) or "cli" (the command line, which also takes a file of its own).
# The engine's message says what is wrong, in any front end's words; the front end adds this.
_WEIGHTS_ADVICE = {
    "gimp": "To install it, run: python3 install.py --all-models (offline: download the file "
            "the log names, then run: python3 install.py --weights-file FILE).",
    "cli": "Run python3 install.py --all-models, or download the file and pass it with "
           "--weights FILE.",
}
ADVICE = {"missing-weights": _WEIGHTS_ADVICE, "bad-weights": _WEIGHTS_ADVICE}


def advice(code, front_end):
    """What to do about an error with this code, in front_end's ("gimp", "cli") words; "" if
    the message says it all."""
    return ADVICE.get(code, {}).get(front_end, "")


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


def missing_weights(title, detail=""):
    """The error for a network whose file is not there; title: the manifest's, e.g. "VGG16"."""
    return InceptionismError("missing-weights", "The %s network file is not installed."
                             % title.split(" (")[0], detail)


def from_code(code, message=None, detail=""):
    """The exception for a code received over the protocol (an unknown code becomes internal)."""
    if code == "cancelled":
        return Cancelled(message, detail)
    if code not in CODES:
        return InceptionismError("internal", message, "unknown error code %r. %s" % (code, detail))
    return InceptionismError(code, message, detail)
