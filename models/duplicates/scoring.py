"""The duplicate score: a logistic combination of text, number, place, time and category evidence.

Every text model we tried rates "same place, different problem" above "same problem, reworded", so text
similarity alone cannot decide; the score adds where and when, and whether the house, alley and RT/RW numbers
agree (one sender's template filed for two alleys differs in little more than a number). It is a logistic
regression over the features below, fitted on the dev part of the annotated pairs (``training/duplicates.py``);
the shipped defaults are the coefficients of that fit, so an index works without a fitting step. The index
applies the place and problem evidence on top of this score (a different problem or place is never a likely
duplicate), so the score need not learn it from pairs that hardly contain it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np

FEATURES: tuple[str, ...] = (
    "text_similarity",  # cosine of the e5 embeddings
    "lexical_similarity",  # MinHash Jaccard of character 4-grams
    "rare_word_overlap",  # share of the rarer side's rare words that the other report has too
    "log_hours",  # log(1 + hours apart)
    "same_kelurahan",  # 1 same, -1 different, 0 unknown
    "proximity",  # 1 - distance / radius when both have points, else 0
    "has_points",  # 1 when both have points
    "same_category",  # 1 same, -1 different, 0 unknown
    "number_agreement",  # share of the fewer-numbered side's numbers in the other, from -1 (none) to 1; 0 unknown
)

DEFAULT_COEFFICIENTS: dict[str, float] = {
    "text_similarity": 22.023,
    # Negative beside text similarity: at equal text similarity, annotated pairs sharing more wording are less
    # often duplicates (one sender's template for several spots); identical texts are flagged by the index.
    "lexical_similarity": -1.651,
    "rare_word_overlap": 2.055,
    "log_hours": -0.255,
    "same_kelurahan": 0.995,
    "proximity": 12.603,
    "has_points": -4.437,
    "same_category": 0.0,  # no annotated source has a citizen category yet: nothing to learn it from
    "number_agreement": 1.073,
}
DEFAULT_INTERCEPT = -21.445
"""Fitted by `python -m training.duplicates` on the dev part of data/annotations/duplicates.jsonl (983 of the
1,893 pairs, pooling round included), on the per-token 8-bit 128-token sentence vectors; the out-of-fold threshold
whose precision reaches 0.9 at the lower end of a one-sided 95 % bootstrap interval there was 0.602 (setting
duplicate_likely_threshold)."""


@dataclass(frozen=True)
class DuplicateCandidate:
    """An earlier report that may describe the same problem, with the evidence behind its score."""

    id: str
    score: float
    """Probability-like score in [0, 1]; `likely_duplicate` when at or above the index's threshold."""
    likely_duplicate: bool
    text_similarity: float
    lexical_similarity: float
    rare_word_overlap: float
    """Share of the rare words (street names, numbers) of the report with fewer of them found in the other."""
    exact: bool
    """The normalised texts are identical (an exact resubmission)."""
    near_exact: bool
    """Lexical similarity at or above the index's near-exact threshold (found by hash lookup, always)."""
    distance_m: float | None
    """Metres between the two points; None unless both reports have one."""
    same_kelurahan: bool | None
    """None unless both reports name a kelurahan."""
    hours_apart: float
    same_category: bool | None
    """None unless both reports have a category (the citizen's, else the predicted one)."""
    same_place: bool | None = None
    """Points within the index's same-place distance or a place word (name, number) in common: True; place words
    on both sides, none shared, farther apart: False; else None."""
    same_problem: bool | None = None
    """problem_similarity at or above the index's problem threshold; None when it is unknown."""
    problem_similarity: float | None = None
    """The larger of category_similarity and problem_word_overlap; None when neither is known."""
    category_similarity: float | None = None
    """Overlap (Bhattacharyya) of the two predicted category distributions; None unless both were predicted."""
    problem_word_overlap: float | None = None
    """Share of the problem words (place words blanked) of the side with fewer found in the other."""
    problem_vector_similarity: float | None = None
    """Similarity of the two learned problem vectors (1: the same problem); None unless both have one."""
    resubmission: bool = False
    """An identical text, or a retyped resubmission: same reporter or point, minutes apart, nearly the same words."""

    def to_dict(self) -> dict:
        return asdict(self)


