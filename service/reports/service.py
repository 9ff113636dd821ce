"""Intake: store each triaged report exactly once with its suggestions, and queue what needs a person."""

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.autoaccept import AutoAcceptPolicy
from models.privacy.redactor import mask_pii, redactor_version
from models.report import Report
from service.audit.service import record
from service.config import ServiceSettings
from service.database.core import Database
from service.events.models import EventField, EventSource
from service.events.service import append as append_event
from service.queue.models import ItemStatus, QueueItem
from service.reports.identity import reporter_hash
from service.reports.models import StoredReport, SuggestionKind, SuggestionRecord, SuggestionStatus
from service.reports.policy import Gate, RoutedSuggestion, drafts, route
from service.triage.models import ReviewResult, TriageResult

log = logging.getLogger(__name__)

Triage = Callable[[Sequence[Report]], list[TriageResult]]


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
    hash_key: bytes
    auto_accept: AutoAcceptPolicy
    """The served model's thresholds."""
    closed_gates: set[Gate]
    actor: str


def content_sha256(report: Report) -> str:
    return hashlib.sha256(report.model_dump_json().encode()).hexdigest()


def intake(database: Database, reports: Sequence[Report], triage: Triage, context: IntakeContext) -> list[TriageResult]:
    """Triage the reports not seen before, store them with their suggestions, and answer every report.

    Known ids are answered from storage (idempotent retries). Model inference runs outside the
    transaction; storing is one transaction per call, so a failed call stores nothing.
    """
    for attempt in range(2):
        stored = _stored_results(database, reports)
        fresh = [r for r in reports if r.id not in stored]
        if not fresh:
            break
        results = triage(fresh)
        try:
            with database.session() as session:
                for report, result in zip(fresh, results):
                    stored[report.id] = _store(session, report, result, context)
            break
        except IntegrityError:
            if attempt:
                raise
            # A concurrent call stored some of these ids first; theirs is the answer (exactly once).
            log.info("concurrent intake of the same report ids; answering from storage")
    return [stored[r.id] for r in reports]


def _auto_accepted_events(session: Session, report: Report, routed: list[RoutedSuggestion]) -> None:
    """Auto-accepted suggestions that change what the report said (see service.reports.outcome)."""
    before = {SuggestionKind.CATEGORY: report.category, SuggestionKind.AGENCY: None}
    fields = {SuggestionKind.CATEGORY: EventField.CATEGORY, SuggestionKind.AGENCY: EventField.AGENCY}
    for r in routed:
        if r.status == SuggestionStatus.AUTO_ACCEPTED and r.draft.kind in fields:
            append_event(
                session, report.id, fields[r.draft.kind], before[r.draft.kind], r.draft.value, EventSource.AUTO
            )


def _stored_results(database: Database, reports: Sequence[Report]) -> dict[str, TriageResult]:
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


def _store(session: Session, report: Report, result: TriageResult, context: IntakeContext) -> TriageResult:
    settings = context.settings
    routed = [
        route(d, settings, context.auto_accept, context.closed_gates, result.model.version, report.id)
        for d in drafts(result)
    ]
    to_review = [r for r in routed if r.status != SuggestionStatus.AUTO_ACCEPTED]
    row = StoredReport(
        id=report.id,
        content_sha256=content_sha256(report),
        created_at=report.created_at,
        title=mask_pii(report.title) if report.title else None,
        text=mask_pii(report.text),
        redactor_version=redactor_version(),
        citizen_category=report.category,
        kelurahan=report.kelurahan,
        kecamatan=report.kecamatan,
        city=report.city,
        channel=report.channel,
        lat=report.lat,
        lon=report.lon,
        reporter_hash=None
        if report.private or not report.reporter_ref
        else reporter_hash(context.hash_key, report.reporter_ref),
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
        original = session.get(StoredReport, resubmission.draft.value)
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
    item_id = None
    if to_review:
        item = QueueItem(
            report_id=report.id,
            status=ItemStatus.OPEN,
            priority=max(r.draft.uncertainty for r in to_review),
        )
        session.add(item)
        session.flush()
        item_id = item.id
    answered = result.model_copy(
        update={
            "review": ReviewResult(
                queued=bool(to_review), queue_item_id=item_id, reasons=sorted({r.reason for r in to_review})
            )
        }
    )
    row.result = answered.model_dump(mode="json")
    session.flush()
    record(
        session,
        context.actor,
        "report.triaged",
        "report",
        report.id,
        after={
            "model_version": result.model.version,
            "suggestions": {r.draft.kind.value: r.status.value for r in routed},
            "queue_item_id": item_id,
        },
    )
    return answered
