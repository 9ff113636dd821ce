"""Intake storage: each triaged report stored exactly once with its suggestions, and what needs a person queued.

`service.triage.pipeline` decides; this module answers known ids from storage and writes a call's fresh reports.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.autoaccept import AutoAcceptPolicy
from models.report import Report
from models.triage import MaskedReport
from service.audit.service import record
from service.config import ServiceSettings
from service.database.core import Database
from service.events.models import EventField, EventSource
from service.events.service import append as append_event
from service.queue.models import ItemStatus, QueueItem
from service.reports.models import StoredReport, SuggestionKind, SuggestionRecord, SuggestionStatus
from service.reports.policy import Gate, RoutedSuggestion, drafts, route
from service.triage.models import ReviewResult, TriageResult


class ConflictingResubmission(ValueError):
    """A report id already stored with other content: refusing keeps the first version authoritative."""

    def __init__(self, ids: list[str]):
        self.ids = ids
        super().__init__(
            f"reports already received with different content under the same id: {', '.join(ids[:10])}; "
            "send a new id for a new report"
        )


@dataclass(frozen=True)
class IntakeContext:
    settings: ServiceSettings
    auto_accept: AutoAcceptPolicy
    """The served model's thresholds."""
    closed_gates: set[Gate]
    actor: str


@dataclass(frozen=True)
class IncomingReport:
    """A report as received, with what intake derives from it once: its masked fields and its reporter's hash."""

    report: Report
    masked: MaskedReport
    reporter_hash: str | None
    """The keyed hash the database stores (`service.reports.identity`); None for a private or anonymous report."""


def content_sha256(report: Report) -> str:
    return hashlib.sha256(report.model_dump_json().encode()).hexdigest()


def stored_results(database: Database, reports: Sequence[Report]) -> dict[str, TriageResult]:
    """The stored answers of the reports already received (an idempotent retry); refuses an id stored with other
    content."""
    by_id = {r.id: r for r in reports}
    with database.session() as session:
        rows = session.execute(
            select(StoredReport.id, StoredReport.content_sha256, StoredReport.result).where(
                StoredReport.id.in_(list(by_id))
            )
        ).all()
    conflicting = sorted(row.id for row in rows if row.content_sha256 != content_sha256(by_id[row.id]))
    if conflicting:
        raise ConflictingResubmission(conflicting)
    return {row.id: TriageResult.model_validate(row.result) for row in rows}


def store(
    session: Session, incoming: Sequence[IncomingReport], results: Sequence[TriageResult], context: IntakeContext
) -> list[TriageResult]:
    """Route each report's suggestions, store the reports, their suggestions, queue items, events and audit entries
    in `session` (one transaction: the caller's), and return each answer with its review.

    Written in two flushes for the whole call, not a few per report: the queue items' ids are the only values the
    answers need from the database."""
    added: dict[str, StoredReport] = {}
    staged = []
    for entry, result in zip(incoming, results):
        routed = [
            route(d, context.settings, context.auto_accept, context.closed_gates, result.model.version, entry.report.id)
            for d in drafts(result)
        ]
        row, item = _add(session, entry, result, routed, added)
        added[row.id] = row
        staged.append((row, item, result, routed))
    session.flush()
    answers = []
    for row, item, result, routed in staged:
        to_review = sorted({r.reason for r in routed if r.status != SuggestionStatus.AUTO_ACCEPTED})
        item_id = item.id if item is not None else None
        answered = result.model_copy(
            update={"review": ReviewResult(queued=item is not None, queue_item_id=item_id, reasons=to_review)}
        )
        row.result = answered.model_dump(mode="json")
        record(
            session,
            context.actor,
            "report.triaged",
            "report",
            row.id,
            after={
                "model_version": result.model.version,
                "suggestions": {r.draft.kind.value: r.status.value for r in routed},
                "queue_item_id": item_id,
            },
        )
        answers.append(answered)
    return answers


def _auto_accepted_events(session: Session, report: Report, routed: list[RoutedSuggestion]) -> None:
    """Auto-accepted suggestions that change what the report said (see service.reports.outcome)."""
    before = {SuggestionKind.CATEGORY: report.category, SuggestionKind.AGENCY: None}
    fields = {SuggestionKind.CATEGORY: EventField.CATEGORY, SuggestionKind.AGENCY: EventField.AGENCY}
    for r in routed:
        if r.status == SuggestionStatus.AUTO_ACCEPTED and r.draft.kind in fields:
            append_event(
                session, report.id, fields[r.draft.kind], before[r.draft.kind], r.draft.value, EventSource.AUTO
            )


def _add(
    session: Session,
    entry: IncomingReport,
    result: TriageResult,
    routed: list[RoutedSuggestion],
    added: dict[str, StoredReport],
) -> tuple[StoredReport, QueueItem | None]:
    """Add one report with its suggestions and, when a person must see any, its queue item; `added`: the reports
    this call added before it (a resubmission may be of one of them)."""
    report = entry.report
    to_review = [r for r in routed if r.status != SuggestionStatus.AUTO_ACCEPTED]
    row = StoredReport(
        id=report.id,
        content_sha256=content_sha256(report),
        created_at=report.created_at,
        title=entry.masked.title,
        text=entry.masked.text,
        redactor_version=entry.masked.redactor_version,
        citizen_category=report.category,
        kelurahan=report.kelurahan,
        kecamatan=report.kecamatan,
        city=report.city,
        channel=report.channel,
        lat=report.lat,
        lon=report.lon,
        reporter_hash=entry.reporter_hash,
        private=report.private,
        model_name=result.model.name,
        model_version=result.model.version,
        result={},
    )
    resubmission = next(
        (r for r in routed if r.draft.kind == SuggestionKind.DUPLICATE and r.status == SuggestionStatus.AUTO_ACCEPTED),
        None,
    )
    session.add(row)
    if resubmission is not None:
        original = added.get(resubmission.draft.value) or session.get(StoredReport, resubmission.draft.value)
        if original is not None:
            row.duplicate_group = original.duplicate_group or original.id
            append_event(session, report.id, EventField.DUPLICATE_GROUP, None, row.duplicate_group, EventSource.AUTO)
            append_event(
                session,
                original.id,
                EventField.DUPLICATE_GROUP,
                original.duplicate_group,
                row.duplicate_group,
                EventSource.AUTO,
            )
            original.duplicate_group = row.duplicate_group
    _auto_accepted_events(session, report, routed)
    for r in routed:
        session.add(
            SuggestionRecord(
                report_id=report.id,
                kind=r.draft.kind,
                value=r.draft.value,
                current_value=r.draft.current_value,
                score=r.draft.score,
                status=r.status,
                reason=r.reason,
                evidence=r.draft.evidence,
                model_name=result.model.name,
                model_version=result.model.version,
            )
        )
    item = None
    if to_review:
        item = QueueItem(
            report_id=report.id,
            status=ItemStatus.OPEN,
            priority=max(r.draft.uncertainty for r in to_review),
        )
        session.add(item)
    return row, item
