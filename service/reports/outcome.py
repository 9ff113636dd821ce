"""A report's current outcome: each suggestion and decision folded in the order they were made.

The value of a field starts as the report said it (the citizen's category and kelurahan; no agency, no group);
an auto-accepted suggestion sets it; a suggestion under review leaves it as it was until a reviewer decides
(accept: the suggestion, correct: the reviewer's value, reject: unchanged). A later suggestion of the same
kind supersedes an earlier one (a corrected category re-derives the agency). Events in the feed are the
changes of these values, so the feed and `GET /v1/reports/{id}` always agree.
"""

import enum
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.events.models import ChangeEvent, EventField, EventSource
from service.queue.models import Action, Decision, ItemStatus, QueueItem
from service.reports.models import StoredReport, SuggestionKind, SuggestionRecord, SuggestionStatus


class Settlement(enum.StrEnum):
    AS_SUBMITTED = "as_submitted"
    """No model suggestion touched it: the value the report came with."""
    AUTO_ACCEPTED = "auto_accepted"
    """A model's suggestion, applied without review."""
    REVIEWER = "reviewer"
    """Decided by a reviewer (see `reviewer` and `decided_at`)."""
    PENDING_REVIEW = "pending_review"
    """A suggestion waits for a reviewer (`pending_value`); `value` is what holds until then."""


class FieldOutcome(BaseModel):
    value: str | None = Field(description="The current value.")
    settled: Settlement
    reviewer: str | None = Field(default=None, description="The deciding reviewer's key name (a pseudonym).")
    decided_at: datetime | None = None
    action: Action | None = Field(default=None, description="The reviewer's action: accept, reject, correct, merge.")
    pending_value: str | None = Field(default=None, description="The value suggested, while it awaits review.")
    model_version: str | None = Field(default=None, description="Of the model whose suggestion settled it.")


class DuplicateOutcome(FieldOutcome):
    original: str | None = Field(
        default=None, description="The group's original report (its parent), which gives the group its id."
    )


class VagueOutcome(BaseModel):
    is_vague: bool | None = Field(description="Whether the report is too vague to act on; null if not assessed.")
    score: float | None
    settled: Settlement
    reviewer: str | None = None
    decided_at: datetime | None = None
    model_version: str | None = None


class QueueState(BaseModel):
    item_id: int
    status: ItemStatus


class ReportOutcome(BaseModel):
    """What the intake pipeline may know of a report now: outcomes only, never text or reporter data."""

    report_id: str
    received_at: datetime
    model_name: str
    model_version: str = Field(description="The model that triaged the report at intake.")
    category: FieldOutcome
    agency: FieldOutcome
    kelurahan: FieldOutcome
    duplicate_group: DuplicateOutcome
    vague: VagueOutcome
    review: QueueState | None = Field(description="The review queue item, when the report was queued.")


_FOLDED = {
    SuggestionKind.CATEGORY: EventField.CATEGORY,
    SuggestionKind.AGENCY: EventField.AGENCY,
    SuggestionKind.LOCATION: EventField.KELURAHAN,
}

History = list[tuple[SuggestionRecord, Decision | None]]


def fold(baseline: str | None, history: History) -> FieldOutcome:
    """The outcome of one field after its suggestions (oldest first) and their decisions."""
    outcome = FieldOutcome(value=baseline, settled=Settlement.AS_SUBMITTED)
    for suggestion, decision in history:
        if suggestion.status == SuggestionStatus.AUTO_ACCEPTED:
            outcome = FieldOutcome(
                value=suggestion.value, settled=Settlement.AUTO_ACCEPTED, model_version=suggestion.model_version
            )
        elif decision is None:
            outcome = FieldOutcome(
                value=outcome.value,
                settled=Settlement.PENDING_REVIEW,
                pending_value=suggestion.value,
                model_version=suggestion.model_version,
            )
        else:
            value = outcome.value if decision.action == Action.REJECT else decision.value
            outcome = FieldOutcome(
                value=value,
                settled=Settlement.REVIEWER,
                reviewer=decision.reviewer,
                decided_at=decision.decided_at,
                action=decision.action,
                model_version=suggestion.model_version,
            )
    return outcome


