"""Giving the memory that start-up, and then encoding, freed back to the operating system."""

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)


def return_free_memory() -> None:
    """Ask glibc to hand its free heap pages back (`malloc_trim`).

    Start-up (migrations, unpickling the bundle, loading the embedder and its tokenizer) allocates and frees
    many small objects, and glibc keeps the freed pages of every thread's arena for reuse: trimming once when
    ready took ~22 MB off a demo bundle's ready process (`benchmarks/service_startup.py`). Serving, every
    forward pass frees activations of another size, and the heaps kept ~10 KB of free pages per report: the
    service trims every `housekeeping_seconds` too (`benchmarks/memory_growth.py`). Elsewhere than glibc this does
    nothing.
    """
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError, TypeError):
        log.debug("malloc_trim is not available (%s): free memory stays with the allocator", name)
        return
    trim(0)
