"""Working the queue: list, claim and decide items; every change is audited in the same transaction."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.audit.service import record
from service.database.core import Database, utcnow
from service.queue.models import (
    Action,
    Decision,
    DecisionRequest,
    DecisionView,
    ItemStatus,
    QueueItem,
    QueueItemSummary,
    QueueItemView,
    QueuePage,
    ReportView,
    SuggestionView,
)
from service.reports.models import StoredReport, SuggestionKind, SuggestionRecord, SuggestionStatus

REVIEWED = (SuggestionStatus.IN_REVIEW, SuggestionStatus.SPOT_CHECK)


class NotFound(LookupError):
    pass


class Conflict(RuntimeError):
    """Someone else got there first; `winner` says who and what."""

    def __init__(self, message: str, winner: DecisionView | None = None, claimed_by: str | None = None):
        super().__init__(message)
        self.winner = winner
        self.claimed_by = claimed_by


class InvalidDecision(ValueError):
    pass


@dataclass(frozen=True)
class QueueFilter:
    status: ItemStatus = ItemStatus.OPEN
    reason: str | None = None
    kind: SuggestionKind | None = None
    category: str | None = None
    kelurahan: str | None = None
    older_than: datetime | None = None
    newer_than: datetime | None = None


def _undecided_reviewed(item_id_column):
    return (
        select(SuggestionRecord.id)
        .join(QueueItem, QueueItem.report_id == SuggestionRecord.report_id)
        .where(QueueItem.id == item_id_column, SuggestionRecord.status.in_(REVIEWED))
        .where(~exists().where(Decision.suggestion_id == SuggestionRecord.id))
    )


def list_items(database: Database, filters: QueueFilter, limit: int, offset: int) -> QueuePage:
    """Items matching the filters: the most uncertain first, then the oldest."""
    query = select(QueueItem).join(StoredReport, StoredReport.id == QueueItem.report_id)
    query = query.where(QueueItem.status == filters.status)
    if filters.reason or filters.kind:
        matching = select(SuggestionRecord.id).where(
            SuggestionRecord.report_id == QueueItem.report_id, SuggestionRecord.status.in_(REVIEWED)
        )
        if filters.reason:
            matching = matching.where(SuggestionRecord.reason == filters.reason)
        if filters.kind:
            matching = matching.where(SuggestionRecord.kind == filters.kind)
        query = query.where(exists(matching))
    if filters.category:
        predicted = select(SuggestionRecord.id).where(
            SuggestionRecord.report_id == QueueItem.report_id,
            SuggestionRecord.kind == SuggestionKind.CATEGORY,
            SuggestionRecord.value == filters.category,
        )
        query = query.where((StoredReport.citizen_category == filters.category) | exists(predicted))
    if filters.kelurahan:
        query = query.where(func.lower(StoredReport.kelurahan) == filters.kelurahan.lower())
    if filters.older_than:
        query = query.where(QueueItem.created_at <= filters.older_than)
    if filters.newer_than:
        query = query.where(QueueItem.created_at >= filters.newer_than)
    with database.session() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        items = session.scalars(
            query.order_by(QueueItem.priority.desc(), QueueItem.created_at, QueueItem.id).limit(limit).offset(offset)
        ).all()
        return QueuePage(items=[_summary(session, item) for item in items], total=total or 0)


def get_item(database: Database, item_id: int) -> QueueItemView:
    with database.session() as session:
        return _view(session, _load(session, item_id))


def claim(database: Database, item_id: int, reviewer: str, minutes: int) -> QueueItemView:
    """Reserve an item for `reviewer`; a live claim of someone else's wins (409)."""
    now = utcnow()
    with database.session() as session:
        item = _load(session, item_id)
        if item.status == ItemStatus.DONE:
            raise Conflict(f"queue item {item_id} is already decided")
        free = (QueueItem.claimed_by.is_(None)) | (QueueItem.claimed_until < now) | (QueueItem.claimed_by == reviewer)
        # A conditional UPDATE, so two reviewers claiming at once cannot both succeed.
        claimed = session.execute(
            update(QueueItem)
            .where(QueueItem.id == item_id, free)
            .values(claimed_by=reviewer, claimed_until=now + timedelta(minutes=minutes))
            .execution_options(synchronize_session=False)
        ).rowcount
        session.refresh(item)
        if not claimed:
            raise Conflict(
                f"queue item {item_id} is claimed by {item.claimed_by} until {item.claimed_until:%H:%M} UTC",
                claimed_by=item.claimed_by,
            )
        record(
            session,
            reviewer,
            "queue_item.claimed",
            "queue_item",
            item_id,
            after={"until": item.claimed_until.isoformat()},
        )
        return _view(session, item)


