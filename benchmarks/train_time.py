"""Wall-clock time to train the full triage model (category, agency, mismatch thresholds).

Run: .venv/bin/python benchmarks/train_time.py [--dataset surabaya_mediacenter] [--rare drop]
Trains into a throw-away MLflow store, so the registry is untouched. The embedder is taken from
the configured cache (`triase embedder` builds it once); encoding every training text is timed.
"""

import argparse
import tempfile
import time
from pathlib import Path

from service.config import ServiceSettings, get_service_settings
from training.train import train


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", default=None, help="default: Surabaya when present, else the demo set")
    parser.add_argument("--rare", default="fold", choices=("fold", "drop"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        settings = ServiceSettings(home=Path(home), embedder_cache_dir=get_service_settings().embedder_dir)
        started = time.perf_counter()
        result = train(settings, dataset=args.dataset, register=False, rare=args.rare)
        seconds = time.perf_counter() - started
    print(f"trained on {result.dataset} ({result.n_categories} categories) in {seconds:.0f} s (target: 900 s)")
    print(f"  category macro-F1 {result.metrics['category']['macro_f1']:.3f}")


if __name__ == "__main__":
    main()
