"""Stage 2 of training: fit the triage model on a dataset, evaluate it, bundle it with the other served parts
(`training.bundle`), log and register the run."""

import logging
import platform
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import mlflow
import numpy as np
import pandas as pd
import sklearn
from sklearn.base import clone

from models.category import TextClassifier
from models.routing import CategoryRouting
from models.settings import Settings
from models.triage import TriageModel
from training import registry
from training.autoaccept import fit_policy
from training.bundle import build_bundle
from training.data import (
    AGENCY,
    CATEGORY,
    VALIDATION_FRACTION,
    Split,
    labelled_unique,
    texts_of,
    time_ordered_split,
)
from training.datasets import (
    available_datasets,
    is_mapping_path,
    load_dataset,
    min_reports_per_agency,
    min_reports_per_category,
)
from training.datasets.diagnostics import require_labels, source_of, split_warnings
from training.disputes import recorded_category_fits
from training.evaluate import Metrics, evaluate_model, numeric_leaves
from training.feedback import REVIEWER, apply_reviewer_labels
from training.mismatch import (
    ERROR_MODELS,
    LEARNED,
    ErrorModel,
    category_agencies,
    default_error_models,
    fit_rule,
    learn_error_model,
    required_precision,
)
from training.validation import Validation, saved_validation

log = logging.getLogger(__name__)

PREFERRED_DATASETS = ("surabaya_mediacenter", "demo")
"""The default training data: the real export where present, else the project's demo set."""

CATEGORY_EMBEDDING_WEIGHT = 0.5
AGENCY_EMBEDDING_WEIGHT = 0.3
"""Weights of the sentence-vector heads, chosen on the validation split (`triase select`): for categories the
equal average won (+0.02 / +0.05 macro-F1 under fold / drop), for agencies 0.3 (neutral / +0.03), 0.5 lost."""

ROUTING_WEIGHT = 0.5
"""Share of the served agency probabilities that comes from where the category's reports went (`CategoryRouting`):
on the Surabaya validation split the equal mix passed 64 % of reports at 0.95 agency precision against 57 % for
the agency classifier alone (80 % at 0.90 either way)."""

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
    warnings: tuple[str, ...] = ()
    """What the data or the fitted model leave to doubt: labels folded or dropped, a test period unlike
    training, a mismatch rule short of its target."""


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
    auto_accept_precision: float = 0.95,
    error_models: list[ErrorModel] | None = None,
    label_readings: Mapping[str, bool] | None = None,
    same_agency_precision: float | None = None,
) -> tuple[TriageModel, Metrics]:
    """Fit every head of the triage model on `split.train` and score it on `split.test`.

    The mismatch and auto-accept thresholds are chosen on the latest training reports with
    models that have not seen them (see `validation_predictions`), under `error_models` (by
    default every simulated pattern at once); the final classifiers are fit on the whole training
    part. The agency is learnt by `agency_classifier`, by default a copy of `classifier`.
    `label_readings` (report id -> its recorded category fits, from a blind reading) keep the mismatch
    thresholds from counting a change suggested against a label that does not fit as a false alarm.
    `same_agency_precision`: what the same-agency error model must reach instead of `target_precision`
    (`training.mismatch.required_precision`).
    """
    category = clone(classifier).fit(texts_of(split.train), split.train[CATEGORY])
    agency = None
    if len(split.agencies) >= 2:
        routed = split.train.dropna(subset=[AGENCY])
        agency = clone(agency_classifier or classifier).fit(texts_of(routed), routed[AGENCY])
    model = TriageModel(category_classifier=category, agency_classifier=agency)
    model.share_text_features()
    if agency is not None:
        model.routing = CategoryRouting.fit(
            category.classes_, agency.classes_, split.train[CATEGORY], split.train[AGENCY], ROUTING_WEIGHT
        )
    validation = validation_predictions(split, classifier, model)
    agency_of = category_agencies(split.train)
    error_models = error_models or default_error_models()
    label_fits = None
    if label_readings and validation.ids is not None:
        label_fits = np.array([label_readings.get(str(i), True) for i in validation.ids], dtype=bool)
    model.mismatch_rule, validation_figures = fit_rule(
        validation.proba,
        validation.classes,
        validation.truth,
        agency_of,
        target_precision,
        error_models,
        label_fits=label_fits,
        same_agency_precision=same_agency_precision,
    )
    model.auto_accept = fit_policy(validation, agency_of, error_models, auto_accept_precision)
    metrics = evaluate_model(model, split, validation=validation)
    metrics["mismatch"] |= {f"validation_{k}": v for k, v in validation_figures.items()}
    metrics["mismatch"]["validation_labels_read_not_fitting"] = 0 if label_fits is None else int((~label_fits).sum())
    return model, metrics


