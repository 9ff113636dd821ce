"""Stage 2 of training: fit the triage model on a dataset, evaluate it, log and register the run."""

import logging
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import mlflow
import numpy as np
import pandas as pd
import sklearn
from sklearn.base import clone

from models.category import TextClassifier
from models.triage import TriageModel
from training import registry
from training.data import AGENCY, CATEGORY, Split, texts_of, time_ordered_split
from training.datasets import available_datasets, load_dataset, min_reports_per_category
from training.evaluate import Metrics, evaluate_model
from training.feedback import apply_reviewer_labels
from training.mismatch import category_agencies, fit_rule
from training.settings import Settings

log = logging.getLogger(__name__)

PREFERRED_DATASETS = ("surabaya_mediacenter", "demo")
"""The default training data: the real export where present, else the project's demo set."""

VALIDATION_FRACTION = 0.15
"""Latest share of the training reports held out to choose the mismatch thresholds."""

CATEGORY_EMBEDDING_WEIGHT = 0.5
AGENCY_EMBEDDING_WEIGHT = 0.3
"""Weights of the sentence-vector heads, chosen on the validation split (`triase select`): for categories the
equal average won (+0.02 / +0.05 macro-F1 under fold / drop), for agencies 0.3 (neutral / +0.03), 0.5 lost."""

Progress = Callable[[str], None]
RareCategories = Literal["fold", "drop"]


@dataclass(frozen=True)
class TrainResult:
    run_id: str
    version: str | None
    metrics: Metrics
    """Sections `category`, `agency` (when the data has agencies) and `mismatch`."""
    dataset: str
    n_categories: int


def default_dataset(settings: Settings) -> str:
    present = set(available_datasets(settings))
    for name in PREFERRED_DATASETS:
        if name in present:
            return name
    raise RuntimeError("no training data: neither the real Surabaya export nor data/demo/reports.csv was found")


def category_classifier(settings: Settings) -> TextClassifier:
    """The category model `triase train` builds: TF-IDF SVM averaged with a head on e5 sentence vectors."""
    return TextClassifier(embedding_weight=CATEGORY_EMBEDDING_WEIGHT, embedder_dir=str(settings.embedder_dir))


def agency_classifier(settings: Settings) -> TextClassifier:
    """The agency model `triase train` builds; it shares the category model's sentence vectors."""
    return TextClassifier(embedding_weight=AGENCY_EMBEDDING_WEIGHT, embedder_dir=str(settings.embedder_dir))


def fit_and_evaluate(
    split: Split,
    classifier: TextClassifier,
    target_precision: float = 0.9,
    agency_classifier: TextClassifier | None = None,
) -> tuple[TriageModel, Metrics]:
    """Fit every head of the triage model on `split.train` and score it on `split.test`.

    The mismatch thresholds are chosen on the latest training reports with a model that has
    not seen them (see `_validation_predictions`); the final classifiers are fit on the whole training part. The
    agency is learnt by `agency_classifier`, by default a copy of `classifier`.
    """
    category = clone(classifier).fit(texts_of(split.train), split.train[CATEGORY])
    proba, classes, truth = _validation_predictions(split, classifier, category)
    rule, validation_figures = fit_rule(proba, classes, truth, category_agencies(split.train), target_precision)
    agency = None
    if len(split.agencies) >= 2:
        routed = split.train.dropna(subset=[AGENCY])
        agency = clone(agency_classifier or classifier).fit(texts_of(routed), routed[AGENCY])
    model = TriageModel(
        category_classifier=category,
        agency_classifier=agency,
        mismatch_rule=rule,
        category_agencies=category_agencies(split.train),
    )
    metrics = evaluate_model(model, split)
    metrics["mismatch"] |= {f"validation_{k}": validation_figures[k] for k in ("precision", "recall")}
    return model, metrics


