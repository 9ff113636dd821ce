"""Model selection: score candidate classifiers on the validation split, one MLflow run each.

The validation split is the latest 15 % of the training reports, so the test split stays
untouched until the chosen model is trained by `triase train`. Every category candidate is
also scored as the basis of the mismatch verdict (thresholds fitted on the same validation
reports under every simulated error pattern, as `triase train` does); a few are scored as agency
routers too.
"""

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import mlflow
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

from models.category import TextClassifier
from models.settings import Settings
from training import registry
from training.data import AGENCY, CATEGORY, texts_of, time_ordered_split
from training.datasets import load_dataset, min_reports_per_agency, min_reports_per_category
from training.evaluate import classification_metrics
from training.mismatch import category_agencies, fit_rule
from training.train import AGENCY_EMBEDDING_WEIGHT, CATEGORY_EMBEDDING_WEIGHT, VALIDATION_FRACTION, RareCategories

Candidate = Callable[[Settings], Any]
"""Builds an unfitted classifier of texts (fit, predict_proba, classes_) for the given settings."""


def _tfidf_logistic_regression(settings: Settings) -> Pipeline:
    """The published baseline's family on this project's features: multinomial LR, classes balanced."""
    features = make_union(
        TfidfVectorizer(sublinear_tf=True, min_df=2, ngram_range=(1, 2), max_features=100_000),
        TfidfVectorizer(sublinear_tf=True, min_df=2, analyzer="char_wb", ngram_range=(2, 5), max_features=200_000),
    )
    return make_pipeline(features, LogisticRegression(C=10.0, class_weight="balanced", max_iter=1000))


def _with_sentence_vectors(weight: float, int8: bool = True) -> Candidate:
    return lambda settings: TextClassifier(
        embedding_weight=weight, embedder_dir=str(settings.embedder_dir), embedding_int8=int8
    )


CANDIDATES: Mapping[str, Candidate] = {
    "svc-fold-average": lambda s: TextClassifier(average_fold_models=True, recalibration_fraction=0.0),
    "svc-isotonic": lambda s: TextClassifier(calibration="isotonic", recalibration_fraction=0.0),
    "svc": lambda s: TextClassifier(recalibration_fraction=0.0),
    "svc-temperature": lambda s: TextClassifier(),
    "logreg-balanced": _tfidf_logistic_regression,
    "e5-head": _with_sentence_vectors(1.0),
    "svc+e5-0.3": _with_sentence_vectors(0.3),
    "svc+e5-0.4": _with_sentence_vectors(0.4),
    "svc+e5-0.5": _with_sentence_vectors(0.5),
    "svc+e5-0.5-float": _with_sentence_vectors(0.5, int8=False),
}
"""`svc-fold-average` was the category model before; `svc+e5-{CATEGORY_EMBEDDING_WEIGHT}` is the one now."""

AGENCY_CANDIDATES: Sequence[str] = (
    "svc-temperature",
    f"svc+e5-{AGENCY_EMBEDDING_WEIGHT}",
    f"svc+e5-{CATEGORY_EMBEDDING_WEIGHT}",
)
SELECTION_TAG = "model-selection"
MISMATCH_FIGURES = ("precision", "recall")


def select(
    settings: Settings,
    dataset: str,
    candidates: Mapping[str, Candidate] = CANDIDATES,
    rare: RareCategories = "fold",
    agency_candidates: Sequence[str] = AGENCY_CANDIDATES,
) -> pd.DataFrame:
    """Fit each candidate on the inner training part, score it on validation; per target, best macro-F1 first."""
    registry.configure(settings)
    frame = load_dataset(dataset, settings)
    split = time_ordered_split(
        frame,
        min_reports_per_category=min_reports_per_category(dataset, settings),
        rare=rare,
        min_reports_per_agency=min_reports_per_agency(dataset, settings),
    )
    validation = split.holdout(VALIDATION_FRACTION)
    agency_of = category_agencies(validation.train)
    runs = [(CATEGORY, name) for name in candidates]
    if len(validation.agencies) >= 2:
        runs += [(AGENCY, name) for name in agency_candidates if name in candidates]
    rows = []
    for target, name in runs:
        train = validation.train.dropna(subset=[target])
        test = validation.test.dropna(subset=[target])
        classifier = candidates[name](settings)
        with mlflow.start_run(run_name=f"select-{target}-{name}"):
            mlflow.set_tags(
                {"stage": SELECTION_TAG, "candidate": name, "target": target, "dataset": dataset, "rare": rare}
            )
            mlflow.log_params({f"classifier.{k}": v for k, v in classifier.get_params(deep=False).items()})
            started = time.perf_counter()
            classifier.fit(texts_of(train), train[target])
            seconds = time.perf_counter() - started
            proba = classifier.predict_proba(texts_of(test))
            metrics = classification_metrics(test[target], proba, classifier.classes_) | {"fit_seconds": seconds}
            if target == CATEGORY:
                metrics |= _mismatch_figures(proba, classifier.classes_, test[CATEGORY], agency_of, settings)
            mlflow.log_metrics({f"validation.{k}": v for k, v in metrics.items()})
        rows.append({"target": target.removeprefix("label_"), "candidate": name, **metrics})
    table = pd.DataFrame(rows).sort_values(["target", "macro_f1"], ascending=[False, False], ignore_index=True)
    return table.drop(columns=["n_test", "n_test_unseen_label"])


def _mismatch_figures(
    proba, classes, truth: pd.Series, agency_of: dict[str, str], settings: Settings
) -> dict[str, float]:
    """What `triase train` would choose on these probabilities: the worst precision and recall over the error models."""
    _, figures = fit_rule(
        proba,
        classes,
        truth,
        agency_of,
        settings.mismatch_target_precision,
        same_agency_precision=settings.mismatch_same_agency_precision,
    )
    return {f"mismatch_{k}": figures[k] for k in MISMATCH_FIGURES}
