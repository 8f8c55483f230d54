"""gimpshelf for the stubs: values kept for the GIMP session (here, the plug-in process)."""


class _Shelf(object):
    """The real shelf pickles into gimp.set_data; in one process a dict behaves the same."""

    def __init__(self):
        self._values = {}

    def has_key(self, key):
        return key in self._values

    def __contains__(self, key):
        return key in self._values

    def __getitem__(self, key):
        return self._values[key]

    def __setitem__(self, key, value):
        self._values[key] = value


shelf = _Shelf()
