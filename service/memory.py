"""How the service's process uses glibc's allocator: large arrays mapped on their own, free pages given back."""

import ctypes
import ctypes.util
import logging
from functools import cache

log = logging.getLogger(__name__)

_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 1 << 20
"""Allocations from this size on are mapped on their own and unmapped when freed."""


@cache
def _libc_function(name: str):
    # Looked up once: find_library runs ldconfig in a subprocess, and housekeeping trims every 30 s.
    library = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(library), name)
    except (OSError, AttributeError, TypeError):
        log.debug("%s is not available (%s): the allocator keeps its defaults", name, library)
        return None


def configure_allocator(mmap_threshold: int = MMAP_THRESHOLD_BYTES) -> None:
    """Set glibc's allocator for a long-running service (`mallopt`): one heap for every thread, and the mmap
    threshold fixed at `mmap_threshold` bytes. Elsewhere than glibc this does nothing.

    glibc gives each thread that meets contention a heap (arena) of its own, up to eight per core, and a heap keeps
    what its threads freed between the blocks still in use: with two requests in flight, the server's free heap
    memory grew ~3 KB a report (`benchmarks/memory_growth.py --concurrency 2`). The interpreter lock serialises most
    of the service's allocations anyway, so one heap costs little. glibc also raises its mmap threshold to the size
    of every mapped block freed, up to 32 MiB: once the duplicate index had reallocated its arrays (they double as
    they grow, and compaction rebuilds them), arrays of megabytes came from the heap and left holes there; fixed, they
    are mapped apart and unmapped when freed.
    """
    mallopt = _libc_function("mallopt")
    if mallopt is None:
        return
    for option, value in ((_M_ARENA_MAX, 1), (_M_MMAP_THRESHOLD, mmap_threshold)):
        if not mallopt(option, value):
            log.debug("mallopt refused option %d = %d", option, value)


def return_free_memory() -> None:
    """Ask glibc to hand its free heap pages back (`malloc_trim`).

    Start-up (migrations, unpickling the bundle, loading the embedder and its tokenizer) allocates and frees
    many small objects, and glibc keeps the freed pages of every thread's arena for reuse: trimming once when
    ready took ~22 MB off a demo bundle's ready process (`benchmarks/service_startup.py`). Serving, every
    forward pass frees activations of another size, and the heaps kept ~10 KB of free pages per report: the
    service trims every `housekeeping_seconds` too (`benchmarks/memory_growth.py`). Elsewhere than glibc this does
    nothing.
    """
    trim = _libc_function("malloc_trim")
    if trim is not None:
        trim(0)
