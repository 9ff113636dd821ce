"""Choose the auto-accept thresholds on a validation split, for a target precision of what passes without a person."""

from collections.abc import Mapping, Sequence

import numpy as np

from models.autoaccept import AutoAcceptPolicy, AutoAcceptType
from training.mismatch import ErrorModel, simulate_claims
from training.validation import Validation

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
    validation: Validation,
    agency_of: Mapping[str, str],
    error_models: Sequence[ErrorModel],
    target_precision: float,
    seed: int = 2,
) -> AutoAcceptPolicy:
    """Thresholds per type from validation predictions of models that did not see those reports.

    `category_agree` must hold under every error model: a wrong citizen's category that the model
    happens to share is what it lets through, and how often that happens depends on the pattern.
    The agency's must hold with and without a settled category, since the routing leans on it (the
    validation's own category -> agency table, of the earlier reports).
    """
    classes, truth = validation.classes, np.asarray(validation.truth, dtype=object)
    proba = validation.proba
    top = proba.argmax(axis=1)
    top_probability = proba.max(axis=1)
    right = classes[top] == truth
    thresholds: dict[str, float] = {}
    reached: dict[str, dict[str, float]] = {}

    key = AutoAcceptType.CATEGORY_PREDICTED.value
    thresholds[key], reached[key] = least_threshold(top_probability, right, target_precision)

    claims = [simulate_claims(truth, classes, agency_of, model, seed=seed).claimed for model in error_models]
    key = AutoAcceptType.CATEGORY_AGREE.value
    thresholds[key], reached[key] = _strictest(
        least_threshold(top_probability[agree], right[agree], target_precision)
        for agree in (classes[top] == claimed for claimed in claims)
    )

    if validation.agency_proba is not None:
        labelled = np.array([a is not None for a in validation.agency_truth])
        settled_sets = [[None] * len(truth)] + [
            [str(c) if c == classes[t] else None for c, t in zip(claimed, top)] for claimed in claims
        ]
        key = AutoAcceptType.AGENCY.value
        thresholds[key], reached[key] = _strictest(
            _agency_threshold(validation, settled, labelled, target_precision) for settled in settled_sets
        )
    return AutoAcceptPolicy(thresholds, target_precision, reached)


def _agency_threshold(
    validation: Validation,
    settled: list[str | None],
    rows: np.ndarray,
    target_precision: float,
) -> tuple[float, dict[str, float]]:
    """The least served agency probability that reaches the target on `rows`, the category `settled` per report."""
    served = validation.agency_proba
    if validation.routing is not None:
        served = validation.routing.combine(served, validation.proba, settled)
    right = validation.agency_classes[served.argmax(axis=1)] == validation.agency_truth
    return least_threshold(served.max(axis=1)[rows], right[rows], target_precision)


def _strictest(found) -> tuple[float, dict[str, float]]:
    """The highest threshold of several scenarios, with what it reached in its own."""
    return max(found, key=lambda item: item[0])
