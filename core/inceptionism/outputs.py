"""Where the command line writes: never over what it reads, never through a link it did not
make, and whole or not at all.

A file OUT is written as NAME.part.EXT beside it, then renamed over OUT: a full disk or a crash
leaves the old OUT (or nothing) and no truncated file under OUT's name. Files are created without
following links (O_NOFOLLOW; where that is missing, a link found by lstat is refused), so a link
planted at a name the command writes cannot send the bytes elsewhere.
"""
import os
import stat

from .errors import InceptionismError

NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


def refuse_overlap(outputs, inputs, folders=()):
    """bad-settings, before anything is read, when an output is one of the inputs (links and
    hard links count) or lies inside a folder that is read or worked in.

    outputs: paths to write; inputs: (what, path) pairs, path None when not given; folders:
    (what, folder) pairs no output may be inside (a folder of frames, the work folder)."""
    for out in outputs:
        for what, path in inputs:
            if path is not None and same_file(out, path):
                raise InceptionismError("bad-settings", "%s is also the %s: writing it would "
                                        "destroy what is dreamed on. Choose another name."
                                        % (out, what))
        for what, folder in folders:
            if folder is not None and _inside(out, folder):
                raise InceptionismError("bad-settings", "%s is inside %s, the %s. Write it "
                                        "somewhere else." % (out, folder, what))


def check_folder(path):
    """bad-settings, before any dreaming, unless path's folder is there to write into."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InceptionismError("bad-settings", "Cannot write %s: %s is not a folder." % (
            path, folder))
    if not os.access(folder, os.W_OK):
        raise InceptionismError("bad-settings", "Cannot write %s: the folder %s is not yours to "
                                "write in." % (path, folder))


def same_file(a, b):
    """Whether a and b name one file: the same inode where both exist, else the same real path."""
    if os.path.exists(a) and os.path.exists(b):
        return os.path.samefile(a, b)
    return os.path.realpath(a) == os.path.realpath(b)


def _inside(path, folder):
    if not os.path.isdir(folder):
        return False
    real, home = os.path.realpath(path), os.path.realpath(folder)
    return real == home or real.startswith(home.rstrip(os.sep) + os.sep)


def part_name(path):
    """The temporary name a file is written under before it becomes path: NAME.part.EXT."""
    return "%s.part%s" % os.path.splitext(path)


def open_new(path):
    """A binary file made (or emptied) for writing at path, never through a link."""
    refuse_link(path)
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | NO_FOLLOW, 0o666),
                     "wb")


def open_own(path):
    """A file this command wrote earlier, opened to read without following a link."""
    refuse_link(path)
    return os.fdopen(os.open(path, os.O_RDONLY | NO_FOLLOW), "rb")


def refuse_link(path):
    """bad-input if path is a link (the one check there is where O_NOFOLLOW is missing)."""
    if os.path.islink(path):
        raise InceptionismError("bad-input", "%s is a link, where this command writes a file of "
                                "its own; remove the link." % path)


def write_whole(path, write):
    """write(temporary path), then rename it to path; on any failure the temporary file is
    removed and path is as it was. Errors of the file system become one bad-input line."""
    temporary = part_name(path)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException as error:
        remove_own_file(temporary)
        if isinstance(error, (IOError, OSError)):
            raise cannot_write(path, error)
        raise


def remove_own_file(path):
    """Remove a plain file this command wrote (a link or folder in its place stays)."""
    try:
        if stat.S_ISREG(os.lstat(path).st_mode):
            os.remove(path)
    except OSError:
        pass


def make_folder(path, what):
    """Make the folder path (and those above it); bad-settings in plain words if it cannot be."""
    if os.path.isdir(path):
        return
    if os.path.lexists(path):
        raise InceptionismError("bad-settings", "%s, the %s, is a file, not a folder."
                                % (path, what))
    try:
        os.makedirs(path)
    except OSError as error:
        raise InceptionismError("bad-settings", "Cannot make the %s %s: %s"
                                % (what, path, reason(error)))


def cannot_write(path, error):
    return InceptionismError("bad-input", "Cannot write %s: %s" % (path, reason(error)))


def reason(error):
    """The first line of an error, in the system's words."""
    return getattr(error, "strerror", None) or str(error).splitlines()[0]
