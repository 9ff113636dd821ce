"""Exact-key lookup over row numbers that scales to millions of rows without a Python dict per key."""

from __future__ import annotations

import numpy as np

from models.duplicates.capacity import grown_capacity


class KeyLookup:
    """Rows whose key equals the query's, in any of `columns` key columns (one per LSH band, or just one).

    Keys live in a numpy matrix; a sorted copy per column answers lookups by binary search, and rows added
    since the last sort (the tail) are compared directly. The tail is sorted in once it passes a sixteenth
    of the sorted part, so lookups stay a few microseconds plus one vectorised scan of a bounded tail.
    """

    MIN_TAIL = 4096

    def __init__(self, columns: int, dtype: np.dtype | type) -> None:
        self.columns = columns
        self._keys = np.zeros((0, columns), dtype=dtype)
        self._size = 0
        self._sorted_keys = np.zeros((columns, 0), dtype=dtype)
        self._order = np.zeros((columns, 0), dtype=np.int32)

    def append(self, keys: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=self._keys.dtype).reshape(-1, self.columns)
        needed = self._size + len(keys)
        if needed > len(self._keys):
            grown = np.zeros((grown_capacity(len(self._keys), needed), self.columns), dtype=self._keys.dtype)
            grown[: self._size] = self._keys[: self._size]
            self._keys = grown
        self._keys[self._size : needed] = keys
        self._size = needed
        if self._size - self._order.shape[1] > max(self.MIN_TAIL, self._order.shape[1] // 16):
            self._sort()

    def _sort(self) -> None:
        keys = self._keys[: self._size].T
        # Stable, so rows with equal keys stay in insertion order and a bucket's end holds the newest rows.
        self._order = np.argsort(keys, axis=1, kind="stable").astype(np.int32)
        self._sorted_keys = np.take_along_axis(keys, self._order, axis=1)

    def rows(self, keys: np.ndarray, limit: int) -> np.ndarray:
        """Rows sharing a key with `keys` in the same column; at most the newest `limit` per column."""
        keys = np.asarray(keys, dtype=self._keys.dtype).reshape(self.columns)
        found = []
        for column, key in enumerate(keys):
            sorted_keys = self._sorted_keys[column]
            lo, hi = np.searchsorted(sorted_keys, key, "left"), np.searchsorted(sorted_keys, key, "right")
            if hi > lo:
                found.append(self._order[column, max(lo, hi - limit) : hi])
        n_sorted = self._order.shape[1]
        tail = np.nonzero((self._keys[n_sorted : self._size] == keys).any(axis=1))[0]
        if len(tail):
            found.append((tail[-limit:] + n_sorted).astype(np.int32))
        return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int32)

    def replace(self, rows: np.ndarray, keys: np.ndarray) -> None:
        """Give existing `rows` new keys (a report's text changed); the sorted part is re-sorted if it holds one."""
        rows = np.asarray(rows, dtype=np.int64)
        self._keys[rows] = np.asarray(keys, dtype=self._keys.dtype).reshape(-1, self.columns)
        if len(rows) and rows.min() < self._order.shape[1]:
            self._sort()

    @property
    def keys(self) -> np.ndarray:
        return self._keys[: self._size]

    def restore(self, keys: np.ndarray) -> None:
        self.__init__(self.columns, self._keys.dtype)
        self._keys = np.array(keys, dtype=self._keys.dtype).reshape(-1, self.columns)
        self._size = len(self._keys)
        self._sort()

    @property
    def nbytes(self) -> int:
        return self._keys.nbytes + self._sorted_keys.nbytes + self._order.nbytes
