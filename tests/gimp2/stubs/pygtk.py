"""pygtk for the stubs: require() picks the GTK version, as gimpfu and gimpui call it."""


def require(version):
    if version != "2.0":
        raise ValueError("required version '%s' not found" % version)
