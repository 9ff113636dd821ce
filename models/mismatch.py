"""Is the citizen's category wrong? A verdict from the classifier's probabilities and two thresholds."""

from dataclasses import dataclass
from enum import StrEnum

import numpy as np


class Verdict(StrEnum):
    AGREE = "agree"
    SUGGEST_CHANGE = "suggest_change"
    NEEDS_REVIEW = "needs_review"


@dataclass(frozen=True)
class MismatchRule:
    """Suggest a change only when the model is sure of another category and doubts the citizen's.

    `suggest_threshold` is the least probability of the suggested category, `doubt_threshold`
    the most probability left for the citizen's category; both are chosen on a validation
    split to reach a target precision (see `training.mismatch`). The citizen's category is
    accepted when it is the model's first choice; anything in between goes to a reviewer.
    """

    suggest_threshold: float = 0.6
    doubt_threshold: float = 0.1

    def decide(self, probabilities: np.ndarray, classes: np.ndarray, citizen: str) -> tuple[Verdict, str | None]:
        """The verdict for one report and, for `suggest_change`, the suggested category."""
        verdicts, suggested = self.decide_many(probabilities[None, :], classes, [citizen])
        return Verdict(verdicts[0]), suggested[0]

    def decide_many(self, proba: np.ndarray, classes: np.ndarray, citizen: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Verdicts (as strings) and suggestions (None where there is none) for many reports."""
        index = {str(label).strip().casefold(): i for i, label in enumerate(classes)}
        claimed = np.array([index.get(c.strip().casefold(), -1) for c in citizen])
        known = claimed >= 0  # a category the model does not know cannot be compared
        rows = np.arange(len(proba))
        top = proba.argmax(axis=1)
        claimed_probability = np.where(known, proba[rows, np.maximum(claimed, 0)], 1.0)
        agree = known & (top == claimed)
        suggest = (
            known
            & ~agree
            & (proba[rows, top] >= self.suggest_threshold)
            & (claimed_probability <= self.doubt_threshold)
        )
        verdicts = np.where(
            agree, Verdict.AGREE.value, np.where(suggest, Verdict.SUGGEST_CHANGE.value, Verdict.NEEDS_REVIEW.value)
        )
        suggested = np.where(suggest, np.asarray(classes, dtype=object)[top], None)
        return verdicts, suggested