def _validation_predictions(
    split: Split, classifier: TextClassifier, category: TextClassifier
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Probabilities, classes and labels of the latest training reports, from a model of the earlier ones.

    The category model predicts its own holdout when it sets its temperature; that saves
    fitting a probe, a third of the training time. Otherwise a probe is fitted here.
    """
    if getattr(category, "holdout_proba_", None) is not None:
        truth = split.train[CATEGORY].to_numpy()[category.holdout_index_]
        return category.holdout_proba_, category.holdout_classes_, truth
    validation = split.holdout(VALIDATION_FRACTION)
    probe = clone(classifier).fit(texts_of(validation.train), validation.train[CATEGORY])
    return probe.predict_proba(texts_of(validation.test)), probe.classes_, validation.test[CATEGORY].to_numpy()


def train(
    settings: Settings,
    dataset: str | None = None,
    classifier: TextClassifier | None = None,
    register: bool = True,
    rare: RareCategories = "fold",
    progress: Progress = lambda stage: None,
    reviewer_labels: pd.DataFrame | None = None,
) -> TrainResult:
    """Train on `dataset` (default: the best available), log to MLflow, register a version.

    `reviewer_labels` (from the review queue) override the dataset's labels and add reviewed reports.
    `classifier` replaces both default classifiers (`category_classifier`, `agency_classifier`).
    """
    dataset = dataset or default_dataset(settings)
    router = classifier or agency_classifier(settings)
    classifier = classifier or category_classifier(settings)
    client = registry.configure(settings)

    progress(f"loading dataset '{dataset}'")
    frame = apply_reviewer_labels(load_dataset(dataset, settings), reviewer_labels)
    min_reports = min_reports_per_category(dataset, settings)
    split = time_ordered_split(frame, min_reports_per_category=min_reports, rare=rare)

    progress(f"fitting on {len(split.train)} reports, {len(split.categories)} categories")
    started = time.perf_counter()
    model, metrics = fit_and_evaluate(split, classifier, settings.mismatch_target_precision, router)
    train_seconds = time.perf_counter() - started
    model.metadata.update(
        dataset=dataset,
        manifest_sha256=frame.attrs.get("manifest_sha256"),
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        n_train=len(split.train),
        train_until=str(split.train["created_at"].max()),
        rare_categories=rare,
        min_reports_per_category=min_reports,
    )

    progress("logging the run to MLflow")
    with mlflow.start_run(run_name=f"triage-{dataset}") as run:
        mlflow.log_params({f"classifier.{k}": v for k, v in classifier.get_params().items()})
        mlflow.log_params({f"agency_classifier.{k}": v for k, v in router.get_params().items()})
        mlflow.log_params(
            {
                "dataset": dataset,
                "min_reports_per_category": min_reports,
                "rare_categories": rare,
                "mismatch_target_precision": settings.mismatch_target_precision,
                "reviewer_labels": frame.attrs.get("reviewer_labels", 0),
                **split.summary(),
            }
        )
        mlflow.log_metrics({f"{section}.{k}": v for section, values in metrics.items() for k, v in values.items()})
        mlflow.log_metric("train_seconds", train_seconds)
        mlflow.set_tags(_environment_tags(frame))
        mlflow.log_dict({"categories": list(split.categories), "agencies": list(split.agencies)}, "labels.json")
        digest = registry.log_model(model, model.metadata)
        version = None
        if register:
            progress("registering the model")
            version = registry.register(client, settings.model_name, run.info.run_id, digest, f"trained on {dataset}")
    log.info("trained on %s in %.0f s", dataset, train_seconds)
    return TrainResult(run.info.run_id, version, metrics, dataset, len(split.categories))


def _environment_tags(frame: pd.DataFrame) -> dict[str, Any]:
    return {
        "dataset": frame.attrs.get("dataset"),
        "manifest_sha256": frame.attrs.get("manifest_sha256") or "none (project demo data)",
        "python": platform.python_version(),
        "sklearn": sklearn.__version__,
    }
