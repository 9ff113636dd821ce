"""Triage through HTTP against the raw embedding model on the same texts, in the same run.

Run: .venv/bin/python benchmarks/triage_throughput.py [--reports 512] [--batch 64]
Starts `triase serve` (the champion of TRIASE_HOME, a fresh SQLite database) in its own process, then measures
one-report latency (p50, p99) and batch throughput through HTTP, two ways: one batch at a time (the next sent when
the answer is back) and `--in-flight` batches at a time (an intake pipeline that sends the next batch while one is
being triaged: the cores then have work while a batch is parsed, masked or stored). After each round, with the
service idle, the raw throughput of the e5 encoder alone on the same texts in this process: on the service's thread
count (TRIASE_ENCODER_THREADS) and on torch's own, unpadded as the service encodes, and padded through
sentence-transformers' encode. The ratio end-to-end / raw encoder (the fastest of them) says how much the service
adds beyond the model itself. Texts are real Surabaya reports when present, else demo ones.
"""

import argparse
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import numpy as np
import pandas as pd
import torch
from running_service import running_service

from models import sentence_vectors
from models.duplicates import duplicate_text
from models.embedder import load_embedder
from models.int8_weights import quantise_embedder
from models.report import REPORT_FIELDS, Report
from models.triage import report_text
from service.config import get_service_settings
from training.datasets import available_datasets, load_dataset


def reports_for(settings, n: int) -> list[dict]:
    name = "surabaya_mediacenter" if "surabaya_mediacenter" in available_datasets(settings) else "demo"
    frame = load_dataset(name, settings)
    # Distinct reports: the service answers a text it has just encoded from memory, the raw encoder would not.
    frame = frame.drop_duplicates(subset="text")
    frame = frame.sample(n=n, replace=n > len(frame), random_state=0)
    reports = []
    for i, row in enumerate(frame.to_dict("records")):
        report = {f: row[f] for f in REPORT_FIELDS if f in row and not pd.isna(row[f])}
        report["id"] = f"bench-{i}"
        report["created_at"] = row["created_at"].isoformat()
        reports.append(report)
    return reports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=512)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--single", type=int, default=200, help="one-report requests to time")
    parser.add_argument("--in-flight", type=int, default=2, help="batches sent at once in the second measurement")
    parser.add_argument("--port", type=int, default=8768)
    args = parser.parse_args()
    settings = get_service_settings()
    # Every report is triaged once: `--reports` one batch at a time, twice as many `--in-flight` at a time (each
    # round keeps that many in flight for two batches each, so the measure is not only a round's ramp and tail).
    reports = reports_for(settings, 3 * args.reports + args.single + 8)
    batch_reports, single_reports, warm = reports[: 3 * args.reports], reports[3 * args.reports : -8], reports[-8:]

    # The encoder the service uses, called directly in this process (the memo forgotten first, so nothing is
    # answered from memory): as the service encodes (batches of one token length, unpadded) and as
    # sentence-transformers would (padded), with the same 8-bit layers.
    embedder_dir = str(settings.embedder_dir)
    encoder = quantise_embedder(
        load_embedder(settings.embedder_dir), settings.embedder_dir, sentence_vectors.INT8_SCHEME
    )
    encoder.max_seq_length = sentence_vectors.MAX_TOKENS
    texts = [duplicate_text(None, report_text(Report.model_validate(r))) for r in batch_reports]
    round_size = args.batch * (1 + 2 * args.in_flight)
    sentence_vectors.sentence_vectors(texts[:16], embedder_dir)  # warm-up

    with running_service(port=args.port) as service, httpx.Client(base_url=service.base_url, timeout=300) as http:
        http.post("/v1/triage/batch", json={"reports": warm}, headers=service.headers).raise_for_status()
        latencies = []
        for report in single_reports:
            started = time.perf_counter()
            http.post("/v1/triage", json=report, headers=service.headers).raise_for_status()
            latencies.append(time.perf_counter() - started)
        # Each round goes through HTTP, then (the service idle) through the raw encoder every way: on a shared
        # machine the speed drifts within minutes, and interleaving gives them all the same conditions.
        own_threads = torch.get_num_threads()
        thread_counts = sorted({settings.encoder_threads, own_threads})
        in_flight = f"{args.in_flight} in flight"
        seconds = {
            "one at a time": 0.0,
            in_flight: 0.0,
            "padded": 0.0,
            **{f"unpadded on {n}": 0.0 for n in thread_counts},
        }
        triaged = {"one at a time": 0, in_flight: 0}

        def send(batch: list[dict]) -> None:
            http.post("/v1/triage/batch", json={"reports": batch}, headers=service.headers).raise_for_status()

        with ThreadPoolExecutor(args.in_flight) as senders:
            for start in range(0, len(batch_reports), round_size):
                alone = batch_reports[start : start + args.batch]
                together = batch_reports[start + args.batch : start + round_size]
                started = time.perf_counter()
                send(alone)
                seconds["one at a time"] += time.perf_counter() - started
                started = time.perf_counter()
                list(senders.map(send, [together[i : i + args.batch] for i in range(0, len(together), args.batch)]))
                seconds[in_flight] += time.perf_counter() - started
                triaged["one at a time"] += len(alone)
                triaged[in_flight] += len(together)
                batch = texts[start : start + round_size]
                for threads in thread_counts:
                    sentence_vectors.limit_threads(threads)
                    sentence_vectors.forget()
                    started = time.perf_counter()
                    for i in range(0, len(batch), args.batch):
                        sentence_vectors.sentence_vectors(batch[i : i + args.batch], embedder_dir)
                    seconds[f"unpadded on {threads}"] += time.perf_counter() - started
                sentence_vectors.limit_threads(own_threads)
                torch.set_num_threads(own_threads)  # a pass on one thread left this thread's number at one
                started = time.perf_counter()
                encoder.encode(batch, prompt_name=sentence_vectors.PROMPT, batch_size=32, normalize_embeddings=True)
                seconds["padded"] += time.perf_counter() - started
    encoded = sum(triaged.values())
    service_rates = {mode: triaged[mode] / seconds.pop(mode) for mode in triaged}
    rates = {kind: encoded / spent for kind, spent in seconds.items()}
    encoder_rate = max(rates.values())

    ms = np.array(latencies) * 1000
    print(
        f"one report through HTTP (n={len(ms)}): p50 {np.percentile(ms, 50):.1f} ms, p99 {np.percentile(ms, 99):.1f} ms"
    )
    print(
        f"batches of {args.batch} through HTTP, reports/s: "
        + ", ".join(f"{mode} {rate:.1f}" for mode, rate in service_rates.items())
    )
    raw = ", ".join(
        f"{kind} threads {rate:.1f}" if "unpadded" in kind else f"{kind} {rate:.1f}" for kind, rate in rates.items()
    )
    print(
        f"raw e5 encoder, same texts, batches of {args.batch}, texts/s: {raw} (padded: sentence-transformers' encode)"
    )
    print(
        "ratio end-to-end / raw encoder (the fastest): "
        + ", ".join(f"{mode} {rate / encoder_rate:.2f}" for mode, rate in service_rates.items())
        + " (target >= 0.80, issue 16)"
    )


if __name__ == "__main__":
    main()