def validation_predictions(split: Split, classifier: TextClassifier, model: TriageModel) -> Validation:
    """Probabilities and labels of the latest training reports, from models of the earlier ones.

    A classifier predicts its own holdout when it sets its temperature; that saves fitting a
    probe, a third of the training time. Otherwise a category probe is fitted here (and the
    agency's auto-accept threshold keeps its default).
    """
    saved = saved_validation(model, split)
    if saved is not None:
        return saved
    held = split.holdout(VALIDATION_FRACTION)
    probe = clone(classifier).fit(texts_of(held.train), held.train[CATEGORY])
    proba, classes = probe.predict_proba(texts_of(held.test)), np.asarray(probe.classes_, dtype=object)
    ids = held.test["id"].to_numpy() if "id" in held.test else None
    return Validation(proba, classes, held.test[CATEGORY].to_numpy(), None, None, None, ids=ids)


def citizens_error_models(frame: pd.DataFrame, classes: tuple[str, ...]) -> list[ErrorModel]:
    """The error pattern of the reviewed reports that carry a citizen's category, once there are enough;
    else every default pattern."""
    reviewed = frame.loc[frame["label_source"] == REVIEWER] if "label_source" in frame else frame.iloc[:0]
    if "category" not in reviewed:
        return default_error_models()
    learned = learn_error_model(reviewed["category"], reviewed[CATEGORY], classes)
    return [learned] if learned is not None else default_error_models()


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
    if is_mapping_path(dataset) and Path(dataset).exists():
        dataset = str(Path(dataset).resolve())  # evaluate rebuilds the split from any working directory
    router = classifier or agency_classifier(settings)
    classifier = classifier or category_classifier(settings)
    client = registry.configure(settings)

    progress(f"loading dataset '{dataset}'")
    loaded = load_dataset(dataset, settings)
    sources = source_of(loaded)
    frame = apply_reviewer_labels(loaded, reviewer_labels)
    min_reports = min_reports_per_category(dataset, settings)
    min_agency_reports = min_reports_per_agency(dataset, settings)
    split = time_ordered_split(
        frame, min_reports_per_category=min_reports, rare=rare, min_reports_per_agency=min_agency_reports
    )
    outcomes, warnings = split_warnings(
        labelled_unique(frame), split.train, split.test, sources, min_reports, min_agency_reports, rare
    )
    require_labels(outcomes[0])

    progress(f"fitting on {len(split.train)} reports, {len(split.categories)} categories")
    started = time.perf_counter()
    error_models = citizens_error_models(frame, split.categories)
    model, metrics = fit_and_evaluate(
        split,
        classifier,
        settings.mismatch_target_precision,
        router,
        settings.auto_accept_target_precision,
        error_models,
        recorded_category_fits(settings),
        settings.mismatch_same_agency_precision,
    )
    train_seconds = time.perf_counter() - started
    warnings += mismatch_warnings(metrics, settings)
    for warning in warnings:
        log.warning("%s", warning)
    model.metadata.update(
        dataset=dataset,
        manifest_sha256=frame.attrs.get("manifest_sha256"),
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        n_train=len(split.train),
        train_until=str(split.train["created_at"].max()),
        rare_categories=rare,
        min_reports_per_category=min_reports,
        min_reports_per_agency=min_agency_reports,
    )

    bundle = build_bundle(settings, model)
    parts = bundle.describe()

    progress("logging the run to MLflow")
    with mlflow.start_run(run_name=f"triage-{dataset}") as run:
        mlflow.log_params({f"classifier.{k}": v for k, v in classifier.get_params().items()})
        mlflow.log_params({f"agency_classifier.{k}": v for k, v in router.get_params().items()})
        mlflow.log_params(
            {
                "dataset": dataset,
                "min_reports_per_category": min_reports,
                "min_reports_per_agency": min_agency_reports,
                "rare_categories": rare,
                "mismatch_target_precision": settings.mismatch_target_precision,
                "mismatch_same_agency_precision": settings.mismatch_same_agency_precision,
                "auto_accept_target_precision": settings.auto_accept_target_precision,
                "citizen_error_model": model.mismatch_rule.error_model.name,
                "reviewer_labels": frame.attrs.get("reviewer_labels", 0),
                "vague_mode": parts["vague"]["mode"],
                "duplicate_likely_threshold": parts["duplicates"]["likely_threshold"],
                "gazetteer": parts["gazetteer"]["version"] if parts["gazetteer"] else "none",
                "redactor_version": parts["redactor_version"],
                "masker_version": parts["name_tagger"]["masker_version"] if parts["name_tagger"] else "rules",
                **split.summary(),
            }
        )
        mlflow.log_metrics(numeric_leaves(metrics))
        mlflow.log_metric("train_seconds", train_seconds)
        mlflow.set_tags(_environment_tags(frame))
        mlflow.log_dict({"categories": list(split.categories), "agencies": list(split.agencies)}, "labels.json")
        digest = registry.log_model(bundle, {**model.metadata, "bundle": parts})
        version = None
        if register:
            progress("registering the model")
            version = registry.register(client, settings.model_name, run.info.run_id, digest, f"trained on {dataset}")
    log.info("trained on %s in %.0f s", dataset, train_seconds)
    return TrainResult(run.info.run_id, version, metrics, dataset, len(split.categories), tuple(warnings))


