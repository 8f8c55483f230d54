"""gimpcolor for the stubs: only the RGB type that gimpfu's type table names."""


class RGB(object):
    """gimpcolor.RGB(r, g, b, a=1.0); colours are not modelled beyond holding their values."""

    def __init__(self, r, g, b, a=1.0):
        self.r, self.g, self.b, self.a = r, g, b, a
