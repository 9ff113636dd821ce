"""The vagueness scorer: a score per report, the flag, and the reasons to give (:class:`VaguenessScorer`).

``mode="rules"`` scores by the strongest rule reason (:mod:`models.vagueness.rules`). ``mode="learned"``
fits a logistic regression on the numeric cue features (:func:`cue_features`), each split by whether the
report has a point, since a point changes what is missing, plus the out-of-fold log-odds of a text model
(word and character n-gram TF-IDF with a logistic regression over :func:`text_document`), which reads
wordings no cue names. Reasons stay consistent with the score: when a report is flagged vague but no rule
fired (the learned weights can outvote the rules), the reason whose cue features push the score up the most
is given; a report that is not flagged gets no reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline, make_pipeline, make_union
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from models.vagueness.cues import Cues, detect_cues
from models.vagueness.rules import REASONS, Reason, rule_reasons, rule_score

# --- features for the learned mode -------------------------------------------------------------

FEATURE_REASONS: dict[str, str] = {
    "greeting_or_hashtag_only": "greeting_or_hashtag_only",
    "few_words": "too_short",
    "few_content_words": "too_short",
    "no_location_text": "no_location",
    "place_object_without_location": "no_location",
    "no_place_object": "no_location",
    "not_city_wide": "no_location",
    "no_own_case_topic": "no_problem",
    "no_problem_state": "no_problem",
    "no_requested_work": "no_problem",
    "no_question": "no_problem",
    "no_problem_stated": "no_problem",
    "only_flood_category": "no_problem",
    "no_flood_observation": "no_problem",
    "no_detail_words": "no_problem",
    "hashtags": "greeting_or_hashtag_only",
    "rule_no_problem": "no_problem",
    "rule_no_location": "no_location",
    "rule_too_short": "too_short",
}
"""Each cue feature, oriented so that a larger value means 'more is missing', and the reason it
belongs to: how a learned score is explained by a reason."""
BASE_FEATURES: tuple[str, ...] = tuple(FEATURE_REASONS)


def cue_features(cues: Cues) -> np.ndarray:
    """Numeric features of one report, :data:`BASE_FEATURES` first for reports without a point, then
    the same features again for reports with one (zero in the half that does not apply)."""
    rules = set(rule_reasons(cues))
    base = np.array(
        [
            cues.greeting_or_hashtag_only,
            1.0 / (1 + cues.n_words),
            1.0 / (1 + cues.n_content_words),
            not cues.has_location,
            bool(cues.place_objects) and not cues.has_location,
            not cues.place_objects,
            not cues.city_wide,
            not cues.own_case_topics,
            not cues.problem_states,
            not cues.requested_works,
            not cues.question,
            not cues.states_problem,
            bool(cues.flood_category_words) and not cues.flood_observation and not cues.detail_words,
            not cues.flood_observation,
            not cues.detail_words,
            min(cues.n_hashtags, 5) / 5,
            "no_problem" in rules,
            "no_location" in rules,
            "too_short" in rules,
        ],
        dtype=float,
    )
    zeros = np.zeros_like(base)
    return np.concatenate([zeros, base] if cues.has_point else [base, zeros])


FEATURE_NAMES: tuple[str, ...] = tuple(f"text.{n}" for n in BASE_FEATURES) + tuple(f"point.{n}" for n in BASE_FEATURES)


# --- the estimator ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VagueInput:
    """What the scorer reads of a report: masked text, optional title, and whether it has a point."""

    text: str
    title: str | None = None
    has_point: bool = False


@dataclass(frozen=True)
class VagueAssessment:
    score: float
    """Probability (learned mode) or rule confidence (rules mode) that the report is vague."""
    is_vague: bool
    """``score >= threshold``."""
    reasons: list[Reason] = field(default_factory=list)
    """What to ask the reporter for; at least one when vague, none otherwise."""

    @property
    def reason_codes(self) -> list[str]:
        return [r.code for r in self.reasons]


def as_input(item: Any) -> VagueInput:
    """A text, a :class:`VagueInput`, a ``(text, has_point)`` pair, or anything report-like with
    ``text``, ``title`` and ``lat``/``lon`` (or ``has_point``), such as :class:`models.report.Report`."""
    if isinstance(item, VagueInput):
        return item
    if isinstance(item, str):
        return VagueInput(item)
    if isinstance(item, tuple):
        text, has_point = item
        return VagueInput(str(text), has_point=bool(has_point))
    get = item.get if isinstance(item, dict) else lambda name, default=None: getattr(item, name, default)
    has_point = get("has_point")
    if has_point is None:
        lat, lon = get("lat"), get("lon")
        has_point = _present(lat) and _present(lon)
    title = get("title")
    return VagueInput(str(get("text")), title if isinstance(title, str) else None, bool(has_point))


def _cues_of(item: Any) -> Cues:
    report = as_input(item)
    return detect_cues(report.text, report.title, report.has_point)


POINT_MARK = "[TITIK]"
"""Written before the text model's document of a report with a point (the point is its location)."""


def text_document(item: Any) -> str:
    """What the learned mode's text model reads of a report: a point mark, the title and the masked text."""
    report = as_input(item)
    parts = [POINT_MARK] if report.has_point else []
    return " ".join([*parts, *([report.title] if report.title else []), report.text])


def _text_model(C: float) -> Pipeline:
    """Word and character n-gram TF-IDF with a logistic regression: how the text reads, beyond the cues."""
    return make_pipeline(
        make_union(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        ),
        LogisticRegression(C=C, max_iter=3000),
    )


def _log_odds(probability: np.ndarray) -> np.ndarray:
    p = np.clip(probability, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value))


