"""Unit vectors and nearest-neighbour search by inner product: exact while small, faiss IVF once large.

The float32 vectors are kept in numpy (exact cosines for every candidate, whichever path found it). Search
is a brute-force product below ``ann_min_size`` rows; from there an inverted-file index over 8-bit
quantised vectors (``IVF<nlist>,SQ8``, ``nlist`` about 2 sqrt(n)) probes ``nprobe`` lists. IVF rather than
HNSW: on two cores an HNSW graph of a million 384-d vectors takes a quarter of an hour to build, IVF about
two minutes, and both answer well under the latency budget. The IVF index is retrained when the
collection has grown ``ann_rebuild_growth`` times since it was built, so its lists stay balanced.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from models.duplicates.capacity import grown_capacity

ANN_FILE = "ann.faiss"


def inner_products(vectors: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """``vectors @ vector`` in the calling thread: a threaded BLAS matrix-vector product waits for its
    threads, which on two shared cores took 12 ms instead of 1 ms for 20,000 vectors."""
    return np.einsum("ij,j->i", vectors, vector)


class VectorStore:
    def __init__(self, dim: int, ann_min_size: int, nprobe: int, ann_rebuild_growth: float) -> None:
        self.dim = dim
        self.ann_min_size = ann_min_size
        self.nprobe = nprobe
        self.ann_rebuild_growth = ann_rebuild_growth
        self._vectors = np.zeros((0, dim), dtype=np.float32)
        self._size = 0
        self._ann = None
        self._ann_built_at = 0

    def __len__(self) -> int:
        return self._size

    @property
    def vectors(self) -> np.ndarray:
        return self._vectors[: self._size]

    def add(self, vectors: np.ndarray, index: bool = True) -> None:
        """Append unit vectors; `index=False` when a loaded faiss index already holds them."""
        start, end = self._size, self._size + len(vectors)
        if end > len(self._vectors):
            grown = np.zeros((grown_capacity(len(self._vectors), end), self.dim), dtype=np.float32)
            grown[:start] = self._vectors[:start]
            self._vectors = grown
        self._vectors[start:end] = vectors
        self._size = end
        if not index:
            return
        if self._size >= self.ann_min_size and (
            self._ann is None or self._size >= self.ann_rebuild_growth * self._ann_built_at
        ):
            self.build_ann()
        elif self._ann is not None:
            self._ann.add(self._vectors[start:end])

    def replace(self, rows: np.ndarray, vectors: np.ndarray) -> None:
        """Overwrite the unit vectors of existing `rows`, in the float store and in the faiss lists (no old copy
        stays behind)."""
        rows = np.asarray(rows, dtype=np.int64)
        self._vectors[rows] = vectors
        if self._ann is not None:
            self._ann.remove_ids(rows)
            self._ann.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), rows)

    def build_ann(self) -> None:
        """(Re)train the IVF index on the current vectors and add them all."""
        import faiss

        vectors = self.vectors
        nlist = int(np.clip(2 ** round(math.log2(2 * math.sqrt(len(vectors)))), 16, 65536))
        ann = faiss.index_factory(self.dim, f"IVF{nlist},SQ8", faiss.METRIC_INNER_PRODUCT)
        sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), 64 * nlist), replace=False)
        ann.train(vectors[np.sort(sample)])
        ann.add(vectors)
        self._ann, self._ann_built_at = ann, len(vectors)

    def nearest(self, vector: np.ndarray, k: int) -> np.ndarray:
        """Rows of (about) the `k` largest inner products with `vector`."""
        k = min(k, self._size)
        if k <= 0:
            return np.zeros(0, dtype=np.int64)
        if self._ann is None:
            similarities = inner_products(self.vectors, vector)
            return np.argpartition(-similarities, k - 1)[:k]
        import faiss

        # One query gains nothing from threads, and on a busy machine waiting for them costs milliseconds.
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            _, rows = self._ann.search(vector[None, :], k, params=faiss.SearchParametersIVF(nprobe=self.nprobe))
        finally:
            faiss.omp_set_num_threads(threads)
        return rows[0][rows[0] >= 0]

    def save_ann(self, folder: Path) -> None:
        if self._ann is not None:
            import faiss

            faiss.write_index(self._ann, str(folder / ANN_FILE))

    def load_ann(self, folder: Path, built_at: int) -> bool:
        """Read the saved faiss index; False when there is none (the caller adds vectors with indexing)."""
        if not (folder / ANN_FILE).is_file():
            return False
        import faiss

        self._ann, self._ann_built_at = faiss.read_index(str(folder / ANN_FILE)), built_at
        return True

    @property
    def ann_size(self) -> int:
        return 0 if self._ann is None else int(self._ann.ntotal)

    @property
    def ann_built_at(self) -> int:
        return self._ann_built_at

    @property
    def nbytes(self) -> int:
        """Vectors held for this many rows (not the spare capacity) plus the faiss codes, lists and centroids."""
        ann = 0
        if self._ann is not None:
            ann = self._ann.ntotal * (self._ann.code_size + 8) + self._ann.nlist * self.dim * 4
        return self._size * self.dim * 4 + ann
