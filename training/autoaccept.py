"""Choose the auto-accept thresholds on a validation split, for a target precision of what passes without a person."""

from collections.abc import Mapping, Sequence

import numpy as np

from models.autoaccept import AutoAcceptPolicy, AutoAcceptType
from training.mismatch import ErrorModel, simulate_claims

MIN_SUPPORT = 30
"""Fewest validation reports above a threshold for its precision to count: fewer would pass on luck."""
NEVER = 1.01
"""A threshold no probability reaches: the type always goes to a person."""


def least_threshold(scores: np.ndarray, correct: np.ndarray, target_precision: float) -> tuple[float, dict[str, float]]:
    """The lowest score threshold whose passing reports reach `target_precision`, with what it reached.

    Among the thresholds whose passing set holds at least `MIN_SUPPORT` reports and reaches the
    target, the one passing the most; `NEVER` when none does.
    """
    order = np.argsort(-scores, kind="stable")
    ranked, hits = scores[order], np.cumsum(correct[order])
    passing = np.arange(1, len(ranked) + 1)
    # A threshold passes every report of equal score, so only the last of a run of ties is a cut.
    cut = np.r_[ranked[1:] < ranked[:-1], True] if len(ranked) else np.array([], dtype=bool)
    ok = cut & (passing >= MIN_SUPPORT) & (hits >= target_precision * passing)
    if not ok.any():
        return NEVER, {"precision": 0.0, "coverage": 0.0}
    k = int(np.flatnonzero(ok)[-1])
    return float(ranked[k]), {"precision": float(hits[k] / passing[k]), "coverage": float(passing[k] / len(ranked))}


def fit_policy(
    proba: np.ndarray,
    classes: Sequence[str],
    truth: Sequence[str],
    agency_of: Mapping[str, str],
    error_models: Sequence[ErrorModel],
    target_precision: float,
    agency_proba: np.ndarray | None = None,
    agency_classes: Sequence[str] | None = None,
    agency_truth: Sequence[str] | None = None,
    seed: int = 2,
) -> AutoAcceptPolicy:
    """Thresholds per type from validation predictions of models that did not see those reports.

    `category_agree` must hold under every error model: a wrong citizen's category that the model
    happens to share is what it lets through, and how often that happens depends on the pattern.
    """
    classes = np.asarray(classes, dtype=object)
    truth = np.asarray(truth, dtype=object)
    top = proba.argmax(axis=1)
    top_probability = proba.max(axis=1)
    right = classes[top] == truth
    thresholds: dict[str, float] = {}
    validation: dict[str, dict[str, float]] = {}

    key = AutoAcceptType.CATEGORY_PREDICTED.value
    thresholds[key], validation[key] = least_threshold(top_probability, right, target_precision)

    key = AutoAcceptType.CATEGORY_AGREE.value
    worst: tuple[float, dict[str, float]] = (0.0, {})
    for model in error_models:
        claimed = simulate_claims(truth, classes, agency_of, model, seed=seed).claimed
        agree = classes[top] == claimed
        found = least_threshold(top_probability[agree], right[agree], target_precision)
        worst = max(worst, found, key=lambda t: t[0])
    thresholds[key], validation[key] = worst

    if agency_proba is not None and agency_classes is not None and agency_truth is not None:
        agencies = np.asarray(agency_classes, dtype=object)
        routed_right = agencies[agency_proba.argmax(axis=1)] == np.asarray(agency_truth, dtype=object)
        key = AutoAcceptType.AGENCY.value
        thresholds[key], validation[key] = least_threshold(agency_proba.max(axis=1), routed_right, target_precision)
    return AutoAcceptPolicy(thresholds, target_precision, validation)