def release(database: Database, item_id: int, reviewer: str) -> QueueItemView:
    with database.session() as session:
        item = _load(session, item_id)
        if item.claimed_by != reviewer:
            raise Conflict(f"queue item {item_id} is not claimed by {reviewer}", claimed_by=item.claimed_by)
        item.claimed_by, item.claimed_until = None, None
        record(session, reviewer, "queue_item.released", "queue_item", item_id)
        return _view(session, item)


def decide(
    database: Database, item_id: int, request: DecisionRequest, reviewer: str, allowed_values: Collection[str] | None
) -> QueueItemView:
    """Record one decision on one suggestion of the item; exactly one decision per suggestion wins."""
    try:
        with database.session() as session:
            item = _load(session, item_id)
            suggestion = session.get(SuggestionRecord, request.suggestion_id)
            if suggestion is None or suggestion.report_id != item.report_id:
                raise NotFound(f"suggestion {request.suggestion_id} does not belong to queue item {item_id}")
            if suggestion.status not in REVIEWED:
                raise InvalidDecision(f"suggestion {suggestion.id} was auto-accepted and is not under review")
            existing = session.scalar(select(Decision).where(Decision.suggestion_id == suggestion.id))
            if existing is not None:
                raise Conflict(f"suggestion {suggestion.id} was already decided", winner=_decision_view(existing))
            now = utcnow()
            if item.claimed_by not in (None, reviewer) and item.claimed_until and item.claimed_until > now:
                raise Conflict(
                    f"queue item {item_id} is claimed by {item.claimed_by} until {item.claimed_until:%H:%M} UTC",
                    claimed_by=item.claimed_by,
                )
            value = _final_value(session, item, suggestion, request, allowed_values)
            decision = Decision(
                suggestion_id=suggestion.id,
                queue_item_id=item.id,
                action=request.action,
                value=value,
                comment=request.comment,
                reviewer=reviewer,
            )
            session.add(decision)
            session.flush()
            record(
                session,
                reviewer,
                "suggestion.decided",
                "suggestion",
                suggestion.id,
                before={"kind": suggestion.kind.value, "value": suggestion.value, "status": suggestion.status.value},
                after={"action": request.action.value, "value": value, "comment": request.comment is not None},
            )
            if request.action == Action.MERGE:
                _merge(session, item.report, value, reviewer)
            if session.scalar(select(func.count()).select_from(_undecided_reviewed(item.id).subquery())) == 0:
                item.status, item.closed_at = ItemStatus.DONE, now
                item.claimed_by, item.claimed_until = None, None
                record(session, reviewer, "queue_item.closed", "queue_item", item.id, after={"status": "done"})
            session.flush()
            return _view(session, item)
    except IntegrityError:
        # The unique suggestion id: another reviewer's decision committed between our check and our insert.
        with database.session() as session:
            winner = session.scalar(select(Decision).where(Decision.suggestion_id == request.suggestion_id))
            if winner is None:
                raise
            raise Conflict(
                f"suggestion {request.suggestion_id} was already decided", winner=_decision_view(winner)
            ) from None


