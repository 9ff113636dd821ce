"""In-process latency of triaging one report with the champion model (p50, p99), and batch throughput.

Run: .venv/bin/python benchmarks/predict_latency.py [--n 500]
Uses the champion of the configured registry (TRIASE_HOME); texts come from the demo reports.
"""

import argparse
import time

import numpy as np

from models.report import Report
from service.config import get_service_settings
from training import registry
from training.datasets import load_dataset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=500, help="single-report predictions to time")
    args = parser.parse_args()

    settings = get_service_settings()
    champion = registry.load_champion(registry.configure(settings), settings.model_name)
    frame = load_dataset("demo", settings)
    reports = [
        Report(id=row.id, text=row.text, category=row.label_category)
        for row in frame.sample(n=args.n, replace=True, random_state=0).itertuples()
    ]
    champion.model.predict(reports[:5])  # warm-up

    timings = []
    for report in reports:
        started = time.perf_counter()
        champion.model.predict([report])
        timings.append(time.perf_counter() - started)
    ms = np.array(timings) * 1000
    print(f"model {champion.label}: one report, n={len(ms)}")
    print(f"  p50 {np.percentile(ms, 50):.1f} ms  p99 {np.percentile(ms, 99):.1f} ms  max {ms.max():.1f} ms")

    started = time.perf_counter()
    champion.model.predict(reports)
    seconds = time.perf_counter() - started
    print(f"  batch of {len(reports)}: {len(reports) / seconds:.0f} reports/s")


if __name__ == "__main__":
    main()