def mismatch_warnings(metrics: Metrics, settings: Settings) -> list[str]:
    """A warning when the mismatch rule misses the precision asked of it under an error model (on the validation
    split, where its thresholds were chosen, or clearly on the test split)."""
    mismatch = metrics.get("mismatch", {})
    short = []
    for part, prefix, slack in (("validation", "validation_", 0.0), ("test", "", 0.05)):
        for name in (*ERROR_MODELS, LEARNED):
            value = mismatch.get(f"{prefix}{name}_precision")
            need = required_precision(name, settings.mismatch_target_precision, settings.mismatch_same_agency_precision)
            if value is not None and value < need - slack:
                short.append(f"{part} {name} {value:.2f} against {need:.2f}")
    if not short:
        return []
    return [
        "the mismatch rule misses its precision targets (TRIASE_MISMATCH_TARGET_PRECISION, "
        f"TRIASE_MISMATCH_SAME_AGENCY_PRECISION): {', '.join(short)} at suggest_threshold "
        f"{mismatch.get('suggest_threshold', 0):.2f}; its suggest_change verdicts are less reliable than asked: label "
        "more reports of the confused categories, or lower the targets"
    ]


def _environment_tags(frame: pd.DataFrame) -> dict[str, Any]:
    return {
        "dataset": frame.attrs.get("dataset"),
        "manifest_sha256": frame.attrs.get("manifest_sha256") or "none (project demo data)",
        "python": platform.python_version(),
        "sklearn": sklearn.__version__,
    }
