"""How the index's preallocated arrays grow."""

GROWTH = 1.25
"""Capacity grows by a quarter, not doubled: the spare rows average ~11 % of the held ones instead of ~39 % (up to
100 % just after doubling). Growths are ~3x as frequent, and amortised each row added costs 4 row copies instead of 1:
at ~3 KB a row, still a small part of indexing a report."""
MIN_CAPACITY = 1024


def grown_capacity(capacity: int, needed: int) -> int:
    """The capacity for `needed` rows when `capacity` is too small."""
    return max(needed, int(capacity * GROWTH), MIN_CAPACITY)