def histories(session: Session, report_id: str) -> dict[SuggestionKind, History]:
    rows = session.execute(
        select(SuggestionRecord, Decision)
        .outerjoin(Decision, Decision.suggestion_id == SuggestionRecord.id)
        .where(SuggestionRecord.report_id == report_id)
        .order_by(SuggestionRecord.id)
    ).all()
    out: dict[SuggestionKind, History] = {kind: [] for kind in SuggestionKind}
    for suggestion, decision in rows:
        out[suggestion.kind].append((suggestion, decision))
    return out


def field_outcomes(session: Session, report: StoredReport) -> dict[EventField, FieldOutcome]:
    """Category, agency and kelurahan: the fields decisions change through suggestions."""
    history = histories(session, report.id)
    baselines = {
        EventField.CATEGORY: report.citizen_category,
        EventField.AGENCY: None,
        EventField.KELURAHAN: report.kelurahan,
    }
    return {field: fold(baselines[field], history[kind]) for kind, field in _FOLDED.items()}


def current_values(session: Session, report: StoredReport) -> dict[EventField, str | None]:
    """The values the feed reports changes of."""
    values = {field: outcome.value for field, outcome in field_outcomes(session, report).items()}
    values[EventField.DUPLICATE_GROUP] = report.duplicate_group
    return values


def report_outcome(session: Session, report_id: str) -> ReportOutcome | None:
    report = session.get(StoredReport, report_id)
    if report is None:
        return None
    history = histories(session, report.id)
    fields = field_outcomes(session, report)
    item = session.scalar(select(QueueItem).where(QueueItem.report_id == report.id))
    return ReportOutcome(
        report_id=report.id,
        received_at=report.received_at,
        model_name=report.model_name,
        model_version=report.model_version,
        category=fields[EventField.CATEGORY],
        agency=fields[EventField.AGENCY],
        kelurahan=fields[EventField.KELURAHAN],
        duplicate_group=_duplicate(session, report, history[SuggestionKind.DUPLICATE]),
        vague=_vague(report, history[SuggestionKind.VAGUE]),
        review=QueueState(item_id=item.id, status=item.status) if item is not None else None,
    )


def _duplicate(session: Session, report: StoredReport, history: History) -> DuplicateOutcome:
    own = fold(None, history)
    group = report.duplicate_group
    latest = session.scalar(
        select(ChangeEvent)
        .where(ChangeEvent.report_id == report.id, ChangeEvent.field == EventField.DUPLICATE_GROUP)
        .order_by(ChangeEvent.id.desc())
        .limit(1)
    )
    if own.settled != Settlement.PENDING_REVIEW and latest is not None:
        # Every change of a group is an event (a merge into this report by another report's decision too).
        by_reviewer = latest.source == EventSource.REVIEWER
        own = FieldOutcome(
            value=group,
            settled=Settlement.REVIEWER if by_reviewer else Settlement.AUTO_ACCEPTED,
            reviewer=latest.reviewer,
            decided_at=latest.at if by_reviewer else None,
            action=Action.MERGE if by_reviewer else None,
            model_version=own.model_version,
        )
    return DuplicateOutcome(**(own.model_dump() | {"value": group}), original=group)


def _vague(report: StoredReport, history: History) -> VagueOutcome:
    assessed = (report.result or {}).get("vague")
    score = assessed["score"] if assessed else None
    if not history:
        if assessed is None:
            return VagueOutcome(is_vague=None, score=None, settled=Settlement.AS_SUBMITTED)
        return VagueOutcome(is_vague=assessed["is_vague"], score=score, settled=Settlement.AUTO_ACCEPTED)
    suggestion, decision = history[-1]
    if decision is None:
        return VagueOutcome(
            is_vague=True, score=score, settled=Settlement.PENDING_REVIEW, model_version=suggestion.model_version
        )
    return VagueOutcome(
        is_vague=decision.action != Action.REJECT,
        score=score,
        settled=Settlement.REVIEWER,
        reviewer=decision.reviewer,
        decided_at=decision.decided_at,
        model_version=suggestion.model_version,
    )
