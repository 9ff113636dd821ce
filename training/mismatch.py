"""Simulated citizen errors: choose the mismatch thresholds and measure the verdict honestly.

The real exports record only the official category, so citizens' mistakes are simulated:
a share of reports get a wrong category, drawn from the other categories the same agency
handles when there are any (the confusions that happen in practice), otherwise uniformly.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.mismatch import MismatchRule, Verdict

ERROR_RATE = 0.15
SUGGEST_GRID = np.round(np.linspace(0.0, 0.9, 10), 2)
DOUBT_GRID = (0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.2, 0.3)
"""Low doubt thresholds matter most: a wrong category usually keeps well under 1 % probability."""


@dataclass(frozen=True)
class SimulatedClaims:
    claimed: np.ndarray
    corrupted: np.ndarray


def category_agencies(frame: pd.DataFrame) -> dict[str, str]:
    """The agency that handles most reports of each category."""
    known = frame.dropna(subset=["label_category", "label_agency"])
    return known.groupby("label_category")["label_agency"].agg(lambda s: s.value_counts().index[0]).to_dict()


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
    best: tuple[tuple[float, float], MismatchRule, dict[str, float]] | None = None
    for suggest in SUGGEST_GRID:
        for doubt in DOUBT_GRID:
            rule = MismatchRule(float(suggest), float(doubt))
            figures = score(rule, proba, classes, truth, simulated)
            reaches = figures["precision"] >= target_precision
            key = (1.0, figures["recall"]) if reaches else (0.0, figures["precision"])
            if best is None or key > best[0]:
                best = (key, rule, figures)
    assert best is not None
    return best[1], best[2]