def evidence_features(
    text_similarity: np.ndarray,
    lexical_similarity: np.ndarray,
    rare_word_overlap: np.ndarray,
    hours_apart: np.ndarray,
    same_kelurahan: np.ndarray,
    distance_m: np.ndarray,
    radius_m: float,
    same_category: np.ndarray,
    number_overlap: np.ndarray,
) -> np.ndarray:
    """The (n, len(FEATURES)) feature matrix; `same_*` are 1/-1/0 (same/different/unknown), distance NaN if unknown,
    `number_overlap` the share of shared numbers in [0, 1], NaN unless both texts have numbers."""
    has_points = ~np.isnan(distance_m)
    proximity = np.where(has_points, 1.0 - np.clip(np.nan_to_num(distance_m) / radius_m, 0.0, 1.0), 0.0)
    return np.column_stack(
        [
            text_similarity,
            lexical_similarity,
            rare_word_overlap,
            np.log1p(np.abs(hours_apart)),
            same_kelurahan.astype(float),
            proximity,
            has_points.astype(float),
            same_category.astype(float),
            np.nan_to_num(2.0 * number_overlap - 1.0),
        ]
    )


class DuplicateScorer:
    """Logistic regression on the evidence features, with the scikit-learn estimator contract.

    Unfitted, it scores with the shipped coefficients (``coefficients``/``intercept``); ``fit`` replaces
    them with a fit of its own (``coef_``, ``intercept_``). Coefficients are plain floats so the index can
    store them as JSON, never as a pickle.
    """

    def __init__(
        self,
        coefficients: Mapping[str, float] | None = None,
        intercept: float | None = None,
        C: float = 1.0,
    ) -> None:
        self.coefficients = coefficients
        self.intercept = intercept
        self.C = C

    def fit(self, X: np.ndarray, y: Sequence[int], sample_weight: Sequence[float] | None = None) -> DuplicateScorer:
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        X = np.asarray(X, dtype=float)
        scaler = StandardScaler().fit(X)
        scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
        model = LogisticRegression(C=self.C, max_iter=1000)
        model.fit((X - scaler.mean_) / scale, np.asarray(y), sample_weight=sample_weight)
        # Fold the standardisation into the coefficients so scoring needs no scaler.
        self.coef_ = model.coef_[0] / scale
        self.intercept_ = float(model.intercept_[0] - np.sum(model.coef_[0] * scaler.mean_ / scale))
        return self

    @property
    def weights(self) -> tuple[np.ndarray, float]:
        if hasattr(self, "coef_"):
            return self.coef_, self.intercept_
        coefficients = {**DEFAULT_COEFFICIENTS, **(self.coefficients or {})}
        intercept = DEFAULT_INTERCEPT if self.intercept is None else self.intercept
        return np.array([coefficients[name] for name in FEATURES]), float(intercept)

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        coef, intercept = self.weights
        return np.asarray(X, dtype=float) @ coef + intercept

    def probability(self, X: np.ndarray) -> np.ndarray:
        """Probability-like scores in [0, 1]."""
        return 1.0 / (1.0 + np.exp(-self.decision_function(X)))

    def to_dict(self) -> dict:
        coef, intercept = self.weights
        return {"coefficients": dict(zip(FEATURES, map(float, coef))), "intercept": intercept, "C": self.C}

    @classmethod
    def from_dict(cls, values: Mapping) -> DuplicateScorer:
        return cls(dict(values["coefficients"]), float(values["intercept"]), float(values.get("C", 1.0)))
