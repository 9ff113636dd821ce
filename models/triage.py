"""The triage model: everything the service asks about one report, bundled as one artifact."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from models.autoaccept import AutoAcceptPolicy
from models.category import TextClassifier
from models.masking import MASK_PLACEHOLDERS
from models.mismatch import MismatchRule, Verdict, claimed_indices
from models.privacy.pattern import Span
from models.privacy.tagger import RULES_ONLY, Masker
from models.report import Report
from models.routing import CategoryRouting

EXPLANATION_PHRASES = 5
ARTIFACT_FORMAT = 5
"""Bumped when a registered artifact can no longer be read by this code (2: sentence-vector heads, temperature;
3: heads on per-token 8-bit vectors; 4: odds-based mismatch rule, fitted auto-accept policy, category routing;
5: the artifact is a `models.bundle.ModelBundle`, this triage model with the vagueness scorer, the duplicate scorer
and threshold, the gazetteer and the redactor version)."""


@dataclass(frozen=True)
class Suggestion:
    predicted: str
    confidence: float
    top_k: list[tuple[str, float]]
    evidence: list[tuple[str, float]]
    """Word n-grams that drove the prediction, with their weight, strongest first."""


@dataclass(frozen=True)
class CategorySuggestion(Suggestion):
    citizen_category: str | None = None
    verdict: Verdict | None = None
    """None when the citizen chose no category."""
    suggested: str | None = None
    """The category to change to, for `suggest_change` only."""
    citizen_probability: float | None = None
    """The model's probability of the citizen's category; None when there is none or the model does not know it."""
    citizen_category_known: bool | None = None
    """Whether the model was trained on the citizen's category (case and spacing ignored); None when there is none."""
    error_model: str | None = None
    """Which citizen-error model chose the verdict's thresholds (`default` or `learned`); None without a verdict."""


@dataclass(frozen=True)
class TriagePrediction:
    report_id: str
    category: CategorySuggestion
    agency: Suggestion | None


def classifier_text(title: str | None, text: str) -> str:
    """The text the classifiers read: the title carries signal when a reporter gives one."""
    return f"{title}. {text}" if title else text


@dataclass(frozen=True)
class MaskedReport:
    """A report's title and text with personal data masked, and the text the classifiers read."""

    title: str | None
    text: str
    classifier_text: str
    """`classifier_text` masked as a whole: what the classifiers, the vagueness scorer and the duplicate index read."""
    redactor_version: str
    """`Masker.version` of what masked it."""


def mask_report(report: Report, masker: Masker = RULES_ONLY) -> MaskedReport:
    """Mask a report once: the spans `masker` finds in its `classifier_text` mask that text and, clipped to
    each, the title and the text as stored, so the stored fields joined again read as the models read them."""
    return mask_reports([report], masker)[0]


def mask_reports(reports: Sequence[Report], masker: Masker = RULES_ONLY) -> list[MaskedReport]:
    """:func:`mask_report` of each report; the masker reads them together."""
    combined = [classifier_text(report.title, report.text) for report in reports]
    masked = []
    for report, text, spans in zip(reports, combined, masker.spans_many(combined), strict=True):
        text_start = len(text) - len(report.text)
        masked.append(
            MaskedReport(
                title=_masked(text, spans, 0, len(report.title)) if report.title else None,
                text=_masked(text, spans, text_start, len(text)),
                classifier_text=_masked(text, spans, 0, len(text)),
                redactor_version=masker.version,
            )
        )
    return masked


def _masked(text: str, spans: Sequence[Span], start: int, end: int) -> str:
    """`text[start:end]` with each span's part inside it replaced by the span's placeholder."""
    parts, last = [], start
    for span in spans:
        inside_start, inside_end = max(span.start, start), min(span.end, end)
        if inside_start < inside_end:
            parts += [text[last:inside_start], MASK_PLACEHOLDERS[span.kind]]
            last = inside_end
    parts.append(text[last:end])
    return "".join(parts)


def report_text(report: Report) -> str:
    """`classifier_text` of an incoming report, masked as the training texts were on load.

    Masking here keeps serving like training and keeps personal data out of the evidence.
    """
    return mask_report(report).classifier_text


