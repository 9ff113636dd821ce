"""Model selection: score candidate classifiers on the validation split, one MLflow run each.

The validation split is the latest 15 % of the training reports, so the test split stays
untouched until the chosen model is trained by `triase train`.
"""

from collections.abc import Callable, Mapping

import mlflow
import pandas as pd

from models.category import TextClassifier
from training import registry
from training.data import CATEGORY, texts_of, time_ordered_split
from training.datasets import load_dataset, min_reports_per_category
from training.evaluate import classification_metrics
from training.settings import Settings
from training.train import VALIDATION_FRACTION, RareCategories

Candidate = Callable[[], TextClassifier]

CANDIDATES: Mapping[str, Candidate] = {
    "svc-C0.03": lambda: TextClassifier(C=0.03),
    "svc-C0.1": lambda: TextClassifier(C=0.1),
    "svc-C0.3": lambda: TextClassifier(C=0.3),
    "svc-C1": lambda: TextClassifier(C=1.0),
    "svc-C0.1-words-only": lambda: TextClassifier(C=0.1, max_char_features=1),
    "svc-C0.1-char-3-6": lambda: TextClassifier(C=0.1, char_ngram_range=(3, 6), max_char_features=300_000),
}
SELECTION_TAG = "model-selection"


def select(
    settings: Settings,
    dataset: str,
    candidates: Mapping[str, Candidate] = CANDIDATES,
    rare: RareCategories = "fold",
) -> pd.DataFrame:
    """Fit each candidate on the inner training part, score it on validation; best macro-F1 first."""
    registry.configure(settings)
    frame = load_dataset(dataset, settings)
    split = time_ordered_split(frame, min_reports_per_category=min_reports_per_category(dataset, settings), rare=rare)
    validation = split.holdout(VALIDATION_FRACTION)
    rows = []
    for name, make in candidates.items():
        classifier = make()
        with mlflow.start_run(run_name=f"select-{name}"):
            mlflow.set_tags({"stage": SELECTION_TAG, "candidate": name, "dataset": dataset})
            mlflow.log_params({f"classifier.{k}": v for k, v in classifier.get_params().items()})
            classifier.fit(texts_of(validation.train), validation.train[CATEGORY])
            proba = classifier.predict_proba(texts_of(validation.test))
            metrics = classification_metrics(validation.test[CATEGORY], proba, classifier.classes_)
            mlflow.log_metrics({f"validation.{k}": v for k, v in metrics.items()})
        rows.append({"candidate": name, **metrics})
    return pd.DataFrame(rows).sort_values("macro_f1", ascending=False, ignore_index=True)
