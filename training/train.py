"""Stage 2 of training: fit the triage model on a dataset, evaluate it, log and register the run."""

import logging
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import mlflow
import pandas as pd
import sklearn

from models.category import TextClassifier
from models.triage import TriageModel
from training import registry
from training.data import Split, time_ordered_split
from training.datasets import available_datasets, load_dataset, min_reports_per_category
from training.evaluate import classification_metrics
from training.settings import Settings

log = logging.getLogger(__name__)

PREFERRED_DATASETS = ("surabaya_mediacenter", "demo")
"""The default training data: the real export where present, else the project's demo set."""

Progress = Callable[[str], None]
RareCategories = Literal["fold", "drop"]


@dataclass(frozen=True)
class TrainResult:
    run_id: str
    version: str | None
    metrics: dict[str, float]
    dataset: str
    n_categories: int


def default_dataset(settings: Settings) -> str:
    present = set(available_datasets(settings))
    for name in PREFERRED_DATASETS:
        if name in present:
            return name
    raise RuntimeError("no training data: neither the real Surabaya export nor data/demo/reports.csv was found")


def texts_of(frame: pd.DataFrame) -> list[str]:
    """What the classifiers read, the same way `models.triage.report_text` builds it at serving time."""
    titles = frame["title"].fillna("")
    return [f"{title}. {text}" if title else text for title, text in zip(titles, frame["text"])]


def fit_and_evaluate(split: Split, classifier: TextClassifier) -> tuple[TriageModel, dict[str, float]]:
    classifier.fit(texts_of(split.train), split.train["label_category"])
    proba = classifier.predict_proba(texts_of(split.test))
    metrics = classification_metrics(split.test["label_category"], proba, classifier.classes_)
    return TriageModel(category_classifier=classifier), metrics


def train(
    settings: Settings,
    dataset: str | None = None,
    classifier: TextClassifier | None = None,
    register: bool = True,
    rare: RareCategories = "fold",
    progress: Progress = lambda stage: None,
) -> TrainResult:
    """Train on `dataset` (default: the best available), log to MLflow, register a version."""
    dataset = dataset or default_dataset(settings)
    classifier = classifier or TextClassifier()
    client = registry.configure(settings)

    progress(f"loading dataset '{dataset}'")
    frame = load_dataset(dataset, settings)
    min_reports = min_reports_per_category(dataset, settings)
    split = time_ordered_split(frame, min_reports_per_category=min_reports, rare=rare)

    progress(f"fitting on {len(split.train)} reports, {len(split.categories)} categories")
    started = time.perf_counter()
    model, metrics = fit_and_evaluate(split, classifier)
    metrics["train_seconds"] = time.perf_counter() - started
    model.metadata.update(
        dataset=dataset,
        manifest_sha256=frame.attrs.get("manifest_sha256"),
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        n_train=len(split.train),
        train_until=str(split.train["created_at"].max()),
    )

    progress("logging the run to MLflow")
    with mlflow.start_run(run_name=f"category-{dataset}") as run:
        mlflow.log_params({f"classifier.{k}": v for k, v in classifier.get_params().items()})
        mlflow.log_params(
            {"dataset": dataset, "min_reports_per_category": min_reports, "rare_categories": rare, **split.summary()}
        )
        mlflow.log_metrics(metrics)
        mlflow.set_tags(_environment_tags(frame))
        mlflow.log_dict({"categories": list(split.categories)}, "categories.json")
        digest = registry.log_model(model, model.metadata)
        version = None
        if register:
            progress("registering the model")
            version = registry.register(client, settings.model_name, run.info.run_id, digest, f"trained on {dataset}")
    log.info("trained on %s: %s", dataset, {k: round(v, 4) for k, v in metrics.items()})
    return TrainResult(run.info.run_id, version, metrics, dataset, len(split.categories))


def _environment_tags(frame: pd.DataFrame) -> dict[str, Any]:
    return {
        "dataset": frame.attrs.get("dataset"),
        "manifest_sha256": frame.attrs.get("manifest_sha256") or "none (project demo data)",
        "python": platform.python_version(),
        "sklearn": sklearn.__version__,
    }
