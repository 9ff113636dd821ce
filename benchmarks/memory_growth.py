"""What the service's resident memory grows by per triaged report, and which holder holds it.

Run: .venv/bin/python benchmarks/memory_growth.py [--warm-up 200] [--reports 2000] [--concurrency 1] [--http]
    [--trace FRAMES]
Runs the app in this process (the champion of TRIASE_HOME over a fresh SQLite database and home, no model
polling) and posts distinct synthetic reports one per request (POST /v1/triage, the texts of `load_test.py`).
After the warm-up it prints, per report of the measured part: RSS (anonymous and file-backed), the duplicate
index's bytes by part (arrays at full capacity, ids, the word-count pages written), the vector memos' bytes,
optionally tracemalloc's growth by the innermost project line (--trace, slow: ~10x), and what each holder gives
back when released (glibc's free pages, the memos, the tokenizer cache, the database connections).
"""

import argparse
import ctypes
import gc
import itertools
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
import uvicorn
from fastapi.testclient import TestClient
from load_test import TEXTS

from models import sentence_vectors
from service.auth.models import Role
from service.auth.service import create_key
from service.config import ServiceSettings
from service.database.core import Database
from service.database.migrate import upgrade
from service.main import create_app

ROOT = str(Path(__file__).resolve().parents[1]) + "/"


def memory() -> dict[str, int]:
    """VmRSS, RssAnon and RssFile of this process, in bytes."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile"):
            values[name] = int(value.split()[0]) * 1024
    return values


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()
    ]


def allocator() -> dict[str, int]:
    """glibc's heap (all arenas): bytes in use, free but kept, and in blocks mapped on their own; Python's own small
    objects (pymalloc) and torch's pools are not in it."""
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = _Mallinfo2
    info = libc.mallinfo2()
    return {"malloc in use": info.uordblks, "malloc free": info.fordblks, "malloc mapped": info.hblkhd}


def python_objects() -> int:
    """Bytes in pymalloc's arenas (Python's small objects), from `sys._debugmallocstats`' summary line."""
    import os

    read, write = os.pipe()
    saved = os.dup(2)
    os.dup2(write, 2)
    try:
        sys._debugmallocstats()
    finally:
        os.dup2(saved, 2)
        os.close(write)
        os.close(saved)
    with open(read) as stats:
        for line in stats:
            if line.startswith("# bytes in allocated blocks"):
                return int(line.split("=")[1].replace(",", ""))
    return 0


