"""Wall-clock time to train the full triage model (category, agency, mismatch thresholds).

Run: .venv/bin/python benchmarks/train_time.py [--dataset surabaya_mediacenter]
Trains into a throw-away MLflow store, so the registry is untouched.
"""

import argparse
import tempfile
import time
from pathlib import Path

from service.config import ServiceSettings
from training.train import train


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", default=None, help="default: Surabaya when present, else the demo set")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        settings = ServiceSettings(home=Path(home))
        started = time.perf_counter()
        result = train(settings, dataset=args.dataset, register=False)
        seconds = time.perf_counter() - started
    print(f"trained on {result.dataset} ({result.n_categories} categories) in {seconds:.0f} s (target: 900 s)")
    print(f"  category macro-F1 {result.metrics['category']['macro_f1']:.3f}")


if __name__ == "__main__":
    main()
