"""Stage 3 of training: score a fitted classifier on held-out reports, without flattering it."""

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from models.autoaccept import DEFAULT_SPOT_CHECK_RATE
from models.location.gazetteer import Gazetteer
from models.settings import Settings
from models.triage import TriageModel
from models.vagueness.scorer import VagueInput, VaguenessScorer
from training import plots, registry
from training.data import AGENCY, CATEGORY, Split, texts_of, time_ordered_split
from training.datasets import load_dataset
from training.evaluate_claims import applies_to, evaluate_claims, load_cases
from training.evaluate_location import evaluate_location
from training.geo import geo_available
from training.mismatch import ERROR_MODELS, ErrorModel, category_agencies, score, simulate_claims
from training.operations import Replay, operations_section
from training.validation import Validation, saved_validation

Metrics = dict[str, dict[str, float]]

TEST_SIMULATION_SEED = 2024
AGENCY_METRICS = ("macro_f1", "accuracy", "top3_accuracy", "ece", "n_test")

CALIBRATION_BINS = 10
COVERAGE_STEPS = tuple(round(c, 2) for c in np.linspace(0.1, 1.0, 10))


def evaluate_model(
    model: TriageModel,
    split: Split,
    proba: np.ndarray | None = None,
    validation: Validation | None = None,
    vague: np.ndarray | None = None,
    spot_check_rate: float = DEFAULT_SPOT_CHECK_RATE,
) -> Metrics:
    """The `category`, `mismatch`, `agency` (when the model routes) and `operations` sections on `split.test`.

    `proba`: the category probabilities of `split.test`, when the caller already has them.
    `validation`: the predictions the thresholds were chosen on; the operating curve re-fits the
    auto-accept policy on them (no `operations` section without). `vague`: whether the vagueness
    flag queues each test report, when it is replayed.
    """
    texts = texts_of(split.test)
    classes = np.asarray(model.category_classifier.classes_, dtype=object)
    truth = split.test[CATEGORY].to_numpy()
    if proba is None:
        proba = model.category_classifier.predict_proba(texts)
    metrics: Metrics = {"category": classification_metrics(truth, proba, classes)}

    agency_of = category_agencies(split.train)
    simulated = {
        name: simulate_claims(truth, classes, agency_of, ErrorModel(name), seed=TEST_SIMULATION_SEED)
        for name in ERROR_MODELS
    }
    rule = model.mismatch_rule
    by_model = {name: score(rule, proba, classes, truth, claims) for name, claims in simulated.items()}
    metrics["mismatch"] = {
        # The worst over the error models: no single assumed pattern flatters the verdict.
        "precision": min(f["precision"] for f in by_model.values()),
        "recall": min(f["recall"] for f in by_model.values()),
        "suggestion_accuracy": min(f["suggestion_accuracy"] for f in by_model.values()),
        **{f"{name}_{k}": f[k] for name, f in by_model.items() for k in ("precision", "recall")},
        "suggest_threshold": rule.suggest_threshold,
        "same_agency_odds": rule.same_agency_odds,
        "other_agency_odds": rule.other_agency_odds,
    }

    agency_proba = agency_classes = None
    agency_truth = split.test[AGENCY].to_numpy() if AGENCY in split.test else np.full(len(split.test), None)
    agency_truth = np.array([a if isinstance(a, str) else None for a in agency_truth], dtype=object)
    if model.agency_classifier is not None:
        agency_proba = model.agency_classifier.predict_proba(texts)
        agency_classes = np.asarray(model.agency_classifier.classes_, dtype=object)
        routed = np.array([a is not None for a in agency_truth])
        # As served to a report without a citizen's category: the classifier mixed with its categories' routing.
        served = agency_proba
        if model.routing is not None:
            served = model.routing.combine(agency_proba, proba, [None] * len(texts))
        agency = classification_metrics(agency_truth[routed], served[routed], agency_classes)
        alone = classification_metrics(agency_truth[routed], agency_proba[routed], agency_classes)
        metrics["agency"] = {k: agency[k] for k in AGENCY_METRICS} | {
            f"classifier_alone_{k}": alone[k] for k in ("macro_f1", "accuracy")
        }

    if validation is not None:
        replay = Replay(
            ids=list(split.test["id"]),
            proba=proba,
            classes=classes,
            truth=truth,
            agency_proba=agency_proba,
            agency_classes=agency_classes,
            agency_truth=agency_truth,
            vague=vague,
        )
        metrics["operations"] = operations_section(
            replay, validation, rule, model.auto_accept, agency_of, spot_check_rate, simulated, model.routing
        )
        metrics["operations"]["mismatch_by_error_model"] = {
            name: {k: f[k] for k in ("precision", "recall", "suggestion_accuracy")} for name, f in by_model.items()
        }
    return metrics


