"""Is the citizen's category wrong? A verdict from the classifier's probabilities alone."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np


class Verdict(StrEnum):
    AGREE = "agree"
    SUGGEST_CHANGE = "suggest_change"
    NEEDS_REVIEW = "needs_review"


class Relation(StrEnum):
    """How the citizen's category relates to the model's first choice: who would handle each."""

    SAME_AGENCY = "same_agency"
    OTHER_AGENCY = "other_agency"


@dataclass(frozen=True)
class ErrorModelInfo:
    """Which model of citizens' errors chose the thresholds: shown with every verdict, so a reader knows."""

    name: str = "default"
    """`default`: the thresholds hold under every simulated error pattern (same agency, other agency, any
    category); `learned`: they were chosen under the pattern of the reviewers' corrections."""
    decisions: int = 0
    """Reviewed reports with a citizen's category behind a learned pattern (0 for the default)."""


@dataclass(frozen=True)
class MismatchRule:
    """Suggest a change when the model is sure of another category and finds the citizen's far less likely.

    Two facts decide: `p(top)`, the probability of the model's first choice, and the odds
    `p(top) / p(citizen's)`. The citizen's category is accepted when it is the model's first
    choice; a change is suggested when `p(top) >= suggest_threshold` and the odds reach the
    least odds for the relation of the two categories (`same_agency_odds` when one agency
    handles both, `other_agency_odds` otherwise); anything else goes to a reviewer.

    The odds are what Bayes' rule weighs for any citizen-error model (the posterior odds of a
    mistake are the odds times the chance of that particular wrong pick); the thresholds stand in
    for that chance and are chosen on a validation split under simulated errors (see
    `training.mismatch`), so no assumed error pattern can make a sure disagreement unreachable.
    Categories of one agency overlap, so their odds need their own, usually higher, threshold.
    """

    suggest_threshold: float = 0.6
    same_agency_odds: float = 20.0
    other_agency_odds: float = 20.0
    agency_of: Mapping[str, str] = field(default_factory=dict)
    """The agency that handles each category; a category without one counts as another agency's."""
    error_model: ErrorModelInfo = field(default_factory=ErrorModelInfo)

    def decide(self, probabilities: np.ndarray, classes: np.ndarray, citizen: str) -> tuple[Verdict, str | None]:
        """The verdict for one report and, for `suggest_change`, the suggested category."""
        verdicts, suggested = self.decide_many(probabilities[None, :], classes, [citizen])
        return Verdict(verdicts[0]), suggested[0]

    def relations(self, classes: np.ndarray, top: np.ndarray, claimed: np.ndarray) -> np.ndarray:
        """`Relation` value of each report's claimed category to its first choice (claims must be known)."""
        names = [str(c) for c in classes]
        same = np.array(
            [
                self.agency_of.get(names[t]) is not None
                and self.agency_of.get(names[t]) == self.agency_of.get(names[c])
                for t, c in zip(top, claimed)
            ],
            dtype=bool,
        )
        return np.where(same, Relation.SAME_AGENCY.value, Relation.OTHER_AGENCY.value)

    def odds(self, proba: np.ndarray, classes: np.ndarray, citizen: Sequence[str]) -> np.ndarray:
        """p(first choice) / p(citizen's category) per report; NaN where the model does not know the category."""
        claimed = claimed_indices(classes, citizen)
        rows = np.arange(len(proba))
        top = proba.max(axis=1)
        claim = proba[rows, np.maximum(claimed, 0)]
        with np.errstate(divide="ignore"):
            ratio = np.where(claim > 0, top / np.maximum(claim, np.finfo(float).tiny), np.inf)
        return np.where(claimed >= 0, ratio, np.nan)

    def decide_many(self, proba: np.ndarray, classes: np.ndarray, citizen: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Verdicts (as strings) and suggestions (None where there is none) for many reports."""
        claimed = claimed_indices(classes, citizen)
        known = claimed >= 0  # a category the model does not know cannot be compared
        top = proba.argmax(axis=1)
        agree = known & (top == claimed)
        odds = np.nan_to_num(self.odds(proba, classes, citizen), nan=0.0)
        relation = self.relations(classes, top, np.maximum(claimed, 0))
        least_odds = np.where(relation == Relation.SAME_AGENCY.value, self.same_agency_odds, self.other_agency_odds)
        suggest = known & ~agree & (proba[np.arange(len(proba)), top] >= self.suggest_threshold) & (odds >= least_odds)
        verdicts = np.where(
            agree, Verdict.AGREE.value, np.where(suggest, Verdict.SUGGEST_CHANGE.value, Verdict.NEEDS_REVIEW.value)
        )
        suggested = np.where(suggest, np.asarray(classes, dtype=object)[top], None)
        return verdicts, suggested


def claimed_indices(classes: np.ndarray, citizen: Sequence[str]) -> np.ndarray:
    """Column of each citizen's category (case and spacing ignored), -1 for one the model does not know."""
    index = {str(label).strip().casefold(): i for i, label in enumerate(classes)}
    return np.array([index.get(c.strip().casefold(), -1) for c in citizen], dtype=int)