class VaguenessScorer(ClassifierMixin, BaseEstimator):
    """Scores how likely a report is too vague to act on, and says what to ask for.

    Parameters
    ----------
    mode:
        ``"rules"``: the score is the confidence of the strongest rule reason; needs no fit
        (fitting only records the classes). ``"learned"``: a logistic regression on
        :func:`cue_features` plus one stacked feature, the log-odds a text model (word and
        character n-gram TF-IDF, logistic regression) gives the report, fitted on annotated
        reports. The text model's feature is out-of-fold while the final regression is fitted,
        so the regression learns how far to trust it on reports it has not seen.
    threshold:
        A report is vague when its score is at least this.
    C:
        Inverse regularisation strength of the learned mode's logistic regression.
    class_weight:
        Class weights of the logistic regression (``None`` or ``"balanced"``).
    text_C:
        Inverse regularisation strength of the text model; ``None`` leaves it out (cues only), as
        does a fit with fewer than ``text_folds`` reports of either class.
    text_folds:
        Folds of the out-of-fold text feature.

    ``fit(X, y)`` and the prediction methods take a sequence of texts, :class:`VagueInput`,
    ``(text, has_point)`` pairs, dicts or report objects (see :func:`as_input`); ``y`` holds
    1/True/"vague" for vague reports and 0/False/"actionable" otherwise.
    """

    def __init__(
        self,
        mode: Literal["learned", "rules"] = "learned",
        threshold: float = 0.5,
        C: float = 1.0,
        class_weight: str | None = None,
        text_C: float | None = 4.0,
        text_folds: int = 5,
    ):
        self.mode = mode
        self.threshold = threshold
        self.C = C
        self.class_weight = class_weight
        self.text_C = text_C
        self.text_folds = text_folds

    def fit(self, X: Sequence[Any], y: Sequence[Any]) -> VaguenessScorer:
        labels = np.array([_as_label(v) for v in y], dtype=int)
        if len(labels) != len(X):
            raise ValueError(f"X has {len(X)} reports but y has {len(labels)} labels")
        self.classes_ = np.array([0, 1])
        self.text_model_ = None
        if self.mode == "rules":
            self.model_ = None
            self.scaler_ = None
        elif self.mode == "learned":
            features = np.array([cue_features(_cues_of(x)) for x in X]).reshape(len(X), -1)
            if self.text_C is not None and np.bincount(labels, minlength=2).min() >= self.text_folds:
                documents = [text_document(x) for x in X]
                folds = StratifiedKFold(self.text_folds, shuffle=True, random_state=0)
                held_out = cross_val_predict(
                    _text_model(self.text_C), documents, labels, cv=folds, method="predict_proba"
                )[:, 1]
                features = np.column_stack([features, _log_odds(held_out)])
                self.text_model_ = _text_model(self.text_C).fit(documents, labels)
            self.scaler_ = StandardScaler().fit(features)
            self.model_ = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=2000).fit(
                self.scaler_.transform(features), labels
            )
        else:
            raise ValueError(f"mode must be 'learned' or 'rules', not {self.mode!r}")
        self.n_features_in_ = len(FEATURE_NAMES) + (self.text_model_ is not None)
        return self

    def predict_proba(self, X: Sequence[Any]) -> np.ndarray:
        check_is_fitted(self, "classes_")
        vague = self._scores(X, [_cues_of(x) for x in X])
        return np.column_stack([1 - vague, vague])

    def predict(self, X: Sequence[Any]) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= self.threshold).astype(int)

    def assess(self, X: Sequence[Any]) -> list[VagueAssessment]:
        """Score, flag and reasons for every report (see the module docstring for the reasons)."""
        check_is_fitted(self, "classes_")
        cues = [_cues_of(x) for x in X]
        scores = self._scores(X, cues)
        assessments = []
        for cue, score in zip(cues, scores, strict=True):
            vague = bool(score >= self.threshold)
            codes = self._reasons(cue) if vague else []
            assessments.append(VagueAssessment(float(score), vague, [REASONS[c] for c in codes]))
        return assessments

    def _scores(self, X: Sequence[Any], cues: Sequence[Cues]) -> np.ndarray:
        if not cues:
            return np.zeros(0)
        if self.model_ is None:
            return np.array([rule_score(c) for c in cues])
        features = np.array([cue_features(c) for c in cues])
        if self.text_model_ is not None:
            text = self.text_model_.predict_proba([text_document(x) for x in X])[:, 1]
            features = np.column_stack([features, _log_odds(text)])
        return self.model_.predict_proba(self.scaler_.transform(features))[:, 1]

    def _reasons(self, cues: Cues) -> list[str]:
        """Rule reasons, or, when none fired, the reason whose features raise the score most."""
        codes = rule_reasons(cues)
        if codes:
            return codes
        if self.model_ is not None:
            # The cue features' share of the score; the text feature (last, if any) names no reason.
            n_cue = len(FEATURE_NAMES)
            scaled = (cue_features(cues) - self.scaler_.mean_[:n_cue]) / self.scaler_.scale_[:n_cue]
            contribution = self.model_.coef_[0][:n_cue] * scaled
            by_reason: dict[str, float] = {}
            for name, value in zip(FEATURE_NAMES, contribution, strict=True):
                reason = FEATURE_REASONS[name.split(".", 1)[1]]
                by_reason[reason] = by_reason.get(reason, 0.0) + value
            if cues.has_point:
                by_reason.pop("no_location", None)  # the point is the location
            return [max(by_reason, key=by_reason.__getitem__)]
        return ["no_problem"]


def _as_label(value: Any) -> int:
    if isinstance(value, str):
        if value not in {"vague", "actionable"}:
            raise ValueError(f"label must be 'vague' or 'actionable', not {value!r}")
        return int(value == "vague")
    return int(bool(value))
