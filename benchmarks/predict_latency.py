"""In-process latency of triaging one report with the champion model (p50, p99), and batch throughput.

Run: .venv/bin/python benchmarks/predict_latency.py [--n 500] [--threads 2]
Uses the champion of the configured registry (TRIASE_HOME). Texts are the test reports of the
dataset the champion was trained on (the real Surabaya texts are longer than the demo ones),
each timed once with the sentence-vector memo emptied first, as a new report would be.
Prints timings only, never texts.
"""

import argparse
import time

import numpy as np

from models import sentence_vectors
from models.report import Report
from models.triage import report_text
from service.config import get_service_settings
from training import registry
from training.data import time_ordered_split
from training.datasets import load_dataset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=500, help="single-report predictions to time")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    args = parser.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)

    settings = get_service_settings()
    champion = registry.load_champion(registry.configure(settings), settings.model_name, settings.embedder_dir)
    model = champion.model
    meta = model.metadata
    frame = load_dataset(meta["dataset"], settings)
    test = time_ordered_split(
        frame,
        min_reports_per_category=meta["min_reports_per_category"],
        rare=meta.get("rare_categories", "fold"),
        min_reports_per_agency=meta.get("min_reports_per_agency"),
    ).test
    rows = test.sample(n=min(args.n, len(test)), random_state=0)
    reports = [
        Report(
            id=row.id,
            text=row.text,
            title=row.title if isinstance(row.title, str) else None,
            category=row.label_category,
        )
        for row in rows.itertuples()
    ]
    model.predict(reports[:5])  # warm-up: loads the embedder

    total, category, agency = [], [], []
    for report in reports:
        sentence_vectors.forget()
        started = time.perf_counter()
        model.predict([report])
        total.append(time.perf_counter() - started)
        # The parts, on the same report: the category model (it encodes the sentence vector), then the agency's.
        sentence_vectors.forget()
        text = [report_text(report)]
        started = time.perf_counter()
        model.category_classifier.predict_proba(text)
        category.append(time.perf_counter() - started)
        if model.agency_classifier is not None:
            started = time.perf_counter()
            model.agency_classifier.predict_proba(text)
            agency.append(time.perf_counter() - started)

    print(f"model {champion.label} ({meta['dataset']}): one report at a time, n={len(total)}")
    for name, timings in (
        ("triage (all)", total),
        ("category probabilities", category),
        ("agency probabilities", agency),
    ):
        if timings:
            ms = np.array(timings) * 1000
            print(
                f"  {name:<24} p50 {np.percentile(ms, 50):6.1f} ms  p99 {np.percentile(ms, 99):6.1f} ms  "
                f"max {ms.max():6.1f} ms"
            )

    sentence_vectors.forget()
    started = time.perf_counter()
    model.predict(reports)
    seconds = time.perf_counter() - started
    print(f"  batch of {len(reports)}: {len(reports) / seconds:.0f} reports/s")


if __name__ == "__main__":
    main()
