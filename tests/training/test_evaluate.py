"""Evaluation metrics on hand-checked cases."""

import numpy as np
import pytest

from training.evaluate import (
    accuracy_at_coverage,
    classification_metrics,
    detailed_report,
    expected_calibration_error,
)

CLASSES = ["A", "B", "C"]
PROBA = np.array(
    [
        [0.9, 0.05, 0.05],  # A, right, confident
        [0.2, 0.7, 0.1],  # B, right
        [0.5, 0.3, 0.2],  # A, wrong (truth C, third)
        [0.4, 0.35, 0.25],  # A, wrong (truth D, never seen)
    ]
)
TRUTH = ["A", "B", "C", "D"]


def test_headline_metrics():
    metrics = classification_metrics(TRUTH, PROBA, CLASSES)
    assert metrics["accuracy"] == 0.5
    assert metrics["top3_accuracy"] == 0.75  # the unseen label can never be in the top 3
    assert metrics["accuracy_at_coverage_50"] == 1.0  # the two most confident are right
    assert metrics["n_test_unseen_label"] == 1
    # F1 per label over the union of truth and predictions: A 1/2 (P 1/3, R 1), B 1, C 0, D 0
    assert metrics["macro_f1"] == pytest.approx((0.5 + 1) / 4)


def test_calibration_error_is_zero_when_confidence_matches_accuracy():
    correct = np.array([True, False, True, False])
    assert expected_calibration_error(correct, np.full(4, 0.5)) == pytest.approx(0.0)
    assert expected_calibration_error(np.array([True, True]), np.array([0.6, 0.6])) == pytest.approx(0.4)


def test_coverage_and_detailed_report():
    correct = np.array([True, False, True, True])
    confidence = np.array([0.9, 0.8, 0.3, 0.2])
    assert accuracy_at_coverage(correct, confidence, 0.25) == 1.0
    assert accuracy_at_coverage(correct, confidence, 0.5) == 0.5
    report = detailed_report(TRUTH, PROBA, CLASSES)
    assert report["unseen_labels"] == {"n": 1, "labels": ["D"], "accuracy_on_seen": pytest.approx(2 / 3)}
    assert report["per_class"]["A"] == {"precision": 1 / 3, "recall": 1.0, "f1": 0.5, "support": 1}
    assert sum(row["count"] for row in report["reliability"]) == 4
    assert report["coverage_curve"][-1] == {"coverage": 1.0, "accuracy": 0.5}


def test_shape_mismatch_is_refused():
    with pytest.raises(ValueError, match="expected"):
        classification_metrics(["A"], PROBA, CLASSES)