def _final_value(
    session: Session,
    item: QueueItem,
    suggestion: SuggestionRecord,
    request: DecisionRequest,
    allowed_values: Collection[str] | None,
) -> str | None:
    if request.action == Action.ACCEPT:
        return suggestion.value
    if request.action == Action.REJECT:
        return None
    if request.action == Action.MERGE:
        if suggestion.kind != SuggestionKind.DUPLICATE:
            raise InvalidDecision("merge applies to duplicate suggestions only")
        if request.value == item.report_id:
            raise InvalidDecision("a report cannot be merged into itself")
        if session.get(StoredReport, request.value) is None:
            raise InvalidDecision(f"value: no stored report has id {request.value!r}")
        return request.value
    if suggestion.kind in (SuggestionKind.VAGUE, SuggestionKind.DUPLICATE):
        raise InvalidDecision(f"correct does not apply to {suggestion.kind.value} suggestions; use accept or reject")
    if allowed_values is not None and request.value not in allowed_values:
        known = ", ".join(sorted(allowed_values)[:20])
        raise InvalidDecision(f"value: {request.value!r} is not a known {suggestion.kind.value}; known: {known}")
    return request.value


def _merge(session: Session, report: StoredReport, target_id: str, reviewer: str) -> None:
    """Put the report's group and the target's group together, under the earliest report's id."""
    target = session.get(StoredReport, target_id)
    groups = {g for g in (report.duplicate_group, target.duplicate_group) if g}
    members = session.scalars(
        select(StoredReport).where(
            StoredReport.id.in_([report.id, target.id]) | StoredReport.duplicate_group.in_(groups)
        )
    ).all()
    root = min(members, key=lambda r: (r.created_at or r.received_at, r.id)).id
    for member in members:
        if member.duplicate_group != root:
            record(
                session,
                reviewer,
                "report.merged",
                "report",
                member.id,
                before={"duplicate_group": member.duplicate_group},
                after={"duplicate_group": root},
            )
            member.duplicate_group = root


def _load(session: Session, item_id: int) -> QueueItem:
    item = session.get(QueueItem, item_id)
    if item is None:
        raise NotFound(f"no queue item {item_id}")
    return item


def _reviewed(session: Session, item: QueueItem) -> list[SuggestionRecord]:
    return [s for s in item.report.suggestions if s.status in REVIEWED]


def _summary(session: Session, item: QueueItem) -> QueueItemSummary:
    report = item.report
    category = next((s.value for s in report.suggestions if s.kind == SuggestionKind.CATEGORY), None)
    return QueueItemSummary(
        id=item.id,
        report_id=item.report_id,
        status=item.status,
        priority=item.priority,
        reasons=sorted({s.reason for s in _reviewed(session, item)}),
        category=category,
        kelurahan=report.kelurahan,
        created_at=item.created_at,
        claimed_by=item.claimed_by,
        claimed_until=item.claimed_until,
    )


def _view(session: Session, item: QueueItem) -> QueueItemView:
    report = item.report
    decisions = {
        d.suggestion_id: d for d in session.scalars(select(Decision).where(Decision.queue_item_id == item.id)).all()
    }
    suggestions = [
        SuggestionView.model_validate(s, from_attributes=True).model_copy(
            update={"decision": _decision_view(decisions[s.id]) if s.id in decisions else None}
        )
        for s in report.suggestions
    ]
    return QueueItemView(
        **_summary(session, item).model_dump(),
        report=ReportView.model_validate(report, from_attributes=True),
        suggestions=suggestions,
    )


def _decision_view(decision: Decision) -> DecisionView:
    return DecisionView.model_validate(decision, from_attributes=True)


def suggestion_kind(session: Session, suggestion_id: int) -> SuggestionKind | None:
    return session.scalar(select(SuggestionRecord.kind).where(SuggestionRecord.id == suggestion_id))
