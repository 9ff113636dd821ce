"""Duplicate index: build time, search latency and memory at 10k, 100k and 1M synthetic reports.

Vectors are 384-d unit vectors drawn around 2,000 topic centres (real e5 embeddings cluster by topic too;
isotropic noise would make the IVF lists meaningless). Times are spread over a year, 70 % of reports have
a point in a 30 km box, every report a kelurahan (267, Zipf-like), a category (40) with a 3-label predicted
distribution, problem and place words and a reporter hash; 2 % repeat an
earlier report's text hash and signature, as resubmissions do. Each query is a perturbed copy of an indexed
report and runs the whole search (hash lookups, vector search, same-place pool, scoring). Latency is
wall time (what a caller waits, including time the OS gives to other processes) and the search thread's
CPU time (what the search costs on an idle machine). Embedding a report is not part of this (the service
measures it).

Each size runs in its own process so its memory is measured alone:

    .venv/bin/python benchmarks/duplicate_search.py                # 10k, 100k, 1M (about 5 minutes)
    .venv/bin/python benchmarks/duplicate_search.py --sizes 10000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.duplicates import DuplicateEntry, DuplicateIndex  # noqa: E402
from models.duplicates.problem import PLACE_WORDS, PROBLEM_WORDS  # noqa: E402
from models.duplicates.text import MAX_WORDS, NUM_PERM  # noqa: E402

DIM = 384
TOPICS = 2000
QUERIES = 1000
START = datetime(2024, 1, 1, tzinfo=UTC)


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_entries(n: int, rng: np.random.Generator) -> list[DuplicateEntry]:
    centres = rng.standard_normal((TOPICS, DIM), dtype=np.float32)
    vectors = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, 100_000):  # chunks keep the float32 working set small
        end = min(n, start + 100_000)
        chunk = 0.6 * centres[rng.integers(0, TOPICS, end - start)]
        chunk += 0.4 * rng.standard_normal((end - start, DIM), dtype=np.float32)
        vectors[start:end] = chunk / np.linalg.norm(chunk, axis=1, keepdims=True)
    hours = np.sort(rng.uniform(0, 24 * 365, n))
    has_point = rng.random(n) < 0.7
    lats = -6.2 + rng.uniform(-0.135, 0.135, n)
    lons = 106.85 + rng.uniform(-0.135, 0.135, n)
    kelurahan = np.minimum(rng.zipf(1.3, n), 267)
    category = rng.integers(0, 40, n)
    signatures = rng.integers(0, 2**32, (n, NUM_PERM), dtype=np.uint32)
    hashes = rng.integers(0, 2**63, n, dtype=np.uint64)
    vocabulary = rng.integers(1, 2**32, 200_000, dtype=np.uint32)
    words = vocabulary[np.minimum(rng.zipf(1.2, (n, MAX_WORDS)), len(vocabulary)) - 1]
    repeats = np.nonzero(rng.random(n) < 0.02)[0]
    repeats = repeats[repeats > 0]
    originals = (repeats * rng.random(len(repeats))).astype(int)
    signatures[repeats], hashes[repeats] = signatures[originals], hashes[originals]
    words[repeats] = words[originals]
    # Problem and place words (a few each, from the same Zipf vocabulary) and a 3-label predicted distribution.
    problem = np.where(np.arange(PROBLEM_WORDS) < 6, words[:, :PROBLEM_WORDS], 0).astype(np.uint32)
    place = np.where(np.arange(PLACE_WORDS) < 4, words[:, -PLACE_WORDS:], 0).astype(np.uint32)
    labels = [f"category {c}" for c in range(40)]
    reporters = rng.integers(1, 2**63, n, dtype=np.uint64)
    return [
        DuplicateEntry(
            id=f"r{i}",
            vector=vectors[i],
            created_at=START + timedelta(hours=float(hours[i])),
            text_hash=int(hashes[i]),
            signature=signatures[i],
            words=words[i],
            lat=float(lats[i]) if has_point[i] else None,
            lon=float(lons[i]) if has_point[i] else None,
            kelurahan=f"kelurahan {kelurahan[i]}",
            category=f"category {category[i]}",
            problem=problem[i],
            place=place[i],
            categories=(
                (labels[category[i]], 0.7),
                (labels[(category[i] + 1) % 40], 0.2),
                (labels[(category[i] + 7) % 40], 0.1),
            ),
            reporter=int(reporters[i]),
        )
        for i in range(n)
    ]


def queries_near(entries: list[DuplicateEntry], count: int, rng: np.random.Generator) -> list[DuplicateEntry]:
    picked = rng.choice(len(entries), count, replace=False)
    queries = []
    for i in picked:
        e = entries[i]
        vector = e.vector + 0.05 * rng.standard_normal(DIM).astype(np.float32)
        queries.append(
            DuplicateEntry(
                id=f"q{i}",
                vector=vector / np.linalg.norm(vector),
                created_at=e.created_at + timedelta(hours=float(rng.uniform(0, 48))),
                text_hash=int(rng.integers(0, 2**63)),
                signature=e.signature,
                words=e.words,
                lat=e.lat,
                lon=e.lon,
                kelurahan=e.kelurahan,
                category=e.category,
                problem=e.problem,
                place=e.place,
                categories=e.categories,
                reporter=e.reporter,
            )
        )
    return queries


def run(n: int) -> dict:
    rng = np.random.default_rng(n)
    entries = synthetic_entries(n, rng)
    queries = queries_near(entries, QUERIES, rng)
    baseline = _rss_mb()
    index = DuplicateIndex()
    started = time.perf_counter()
    index.add(entries)
    build_s = time.perf_counter() - started
    del entries
    rss_mb = _rss_mb() - baseline

    index.search(queries[0])  # first call imports and warms caches
    latencies, cpu_times = [], []
    found = 0
    for query in queries:
        started, cpu_started = time.perf_counter(), time.thread_time()
        candidates = index.search(query, k=5)
        latencies.append(time.perf_counter() - started)
        cpu_times.append(time.thread_time() - cpu_started)
        found += bool(candidates) and candidates[0].id == f"r{query.id[1:]}"
    index_mb = index.nbytes / 2**20
    return {
        "reports": n,
        "build_s": round(build_s, 1),
        "search_p50_ms": round(float(np.percentile(latencies, 50)) * 1000, 2),
        "search_p99_ms": round(float(np.percentile(latencies, 99)) * 1000, 2),
        "cpu_p50_ms": round(float(np.percentile(cpu_times, 50)) * 1000, 2),
        "cpu_p99_ms": round(float(np.percentile(cpu_times, 99)) * 1000, 2),
        "top1_is_source": round(found / len(queries), 3),
        "index_arrays_mb": round(index_mb, 1),
        "index_arrays_mb_per_million": round(index_mb * 1e6 / n),
        "rss_growth_mb": round(rss_mb, 1),
        "rss_growth_mb_per_million": round(rss_mb * 1e6 / n),
        "ann": "ivf" if index._store.ann_size else "exact",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child process: one size, JSON out
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run(args.one)))
        return
    header = ("reports", "build s", "p50 ms", "p99 ms", "cpu p50", "cpu p99", "top1", "MB", "MB/M", "RSS MB")
    print(" ".join(f"{h:>9}" for h in header), "ann")
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        columns = ("reports", "build_s", "search_p50_ms", "search_p99_ms", "cpu_p50_ms", "cpu_p99_ms")
        columns += ("top1_is_source", "index_arrays_mb")
        columns += ("index_arrays_mb_per_million", "rss_growth_mb")
        print(" ".join(f"{r[c]:>9}" for c in columns), r["ann"], flush=True)


if __name__ == "__main__":
    main()
