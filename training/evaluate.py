"""Stage 3 of training: score a fitted classifier on held-out reports."""

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import accuracy_score, f1_score


def classification_metrics(y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str]) -> dict[str, float]:
    """Macro-F1, accuracy, top-3 accuracy and accuracy on the most confident half.

    Test reports whose label the model never saw still count (as errors): leaving them out
    would flatter the model.
    """
    y = np.asarray(y_true, dtype=object)
    labels = np.asarray(classes, dtype=object)
    if len(y) == 0:
        raise ValueError("cannot evaluate on an empty test set")
    if proba.shape != (len(y), len(labels)):
        raise ValueError(f"proba has shape {proba.shape}, expected {(len(y), len(labels))}")
    predicted = labels[proba.argmax(axis=1)]
    index = {label: i for i, label in enumerate(labels)}
    true_index = np.array([index.get(label, -1) for label in y])
    top3 = np.argsort(-proba, axis=1)[:, :3]
    confidence = proba.max(axis=1)
    most_confident_half = np.argsort(-confidence, kind="stable")[: max(1, len(y) // 2)]
    correct = predicted == y
    return {
        "macro_f1": float(f1_score(y, predicted, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(y, predicted)),
        "top3_accuracy": float((top3 == true_index[:, None]).any(axis=1).mean()),
        "accuracy_at_coverage_50": float(correct[most_confident_half].mean()),
        "n_test": float(len(y)),
        "n_test_unseen_label": float((true_index < 0).sum()),
    }
