"""Tensor memory kept between the steps of a dream, given back to the system after it.

Every gradient step allocates the network's activations afresh: tens of tensors of up to tens
of megabytes each (0.6 KB per pixel in float32). glibc's malloc serves blocks above its mmap
threshold (128 KB, raised on the fly to at most 32 MB) from fresh mappings of zeroed pages and
unmaps them on free, so each step page-faulted its whole working set in again: about 40,000
faults and 7 to 12 % of a 768² float32 step (docs/performance.md, "Memory between steps").
During a dream the blocks below MMAP_THRESHOLD are kept in malloc's heap instead and reused by
the next step; blocks above it (picture-sized buffers of a huge picture) are still mapped and
unmapped, so they do not fragment the heap. When an octave starts, and after the dream, the
heap's free memory goes back to the system: the smaller octaves' buffers do not stay on top of
the larger ones', and a warm worker does not hold on to memory between dreams.

Only glibc (Linux) has these knobs; elsewhere this does nothing.
"""
import contextlib
import ctypes
import os

# mallopt(3) parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3

# Larger than any activation of a tile (64 channels x 1024² at most: 256 MB in float32).
MMAP_THRESHOLD = 512 << 20
# Free memory at the top of the heap is not given back during a dream...
TRIM_THRESHOLD = 1 << 30


def _glibc():
    """glibc's handle, or None on other C libraries (musl, macOS, Windows)."""
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return None
        return ctypes.CDLL("libc.so.6")
    except (AttributeError, ValueError, OSError):
        return None


_LIBC = _glibc()


@contextlib.contextmanager
def kept_between_steps():
    """Within the block, freed tensor memory stays in the process for the next step; at its
    end, free memory goes back to the system."""
    if _LIBC is not None:
        _LIBC.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        _LIBC.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    try:
        yield
    finally:
        give_back()


def give_back():
    """Return the heap's free memory to the system (malloc_trim): at the end of a dream, and
    between the octaves of a tiled picture, so that the smaller octave's picture-sized buffers
    do not stay beside the larger one's (kept, they raised an 8000² dream's peak by 0.6 GB)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
