"""Which suggestions a person must see: auto-accept thresholds, quality gates and spot checks."""

from dataclasses import dataclass, field
from typing import Any

from models.autoaccept import AutoAcceptPolicy, AutoAcceptType
from models.location.checker import Verdict as LocationVerdict
from models.mismatch import Verdict
from service.config import ServiceSettings
from service.reports.models import SuggestionKind, SuggestionStatus
from service.reports.reasons import Reason
from service.triage.models import TriageResult

Gate = tuple[SuggestionKind, str]
"""A suggestion type served by one model version."""


@dataclass(frozen=True)
class SuggestionDraft:
    kind: SuggestionKind
    value: str | None
    current_value: str | None
    score: float
    reason: Reason
    auto_acceptable: bool
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def uncertainty(self) -> float:
        """0 for a sure suggestion, 1 for a coin toss; binary flags are unsure near 0.5."""
        if self.kind in (SuggestionKind.CATEGORY, SuggestionKind.AGENCY):
            return 1.0 - self.score
        return 1.0 - abs(2.0 * self.score - 1.0)


@dataclass(frozen=True)
class RoutedSuggestion:
    draft: SuggestionDraft
    status: SuggestionStatus
    reason: Reason


def drafts(result: TriageResult) -> list[SuggestionDraft]:
    """Every suggestion the triage answer makes, before routing."""
    out = []
    category = result.category
    category_evidence = {
        "top_k": [c.model_dump() for c in category.top_k],
        "phrases": [e.model_dump() for e in category.evidence],
        "predicted": category.predicted,
        "confidence": category.confidence,
        "citizen_category": category.citizen_category,
        "citizen_probability": category.citizen_probability,
        "citizen_category_known": category.citizen_category_known,
        "error_model": category.error_model,
    }
    if category.verdict is None:
        out.append(
            SuggestionDraft(
                SuggestionKind.CATEGORY,
                category.predicted,
                None,
                category.confidence,
                Reason.NO_CITIZEN_CATEGORY,
                True,
                category_evidence,
            )
        )
    elif category.verdict == Verdict.AGREE:
        out.append(
            SuggestionDraft(
                SuggestionKind.CATEGORY,
                category.citizen_category,
                category.citizen_category,
                _probability_of(category, category.citizen_category),
                Reason.AGREES_WITH_CITIZEN,
                True,
                category_evidence,
            )
        )
    else:
        suggested = category.suggested or category.predicted
        # A category the model never saw cannot be weighed against the text: say so rather than "needs review".
        unknown = category.citizen_category_known is False
        out.append(
            SuggestionDraft(
                SuggestionKind.CATEGORY,
                suggested,
                category.citizen_category,
                _probability_of(category, suggested),
                Reason.UNKNOWN_CATEGORY if unknown else Reason(category.verdict.value),
                False,
                category_evidence,
            )
        )
    if result.agency is not None:
        agency = result.agency
        out.append(
            SuggestionDraft(
                SuggestionKind.AGENCY,
                agency.predicted,
                None,
                agency.confidence,
                Reason.ROUTING,
                True,
                {"top_k": [c.model_dump() for c in agency.top_k], "phrases": [e.model_dump() for e in agency.evidence]},
            )
        )
    if result.vague is not None and result.vague.is_vague:
        out.append(
            SuggestionDraft(
                SuggestionKind.VAGUE,
                "vague",
                None,
                result.vague.score,
                Reason.VAGUE,
                False,
                {"reasons": [r.model_dump() for r in result.vague.reasons]},
            )
        )
    duplicates = result.duplicates
    if duplicates is not None and duplicates.duplicate_of is not None:
        best = next(c for c in duplicates.candidates if c.report_id == duplicates.duplicate_of)
        exact = (duplicates.resubmission_of or duplicates.exact_resubmission_of) == best.report_id
        out.append(
            SuggestionDraft(
                SuggestionKind.DUPLICATE,
                best.report_id,
                None,
                best.score,
                Reason.EXACT_RESUBMISSION if exact else Reason.LIKELY_DUPLICATE,
                exact,
                {
                    "candidates": [
                        c.model_dump()
                        for c in duplicates.candidates
                        if c.likely_duplicate or (c.same_place and c.same_problem is False)
                    ]
                },
            )
        )
    location = result.location
    if location is not None and location.verdict == LocationVerdict.MISMATCH and location.suggested:
        out.append(
            SuggestionDraft(
                SuggestionKind.LOCATION,
                location.suggested.kelurahan,
                location.claimed.kelurahan if location.claimed else None,
                1.0,
                Reason.LOCATION_MISMATCH,
                False,
                location.model_dump(mode="json"),
            )
        )
    return out


def auto_accept_type(draft: SuggestionDraft) -> AutoAcceptType | None:
    """The type whose threshold an auto-acceptable draft must reach; None for those that need no score."""
    if draft.kind == SuggestionKind.CATEGORY:
        if draft.reason == Reason.AGREES_WITH_CITIZEN:
            return AutoAcceptType.CATEGORY_AGREE
        return AutoAcceptType.CATEGORY_PREDICTED
    if draft.kind == SuggestionKind.AGENCY:
        return AutoAcceptType.AGENCY
    return None  # an exact resubmission: the only duplicate that is auto-acceptable at all


def route(
    draft: SuggestionDraft,
    settings: ServiceSettings,
    policy: AutoAcceptPolicy,
    closed_gates: set[Gate],
    model_version: str,
    report_id: str,
) -> RoutedSuggestion:
    """Auto-accept a draft that may pass and reaches the served model's threshold for its type (or the
    setting that overrides it), unless its quality gate is closed or it is drawn for a spot check."""
    if not draft.auto_acceptable:
        return RoutedSuggestion(draft, SuggestionStatus.IN_REVIEW, draft.reason)
    kind = auto_accept_type(draft)
    reason = policy.review_reason(
        kind,
        draft.score,
        report_id,
        draft.kind.value,
        settings.spot_check_rate,
        threshold=_override(kind, settings),
        gate_closed=(draft.kind, model_version) in closed_gates,
    )
    if reason is None:
        return RoutedSuggestion(draft, SuggestionStatus.AUTO_ACCEPTED, draft.reason)
    # Reason() refuses a reason the table (README, page labels) does not describe.
    status = SuggestionStatus.SPOT_CHECK if reason == Reason.SPOT_CHECK else SuggestionStatus.IN_REVIEW
    return RoutedSuggestion(draft, status, Reason(reason))


def _override(kind: AutoAcceptType | None, settings: ServiceSettings) -> float | None:
    """The setting that overrides the served model's threshold for `kind`, if set."""
    if kind is None:
        return None
    return settings.auto_accept_agency if kind == AutoAcceptType.AGENCY else settings.auto_accept_category


def _probability_of(category, label: str | None) -> float:
    for candidate in category.top_k:
        if candidate.label == label:
            return candidate.probability
    return category.confidence if label == category.predicted else 0.0
