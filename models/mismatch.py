"""Is the citizen's category wrong? A verdict from the classifier's probabilities and a model of citizens' errors."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np


class Verdict(StrEnum):
    AGREE = "agree"
    SUGGEST_CHANGE = "suggest_change"
    NEEDS_REVIEW = "needs_review"


@dataclass(frozen=True)
class MismatchRule:
    """Suggest a change only when the model is sure of another category and the citizen's is probably a mistake.

    How likely the citizen's category `c` is a mistake follows from Bayes' rule, the
    classifier's probabilities `p` and a model of citizens' errors: a share `error_rate` of
    citizens pick a wrong category; a wrong pick is, with chance `1 - cross_agency_share`, one
    of the categories `confusable` with the true one (those handled by the same agency) when
    it has any, and otherwise any other category:

        P(mistake) = e * sum_t p(t) q(c | t) / (e * sum_t p(t) q(c | t) + (1 - e) * p(c))

    A low `p(c)` alone is weak evidence when `c` is a category nobody confuses with the
    likely ones; the error model weighs that in, which is worth several points of precision
    at high recall over thresholding `p(c)` (see `training.mismatch`).

    `suggest_threshold` is the least probability of the suggested category and
    `mistake_threshold` the least P(mistake); both are chosen on a validation split to reach
    a target precision. The citizen's category is accepted when it is the model's first
    choice; anything in between goes to a reviewer.
    """

    suggest_threshold: float = 0.6
    mistake_threshold: float = 0.9
    error_rate: float = 0.15
    confusable: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """For each category, the categories citizens mistake it for."""
    cross_agency_share: float = 0.0
    """Share of wrong picks outside `confusable`: without it, a category of another agency could never be a
    mistake, however sure the model is of the true one."""

    def decide(self, probabilities: np.ndarray, classes: np.ndarray, citizen: str) -> tuple[Verdict, str | None]:
        """The verdict for one report and, for `suggest_change`, the suggested category."""
        verdicts, suggested = self.decide_many(probabilities[None, :], classes, [citizen])
        return Verdict(verdicts[0]), suggested[0]

    def mistake_probability(self, proba: np.ndarray, classes: np.ndarray, citizen: Sequence[str]) -> np.ndarray:
        """P(mistake) of each citizen's category; NaN where the model does not know the category."""
        claimed = claimed_indices(classes, citizen)
        known = claimed >= 0
        rows = np.arange(len(proba))
        column = np.maximum(claimed, 0)
        wrong_pick = self.error_rate * (proba @ self._error_model(classes))[rows, column]
        right_pick = (1 - self.error_rate) * proba[rows, column]
        with np.errstate(invalid="ignore", divide="ignore"):
            mistake = np.where(wrong_pick + right_pick > 0, wrong_pick / (wrong_pick + right_pick), 1.0)
        return np.where(known, mistake, np.nan)

    def decide_many(self, proba: np.ndarray, classes: np.ndarray, citizen: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Verdicts (as strings) and suggestions (None where there is none) for many reports."""
        claimed = claimed_indices(classes, citizen)
        known = claimed >= 0  # a category the model does not know cannot be compared
        top = proba.argmax(axis=1)
        agree = known & (top == claimed)
        mistake = np.nan_to_num(self.mistake_probability(proba, classes, citizen), nan=0.0)
        suggest = (
            known
            & ~agree
            & (proba[np.arange(len(proba)), top] >= self.suggest_threshold)
            & (mistake >= self.mistake_threshold)
        )
        verdicts = np.where(
            agree, Verdict.AGREE.value, np.where(suggest, Verdict.SUGGEST_CHANGE.value, Verdict.NEEDS_REVIEW.value)
        )
        suggested = np.where(suggest, np.asarray(classes, dtype=object)[top], None)
        return verdicts, suggested

    def _error_model(self, classes: np.ndarray) -> np.ndarray:
        """q[t, c]: the chance that a citizen who errs on a report of category t picks c."""
        names = [str(c) for c in classes]
        index = {name: i for i, name in enumerate(names)}
        q = np.zeros((len(names), len(names)))
        for t, name in enumerate(names):
            others = [c for c in range(len(names)) if c != t]
            picks = [index[c] for c in self.confusable.get(name, ()) if c in index and c != name]
            if not others:
                continue
            if not picks:
                q[t, others] = 1.0 / len(others)
                continue
            q[t, others] = self.cross_agency_share / len(others)
            q[t, picks] += (1.0 - self.cross_agency_share) / len(picks)
        return q


def claimed_indices(classes: np.ndarray, citizen: Sequence[str]) -> np.ndarray:
    """Column of each citizen's category (case and spacing ignored), -1 for one the model does not know."""
    index = {str(label).strip().casefold(): i for i, label in enumerate(classes)}
    return np.array([index.get(c.strip().casefold(), -1) for c in citizen], dtype=int)
