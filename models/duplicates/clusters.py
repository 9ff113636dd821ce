"""Duplicate groups: union-find over the links between reports, so a reviewer merges a group once."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from models.duplicates.capacity import grown_capacity


class Clusters:
    """Groups of row numbers joined by links; rows never linked are groups of one and cost 4 bytes each.

    Links are kept (as pairs with their origin) so a link can be taken back: ``unlink`` rebuilds the groups
    from the remaining links, which union-find alone cannot split.
    """

    AUTOMATIC = 0
    REVIEWER = 1

    def __init__(self) -> None:
        self._parent = np.zeros(0, dtype=np.int32)
        self._members: dict[int, list[int]] = {}  # root -> rows, only for groups of two or more
        self._links: dict[tuple[int, int], int] = {}  # (low, high) -> origin

    def grow(self, size: int) -> None:
        if size > len(self._parent):
            old = len(self._parent)
            parent = np.empty(grown_capacity(old, size), dtype=np.int32)
            parent[:old] = self._parent
            parent[old:] = np.arange(old, len(parent), dtype=np.int32)
            self._parent = parent

    def find(self, row: int) -> int:
        parent = self._parent
        root = row
        while parent[root] != root:
            root = int(parent[root])
        while parent[row] != root:  # path compression
            parent[row], row = root, int(parent[row])
        return root

    def link(self, a: int, b: int, origin: int = AUTOMATIC) -> None:
        if a == b:
            return
        key = (min(a, b), max(a, b))
        self._links[key] = max(origin, self._links.get(key, origin))
        self._union(a, b)

    def _union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return
        members_a = self._members.pop(root_a, [root_a])
        members_b = self._members.pop(root_b, [root_b])
        if len(members_a) < len(members_b):  # the larger group keeps its root
            root_a, root_b, members_a, members_b = root_b, root_a, members_b, members_a
        self._parent[root_b] = root_a
        members_a.extend(members_b)
        self._members[root_a] = members_a

    def unlink(self, a: int, b: int) -> bool:
        """Drop the link between `a` and `b` (if any) and regroup from the remaining links."""
        if self._links.pop((min(a, b), max(a, b)), None) is None:
            return False
        self._regroup()
        return True

    def _regroup(self) -> None:
        self._parent[:] = np.arange(len(self._parent), dtype=np.int32)
        self._members.clear()
        for x, y in self._links:
            self._union(x, y)

    def drop_rows(self, rows: Iterable[int]) -> None:
        """Forget every link of `rows` (removed reports), regrouping the others."""
        rows = set(rows)
        touched = [pair for pair in self._links if pair[0] in rows or pair[1] in rows]
        for pair in touched:
            del self._links[pair]
        if touched:
            self._regroup()

    def members(self, row: int) -> list[int]:
        return sorted(self._members.get(self.find(row), [row]))

    def links(self) -> np.ndarray:
        """(n, 3) int32: row a, row b, origin."""
        return np.array([(a, b, origin) for (a, b), origin in self._links.items()], dtype=np.int32).reshape(-1, 3)

    def restore(self, size: int, links: np.ndarray) -> None:
        self.__init__()
        self.grow(size)
        for a, b, origin in np.asarray(links, dtype=np.int64).reshape(-1, 3):
            self.link(int(a), int(b), int(origin))

    def __len__(self) -> int:
        """Groups of two or more."""
        return len(self._members)
