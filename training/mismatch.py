"""Simulated citizen errors: choose the mismatch thresholds and measure the verdict honestly.

The real exports record only the official category, so citizens' mistakes are simulated:
a share of reports get a wrong category, drawn from the other categories the same agency
handles when there are any (the confusions that happen in practice), otherwise uniformly.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.mismatch import MismatchRule, Verdict, claimed_indices

ERROR_RATE = 0.15
CROSS_AGENCY_SHARE = 0.2
"""The prior share of citizens' wrong picks that fall outside the true category's agency. The simulation has
none, so any share costs a little there; real citizens do make them (a street light filed as a road), and
with none they could never be caught. Reviewers' corrections will tell the true share."""
SUGGEST_GRID = np.round(np.linspace(0.0, 0.9, 19), 2)
MISTAKE_GRID = np.round(np.concatenate([np.linspace(0.3, 0.9, 25), np.linspace(0.91, 0.99, 9), [0.995, 0.999]]), 3)
"""High mistake thresholds matter most where the target precision is high."""
CURVE_RECALL = 0.8
CURVE_PRECISION = 0.9


@dataclass(frozen=True)
class SimulatedClaims:
    claimed: np.ndarray
    corrupted: np.ndarray


def category_agencies(frame: pd.DataFrame) -> dict[str, str]:
    """The agency that handles most reports of each category."""
    known = frame.dropna(subset=["label_category", "label_agency"])
    return known.groupby("label_category")["label_agency"].agg(lambda s: s.value_counts().index[0]).to_dict()


def confusable_categories(classes: Sequence[str], agency_of: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """For each category, the others its agency handles: the mistakes citizens make in practice."""
    return {
        str(c): tuple(
            str(o) for o in classes if o != c and agency_of.get(o) is not None and agency_of.get(o) == agency_of.get(c)
        )
        for c in classes
    }


def simulate_claims(
    truth: Sequence[str],
    classes: Sequence[str],
    agency_of: dict[str, str],
    error_rate: float = ERROR_RATE,
    seed: int = 0,
) -> SimulatedClaims:
    rng = np.random.default_rng(seed)
    truth = np.asarray(truth, dtype=object)
    claimed = truth.copy()
    corrupted = rng.random(len(truth)) < error_rate
    for i in np.flatnonzero(corrupted):
        others = [c for c in classes if c != truth[i]]
        siblings = [c for c in others if agency_of.get(c) is not None and agency_of.get(c) == agency_of.get(truth[i])]
        claimed[i] = rng.choice(siblings or others)
    return SimulatedClaims(claimed=claimed, corrupted=corrupted)


def score(
    rule: MismatchRule, proba: np.ndarray, classes: Sequence[str], truth: Sequence[str], simulated: SimulatedClaims
) -> dict[str, float]:
    """Precision and recall of `suggest_change` against the simulated errors."""
    verdicts, suggested = rule.decide_many(proba, np.asarray(classes, dtype=object), list(simulated.claimed))
    flagged = verdicts == Verdict.SUGGEST_CHANGE.value
    truth = np.asarray(truth, dtype=object)
    hits = flagged & simulated.corrupted
    right_suggestion = hits & (suggested == truth)
    return {
        "precision": float(hits.sum() / flagged.sum()) if flagged.any() else 0.0,
        "recall": float(hits.sum() / simulated.corrupted.sum()) if simulated.corrupted.any() else 0.0,
        "suggestion_accuracy": float(right_suggestion.sum() / hits.sum()) if hits.any() else 0.0,
        "end_to_end_precision": float(right_suggestion.sum() / flagged.sum()) if flagged.any() else 0.0,
        "agree_rate": float(np.mean(verdicts == Verdict.AGREE.value)),
        "review_rate": float(np.mean(verdicts == Verdict.NEEDS_REVIEW.value)),
        "n_corrupted": float(simulated.corrupted.sum()),
    }


def fit_rule(
    proba: np.ndarray,
    classes: Sequence[str],
    truth: Sequence[str],
    agency_of: dict[str, str],
    target_precision: float,
    seed: int = 1,
) -> tuple[MismatchRule, dict[str, float]]:
    """The thresholds with the best recall whose validation precision reaches the target.

    When no pair reaches it, the most precise pair is returned; its validation figures say so.
    """
    simulated = simulate_claims(truth, classes, agency_of, seed=seed)
    confusable = confusable_categories(classes, agency_of)
    best: tuple[tuple[float, float], MismatchRule, dict[str, float]] | None = None
    for suggest in SUGGEST_GRID:
        for mistake in MISTAKE_GRID:
            rule = MismatchRule(float(suggest), float(mistake), ERROR_RATE, confusable, CROSS_AGENCY_SHARE)
            figures = score(rule, proba, classes, truth, simulated)
            reaches = figures["precision"] >= target_precision
            key = (1.0, figures["recall"]) if reaches else (0.0, figures["precision"])
            if best is None or key > best[0]:
                best = (key, rule, figures)
    assert best is not None
    return best[1], best[2]


def precision_recall_curve(
    rule: MismatchRule, proba: np.ndarray, classes: Sequence[str], simulated: SimulatedClaims
) -> list[dict[str, float]]:
    """Precision and recall of flagging reports by P(mistake) alone (no least probability of the suggestion).

    Only reports whose category is not the model's first choice can be flagged, as in the rule.
    """
    classes = np.asarray(classes, dtype=object)
    mistake = rule.mistake_probability(proba, classes, list(simulated.claimed))
    claimed = claimed_indices(classes, list(simulated.claimed))
    eligible = (claimed >= 0) & (proba.argmax(axis=1) != claimed)
    order = np.argsort(-np.where(eligible, mistake, -1.0), kind="stable")[: int(eligible.sum())]
    hits = np.cumsum(simulated.corrupted[order])
    n_errors = max(1, int(simulated.corrupted.sum()))
    points, last_hits = [], 0
    for k in range(len(order)):
        if k + 1 < len(order) and mistake[order[k + 1]] == mistake[order[k]]:
            continue  # one point per distinct threshold
        if hits[k] > last_hits:  # points that flag no new error only lose precision: the envelope skips them
            points.append(
                {
                    "threshold": float(mistake[order[k]]),
                    "precision": float(hits[k] / (k + 1)),
                    "recall": float(hits[k] / n_errors),
                }
            )
            last_hits = hits[k]
    return points


def curve_summary(points: list[dict[str, float]]) -> dict[str, float]:
    """The best precision at the issue's recall, and the best recall at its precision, along a curve."""
    precision_at = [p["precision"] for p in points if p["recall"] >= CURVE_RECALL]
    recall_at = [p["recall"] for p in points if p["precision"] >= CURVE_PRECISION]
    return {
        f"curve_precision_at_recall_{round(CURVE_RECALL * 100)}": max(precision_at, default=0.0),
        f"curve_recall_at_precision_{round(CURVE_PRECISION * 100)}": max(recall_at, default=0.0),
    }