@dataclass
class TriageModel:
    """Fitted category and agency classifiers, mismatch rule and auto-accept policy, and the facts to audit them."""

    category_classifier: TextClassifier
    agency_classifier: TextClassifier | None = None
    mismatch_rule: MismatchRule = field(default_factory=MismatchRule)
    auto_accept: AutoAcceptPolicy = field(default_factory=AutoAcceptPolicy)
    routing: CategoryRouting | None = None
    """Where each category's reports went in training: mixed into the agency classifier's probabilities."""
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.metadata.setdefault("artifact_format", ARTIFACT_FORMAT)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.share_text_features()  # bundles pickled before the classifiers shared their features

    def share_text_features(self) -> None:
        """Let the agency classifier read the category classifier's n-gram features when they are the same (both
        fit on the same texts with the same settings): one copy in memory, one transform of each report. Called
        once both are fitted; predictions are the same either way."""
        if self.agency_classifier is not None:
            self.agency_classifier.adopt_text_features(self.category_classifier)

    @property
    def categories(self) -> list[str]:
        return [str(c) for c in self.category_classifier.classes_]

    def agency_for_category(self, category: str) -> str | None:
        """The agency most of `category`'s training reports went to (a corrected category re-derives the agency);
        None for a category the routing does not know, or a model without an agency classifier."""
        return self.routing.agency_for(category) if self.routing is not None else None

    def served_agency_proba(
        self, texts: Sequence[str], category_proba: np.ndarray, settled: Sequence[str | None], features=None
    ) -> np.ndarray:
        """Agency probabilities as served: the classifier's, mixed by the routing with each report's category
        (its `settled` one where there is one, else weighed by `category_proba`). Needs an agency classifier.
        `features`: the texts' `text_features`, when the caller holds them already."""
        proba = self.agency_classifier.predict_proba_from(texts, features=features)
        return self.routing.combine(proba, category_proba, settled) if self.routing is not None else proba

    def use_embedder(self, embedder_dir: Path) -> None:
        """Point the sentence-vector heads at this machine's embedder folder.

        A fitted classifier remembers the folder of the machine that trained it; the vectors
        are the same wherever the folder is (`models.sentence_vectors.embedder_version` checks that).
        """
        for classifier in (self.category_classifier, self.agency_classifier):
            if classifier is not None and classifier.embedding_weight > 0:
                classifier.set_params(embedder_dir=str(embedder_dir))

    def warm_up(self) -> None:
        """Load what predictions load lazily (the sentence embedder, seconds), so no report waits for it."""
        self.predict([Report(id="warm-up", text="Lampu penerangan jalan mati")])

    def predict(
        self, reports: Sequence[Report], top_k: int = 3, texts: Sequence[str] | None = None
    ) -> list[TriagePrediction]:
        """Suggestions for each report; `texts`: their `report_text`, when the caller has masked them already."""
        if not reports:
            return []
        texts = list(texts) if texts is not None else [report_text(r) for r in reports]
        classes = np.asarray(self.category_classifier.classes_, dtype=object)
        features = self.category_classifier.text_features(texts)
        proba = self.category_classifier.predict_proba_from(texts, features=features)
        categories = _suggest(self.category_classifier, texts, proba, top_k, features)

        claimed = [r.category for r in reports]
        with_claim = [i for i, c in enumerate(claimed) if c is not None]
        verdicts: dict[int, tuple[Verdict, str | None]] = {}
        claim_columns = claimed_indices(classes, [c or "" for c in claimed])
        if with_claim:
            labels, suggested = self.mismatch_rule.decide_many(
                proba[with_claim], classes, [claimed[i] for i in with_claim]
            )
            verdicts = {i: (Verdict(v), s) for i, v, s in zip(with_claim, labels, suggested)}

        agencies: list[Suggestion | None] = [None] * len(texts)
        if self.agency_classifier is not None:
            settled = [
                str(classes[claim_columns[i]]) if verdicts.get(i, (None,))[0] == Verdict.AGREE else None
                for i in range(len(texts))
            ]
            agency_features = (
                features
                if self.agency_classifier.shares_text_features(self.category_classifier)
                else self.agency_classifier.text_features(texts)
            )
            agency_proba = self.served_agency_proba(texts, proba, settled, agency_features)
            agencies = _suggest(self.agency_classifier, texts, agency_proba, top_k, agency_features)

        predictions = []
        error_model = self.mismatch_rule.error_model.name
        for i, report in enumerate(reports):
            verdict, suggested = verdicts.get(i, (None, None))
            predictions.append(
                TriagePrediction(
                    report_id=report.id,
                    category=CategorySuggestion(
                        **vars(categories[i]),
                        citizen_category=claimed[i],
                        verdict=verdict,
                        suggested=suggested,
                        citizen_probability=float(proba[i, claim_columns[i]]) if claim_columns[i] >= 0 else None,
                        citizen_category_known=None if claimed[i] is None else bool(claim_columns[i] >= 0),
                        error_model=error_model if verdict is not None else None,
                    ),
                    agency=agencies[i],
                )
            )
        return predictions


def _suggest(
    classifier: TextClassifier, texts: list[str], proba: np.ndarray, top_k: int, features=None
) -> list[Suggestion]:
    ranked = classifier.rank(proba, k=top_k)
    evidence = classifier.explain(texts, [r[0][0] for r in ranked], k=EXPLANATION_PHRASES, features=features)
    return [Suggestion(predicted=r[0][0], confidence=r[0][1], top_k=r, evidence=e) for r, e in zip(ranked, evidence)]