def index_bytes(index) -> dict[str, int]:
    """Bytes the duplicate index holds, by part: arrays at full capacity, Python objects, word-count pages written."""
    lookups = (index._exact, index._bands)
    clusters = index._clusters
    counts = index._word_counts
    return {
        "row arrays": sum(getattr(index, name).nbytes for name in index._GROWN),
        "vectors": index._store._vectors.nbytes,
        "key lookups": sum(x._keys.nbytes + x._sorted_keys.nbytes + x._order.nbytes for x in lookups),
        "clusters": clusters._parent.nbytes + sys.getsizeof(clusters._links) + sys.getsizeof(clusters._members),
        "place rows": sum(sys.getsizeof(a) for d in (index._kelurahan_rows, index._cell_rows) for a in d.values()),
        "ids": sys.getsizeof(index._ids)
        + sum(map(sys.getsizeof, index._ids))
        + sys.getsizeof(index._rows)
        + sum(map(sys.getsizeof, index._rows.values())),
        "word-count pages": len(np.unique(np.flatnonzero(counts) * counts.itemsize // 4096)) * 4096,
    }


def memo_bytes() -> int:
    """The vector memos: keys, row views, dict entries (~104 bytes) and the arrays the rows belong to."""
    total = 0
    for memo in (sentence_vectors._memo, sentence_vectors._pooled_memo):
        arrays = {}
        for key, row in memo.items():
            total += sys.getsizeof(key) + (sys.getsizeof(row) if row.base is not None else 0) + 104
            array = row.base if row.base is not None else row
            arrays[id(array)] = array.nbytes
        total += sum(arrays.values()) + sys.getsizeof(memo)
    return total


def holder(traceback) -> str:
    """The innermost line of this project that allocated, else the library."""
    for frame in reversed(traceback):
        if frame.filename.startswith(ROOT):
            return f"{frame.filename[len(ROOT) :]}:{frame.lineno}"
    parts = traceback[-1].filename.split("site-packages/")
    return "library " + (parts[1].split("/")[0] if len(parts) > 1 else traceback[-1].filename)


@contextmanager
def serving(app, http: bool):
    """A client of `app`: the test client (the app called directly), or with `http` an HTTP client of uvicorn
    serving it from a thread of this process, as `triase serve` does."""
    if not http:
        with TestClient(app) as client:
            yield client
        return
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=HTTP_PORT, log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn")
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn stopped during start-up")
            time.sleep(0.1)
        with httpx.Client(base_url=f"http://127.0.0.1:{HTTP_PORT}", timeout=60) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join()


HTTP_PORT = 8771


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warm-up", type=int, default=200)
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=1, help="requests in flight at once")
    parser.add_argument("--http", action="store_true", help="through uvicorn on a local port, not the test client")
    parser.add_argument("--trace", type=int, default=0, metavar="FRAMES", help="tracemalloc frames (0: off)")
    args = parser.parse_args()
    n = args.reports
    with tempfile.TemporaryDirectory(prefix="triase-memory-") as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        database = Database(url)
        upgrade(database)
        with database.session() as session:
            headers = {"Authorization": f"Bearer {create_key(session, 'bench', Role.ADMIN)}"}
        database.dispose()
        # A home of its own (the registry stays TRIASE_HOME's): no saved duplicate index is read or written.
        served = ServiceSettings()
        settings = ServiceSettings(
            home=tmp, mlflow_tracking_uri=served.tracking_uri, database_url=url, model_poll_seconds=0
        )
        app = create_app(settings)
        numbers = itertools.count()

        def post_serially(client, count: int) -> None:
            for _ in range(count):
                i = next(numbers)
                report = {"id": f"memory-{time.time_ns()}-{i}", "text": TEXTS[i % len(TEXTS)].format(n=i)}
                client.post("/v1/triage", json=report, headers=headers).raise_for_status()

        def post(client, count: int) -> None:
            """`count` reports from `--concurrency` threads at once, as the load test's clients send them."""
            share = count // args.concurrency
            with ThreadPoolExecutor(args.concurrency) as senders:
                for sent in [senders.submit(post_serially, client, share) for _ in range(args.concurrency)]:
                    sent.result()

        with serving(app, args.http) as client:
            post(client, args.warm_up)
            index = app.state.duplicate_finder.index
            gc.collect()
            if args.trace:
                tracemalloc.start(args.trace)
            before, index_before, memo_before = memory(), index_bytes(index), memo_bytes()
            heap_before, objects_before = allocator(), python_objects()
            snapshot = tracemalloc.take_snapshot() if args.trace else None
            started = time.perf_counter()
            post(client, n)
            gc.collect()
            after, index_after, memo_after = memory(), index_bytes(index), memo_bytes()
            heap_after, objects_after = allocator(), python_objects()
            print(f"{n} reports after {args.warm_up} ({time.perf_counter() - started:.0f} s); bytes per report:")
            for name in ("VmRSS", "RssAnon", "RssFile"):
                print(f"  {name:26s} {(after[name] - before[name]) / n:7.0f}  (now {after[name] / 2**20:.0f} MB)")
            for part, held in heap_after.items():
                print(f"  {part:26s} {(held - heap_before[part]) / n:7.0f}  (now {held / 2**20:.0f} MB)")
            print(f"  {'python objects':26s} {(objects_after - objects_before) / n:7.0f}")
            for part, held in index_after.items():
                print(f"  index: {part:19s} {(held - index_before[part]) / n:7.0f}")
            grown = sum(index_after.values()) - sum(index_before.values())
            print(f"  index: total               {grown / n:7.0f}  ({len(index)} reports)")
            entries = len(sentence_vectors._memo)
            print(f"  vector memos               {(memo_after - memo_before) / n:7.0f}  ({entries} entries)")
            if args.trace:
                by_holder = defaultdict(int)
                for stat in tracemalloc.take_snapshot().compare_to(snapshot, "traceback"):
                    by_holder[holder(stat.traceback)] += stat.size_diff
                tracemalloc.stop()
                print(f"  tracemalloc: all           {sum(by_holder.values()) / n:7.0f}")
                for name, size in sorted(by_holder.items(), key=lambda item: -abs(item[1]))[:15]:
                    print(f"    {size / n:7.0f}  {name}")
            print("given back when released (per measured report):")
            trim = ctypes.CDLL("libc.so.6").malloc_trim
            releases = {
                "glibc's free pages (trim)": lambda: None,
                "vector memos": sentence_vectors.forget,
                "database connections": app.state.database.dispose,
            }
            # The encoder runs in a process of its own while the app serves; where it ran here, its tokenizer's
            # cache is this process's too (the 8-bit encoder holds a `tokenizers.Tokenizer`, the float
            # sentence-transformers model wraps one).
            for encoder in sentence_vectors._encoders.values():
                tokenizer = getattr(encoder.tokenizer, "backend_tokenizer", encoder.tokenizer)
                releases["tokenizer cache"] = tokenizer.model._clear_cache
            for name, release in releases.items():
                held = memory()["VmRSS"]
                release()
                gc.collect()
                trim(0)
                print(f"  {name:26s} {(held - memory()['VmRSS']) / n:7.0f}")


if __name__ == "__main__":
    main()
