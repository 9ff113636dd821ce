"""A reviewer's mask in the duplicate index: time to fingerprint one report again in place
(:meth:`models.duplicates.DuplicateIndex.replace`), at 10k and 100k indexed reports (faiss IVF from 20k).

What it costs: the word counts, the exact and LSH lookups (re-sorted when the row is in their sorted part) and
the vector in the float store and the faiss lists. Embedding the masked text is not part of this (the service
measures embedding). Synthetic reports with random vectors; the median of five masks per size.

    .venv/bin/python benchmarks/mask_refresh.py
    .venv/bin/python benchmarks/mask_refresh.py --sizes 10000
"""

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

import numpy as np

from models.duplicates import DuplicateEntry, DuplicateIndex

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def measure(size: int) -> float:
    vectors = np.random.default_rng(0).standard_normal((size, 384)).astype(np.float32)
    index = DuplicateIndex(ann_min_size=20_000)
    index.add(
        DuplicateEntry.from_report(f"r{i}", f"laporan {i} jalan {i * 7} rusak", vectors[i], T0 + timedelta(minutes=i))
        for i in range(size)
    )
    times = []
    for row in np.linspace(0, size - 1, 5).astype(int):
        masked = DuplicateEntry.from_report(f"r{row}", "laporan [NAMA] jalan rusak", vectors[row], T0)
        start = time.perf_counter()
        index.replace([masked])
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    for size in parser.parse_args().sizes:
        print(f"{size:>9,} reports: {measure(size) * 1000:.0f} ms to fingerprint one masked report again")


if __name__ == "__main__":
    main()