def classification_metrics(y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str]) -> dict[str, float]:
    """Macro-F1, accuracy, top-3 accuracy, accuracy on the most confident half and calibration error.

    Test reports whose label the model never saw still count (as errors): leaving them out
    would flatter the model. They are also counted, so a reader sees how many there were.
    """
    y, labels = _check(y_true, proba, classes)
    predicted = labels[proba.argmax(axis=1)]
    true_index = _indices(y, labels)
    top3 = np.argsort(-proba, axis=1)[:, :3]
    confidence = proba.max(axis=1)
    correct = predicted == y
    return {
        "macro_f1": float(f1_score(y, predicted, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(y, predicted)),
        "top3_accuracy": float((top3 == true_index[:, None]).any(axis=1).mean()),
        "accuracy_at_coverage_50": accuracy_at_coverage(correct, confidence, 0.5),
        "ece": expected_calibration_error(correct, confidence),
        "n_test": float(len(y)),
        "n_test_unseen_label": float((true_index < 0).sum()),
    }


def detailed_report(y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str]) -> dict[str, Any]:
    """Everything `triase evaluate` shows beyond the headline metrics."""
    y, labels = _check(y_true, proba, classes)
    predicted = labels[proba.argmax(axis=1)]
    confidence = proba.max(axis=1)
    correct = predicted == y
    seen = _indices(y, labels) >= 0
    present = sorted(set(y) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(y, predicted, labels=present, zero_division=0)
    return {
        "per_class": {
            label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for label, p, r, f, s in zip(present, precision, recall, f1, support)
        },
        "confusion": {"labels": present, "matrix": confusion_matrix(y, predicted, labels=present).tolist()},
        "reliability": reliability_bins(correct, confidence),
        "coverage_curve": [
            {"coverage": c, "accuracy": accuracy_at_coverage(correct, confidence, c)} for c in COVERAGE_STEPS
        ],
        "unseen_labels": {
            "n": int((~seen).sum()),
            "labels": sorted(set(y[~seen])),
            "accuracy_on_seen": float(correct[seen].mean()) if seen.any() else None,
        },
    }


def accuracy_at_coverage(correct: np.ndarray, confidence: np.ndarray, coverage: float) -> float:
    """Accuracy on the `coverage` share of reports the model is most confident about."""
    keep = max(1, int(round(len(correct) * coverage)))
    order = np.argsort(-confidence, kind="stable")[:keep]
    return float(correct[order].mean())


def reliability_bins(correct: np.ndarray, confidence: np.ndarray, bins: int = CALIBRATION_BINS) -> list[dict]:
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    rows = []
    for b in range(bins):
        members = which == b
        if members.any():
            rows.append(
                {
                    "lower": float(edges[b]),
                    "upper": float(edges[b + 1]),
                    "count": int(members.sum()),
                    "confidence": float(confidence[members].mean()),
                    "accuracy": float(correct[members].mean()),
                }
            )
    return rows


def expected_calibration_error(correct: np.ndarray, confidence: np.ndarray, bins: int = CALIBRATION_BINS) -> float:
    """Share-weighted gap between confidence and accuracy over equal-width confidence bins."""
    total = len(correct)
    return float(
        sum(
            row["count"] / total * abs(row["accuracy"] - row["confidence"])
            for row in reliability_bins(correct, confidence, bins)
        )
    )


def _check(y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true, dtype=object)
    labels = np.asarray(classes, dtype=object)
    if len(y) == 0:
        raise ValueError("cannot evaluate on an empty test set")
    if proba.shape != (len(y), len(labels)):
        raise ValueError(f"proba has shape {proba.shape}, expected {(len(y), len(labels))}")
    return y, labels


def _indices(y: np.ndarray, labels: np.ndarray) -> np.ndarray:
    index = {label: i for i, label in enumerate(labels)}
    return np.array([index.get(label, -1) for label in y])


def champion_split(settings: Settings, model: TriageModel, label: str) -> Split:
    """The split `model` was trained with, rebuilt from its metadata (dataset and label policy); refused when
    the dataset's manifest changed since."""
    meta = model.metadata
    frame = load_dataset(meta["dataset"], settings)
    if frame.attrs.get("manifest_sha256") != meta.get("manifest_sha256"):
        raise ValueError(
            f"the data of '{meta['dataset']}' changed since {label} was trained "
            "(manifest hash differs); retrain before evaluating"
        )
    return time_ordered_split(
        frame,
        min_reports_per_category=meta["min_reports_per_category"],
        rare=meta.get("rare_categories", "fold"),
        min_reports_per_agency=meta.get("min_reports_per_agency"),
    )


def evaluate_champion(settings: Settings, log_to_mlflow: bool = True) -> dict[str, Any]:
    """Every evaluation section for the champion model, on the split it was trained with.

    The champion's own metadata says which dataset and label policy it was trained with, so
    the test split is rebuilt exactly. Sections for other capabilities are added when their data
    is present and they apply: `location` (Jakarta points) only for a dataset with points in the
    gazetteer's area. The plots and the full report are logged to MLflow as an evaluation run
    tagged with the model version.
    """
    client = registry.configure(settings)
    champion = registry.load_champion(client, settings.model_name, settings.embedder_dir)
    model: TriageModel = champion.model
    meta = model.metadata
    split = champion_split(settings, model, champion.label)
    proba = model.category_classifier.predict_proba(texts_of(split.test))
    validation = saved_validation(model, split)
    vague = vague_flags(champion.bundle.vagueness, split) if validation is not None else None
    sections: dict[str, Any] = evaluate_model(model, split, proba, validation=validation, vague=vague)
    details = detailed_report(split.test[CATEGORY], proba, model.category_classifier.classes_)
    cases = load_cases(settings)
    if applies_to(model, cases):
        sections["claims"] = evaluate_claims(model, cases)
    if geo_available(settings) and has_points_in(pd.concat([split.train, split.test]), champion.bundle.gazetteer):
        sections["location"] = evaluate_location(settings)

    result = {"model": champion.label, "dataset": meta["dataset"], **sections}
    if log_to_mlflow:
        with mlflow.start_run(run_name=f"evaluate-{champion.label}"), tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            mlflow.set_tags({"evaluates": champion.label, "model_run_id": champion.run_id})
            mlflow.log_metrics(numeric_leaves(sections))
            mlflow.log_dict(result | {"category_details": details}, "evaluation.json")
            pngs = [
                plots.reliability_diagram(details["reliability"], folder / "reliability.png", "Category calibration"),
                plots.coverage_curve(details["coverage_curve"], folder / "coverage.png", "Selective prediction"),
                plots.confusion_heatmap(**details["confusion"], path=folder / "confusion.png", title="Categories"),
            ]
            if "operations" in sections:
                pngs.append(
                    plots.operating_curve(
                        sections["operations"]["curve"],
                        sections["operations"],
                        folder / "operating_curve.png",
                        "Auto-accept target precision vs work taken off reviewers (test)",
                    )
                )
            for png in pngs:
                mlflow.log_artifact(str(png), artifact_path="plots")
    return result | {"category_details": details}


def has_points_in(frame: pd.DataFrame, gazetteer: Gazetteer | None) -> bool:
    """Whether any report of `frame` has a point inside the gazetteer's area: the location section (scored on
    that area's reports) says nothing about a model of a city elsewhere, or of reports without points."""
    if gazetteer is None or not {"lat", "lon"} <= set(frame.columns):
        return False
    west, south, east, north = gazetteer.bounds
    lat, lon = frame["lat"], frame["lon"]
    return bool((lat.between(south, north) & lon.between(west, east)).any())


def vague_flags(scorer: VaguenessScorer, split: Split) -> np.ndarray:
    """Whether the served vagueness scorer (the bundle's) queues each test report (the Surabaya reports have no
    point)."""
    return np.array([a.is_vague for a in scorer.assess([VagueInput(t, has_point=False) for t in texts_of(split.test)])])


def numeric_leaves(sections: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """Every number of nested sections as one flat dict of MLflow metrics, named by their path."""
    flat: dict[str, float] = {}
    for key, value in sections.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat |= numeric_leaves(value, f"{name}.")
        elif _is_number(value):
            flat[name] = float(value)
    return flat


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
