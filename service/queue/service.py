"""Working the queue: list, claim and decide items; every change is audited in the same transaction."""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from service.audit.service import record
from service.database.core import Database, utcnow
from service.events.models import EventField, EventSource
from service.events.service import append as append_event
from service.queue.models import (
    Action,
    BulkItemResult,
    BulkResult,
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
from service.reports.outcome import Settlement, current_values, field_outcomes
from service.reports.reasons import Reason

REVIEWED = (SuggestionStatus.IN_REVIEW, SuggestionStatus.SPOT_CHECK)
REROUTE_REASON = Reason.CATEGORY_CORRECTED
"""Reason of an agency suggestion re-derived from a reviewer's corrected category."""
DECIDED_FIELDS = (EventField.CATEGORY, EventField.AGENCY, EventField.KELURAHAN)


class NotFound(LookupError):
    pass


class Conflict(RuntimeError):
    """Someone else got there first; `winner` says who and what."""

    def __init__(self, message: str, winner: DecisionView | None = None, claimed_by: str | None = None):
        super().__init__(message)
        self.winner = winner
        self.claimed_by = claimed_by


class InvalidDecision(ValueError):
    """A decision that cannot apply to its suggestion; `field` is the request field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Rerouting:
    """How a corrected category re-derives the agency: the served model's category -> agency table."""

    agency_for_category: Callable[[str], str | None]
    model_name: str
    model_version: str


@dataclass(frozen=True)
class QueueFilter:
    status: ItemStatus = ItemStatus.OPEN
    reason: str | None = None
    kind: SuggestionKind | None = None
    category: str | None = None
    kelurahan: str | None = None
    older_than: datetime | None = None
    newer_than: datetime | None = None


def _superseded():
    """A later suggestion of the same kind for the same report replaces this one (it needs no decision)."""
    later = aliased(SuggestionRecord)
    return exists().where(
        later.report_id == SuggestionRecord.report_id,
        later.kind == SuggestionRecord.kind,
        later.id > SuggestionRecord.id,
    )


def _undecided_reviewed(item_id_column):
    return (
        select(SuggestionRecord.id)
        .join(QueueItem, QueueItem.report_id == SuggestionRecord.report_id)
        .where(QueueItem.id == item_id_column, SuggestionRecord.status.in_(REVIEWED))
        .where(~exists().where(Decision.suggestion_id == SuggestionRecord.id))
        .where(~_superseded())
    )


def _undecided(session: Session, item: QueueItem) -> list[SuggestionRecord]:
    """The item's suggestions still waiting for a decision, oldest first."""
    return list(
        session.scalars(
            select(SuggestionRecord)
            .where(SuggestionRecord.report_id == item.report_id, SuggestionRecord.status.in_(REVIEWED))
            .where(~exists().where(Decision.suggestion_id == SuggestionRecord.id), ~_superseded())
            .order_by(SuggestionRecord.id)
        ).all()
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
    database: Database,
    item_id: int,
    request: DecisionRequest,
    reviewer: str,
    allowed_values: Collection[str] | None,
    rerouting: Rerouting | None = None,
) -> QueueItemView:
    """Record one decision on one suggestion of the item; exactly one decision per suggestion wins.

    A corrected category re-derives the agency through `rerouting` (see `_rederive_agency`).
    """
    try:
        with database.session() as session:
            item = _load(session, item_id)
            suggestion = session.get(SuggestionRecord, request.suggestion_id)
            if suggestion is None or suggestion.report_id != item.report_id:
                raise NotFound(f"suggestion {request.suggestion_id} does not belong to queue item {item_id}")
            _check_decidable(session, item, suggestion, reviewer)
            value = _final_value(session, item, suggestion, request, allowed_values)
            _apply(session, item, [(suggestion, request.action, value)], request.comment, reviewer, rerouting)
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


def _check_decidable(session: Session, item: QueueItem, suggestion: SuggestionRecord, reviewer: str) -> None:
    if suggestion.status not in REVIEWED:
        raise InvalidDecision("suggestion_id", f"suggestion {suggestion.id} was auto-accepted and is not under review")
    existing = session.scalar(select(Decision).where(Decision.suggestion_id == suggestion.id))
    if existing is not None:
        raise Conflict(f"suggestion {suggestion.id} was already decided", winner=_decision_view(existing))
    later = session.scalar(
        select(SuggestionRecord.id).where(
            SuggestionRecord.report_id == suggestion.report_id,
            SuggestionRecord.kind == suggestion.kind,
            SuggestionRecord.id > suggestion.id,
        )
    )
    if later is not None:
        raise InvalidDecision(
            "suggestion_id", f"suggestion {suggestion.id} was replaced by suggestion {later}; decide that one"
        )
    _check_claim(item, reviewer)


def _check_claim(item: QueueItem, reviewer: str) -> None:
    if item.claimed_by not in (None, reviewer) and item.claimed_until and item.claimed_until > utcnow():
        raise Conflict(
            f"queue item {item.id} is claimed by {item.claimed_by} until {item.claimed_until:%H:%M} UTC",
            claimed_by=item.claimed_by,
        )


Chosen = list[tuple[SuggestionRecord, Action, str | None]]


def _apply(
    session: Session,
    item: QueueItem,
    chosen: Chosen,
    comment: str | None,
    reviewer: str,
    rerouting: Rerouting | None,
    bulk: bool = False,
    merge_root: str | None = None,
) -> None:
    """Store the decisions, apply merges, re-derive the agency, write the feed's events and close a finished item.

    A single decision audits each step; a bulk action writes one audit entry for the report instead.
    """
    report = item.report
    before = current_values(session, report)
    for suggestion, action, value in chosen:
        session.add(
            Decision(
                suggestion_id=suggestion.id,
                queue_item_id=item.id,
                action=action,
                value=value,
                comment=comment,
                reviewer=reviewer,
            )
        )
        session.flush()
        if not bulk:
            record(
                session,
                reviewer,
                "suggestion.decided",
                "suggestion",
                suggestion.id,
                before={"kind": suggestion.kind.value, "value": suggestion.value, "status": suggestion.status.value},
                after={"action": action.value, "value": value, "comment": comment is not None},
            )
        if suggestion.kind == SuggestionKind.DUPLICATE and action in (Action.ACCEPT, Action.MERGE):
            _merge(session, report, value, reviewer, audit_self=not bulk, root=merge_root)
    rerouted = None
    if rerouting is not None and any(s.kind == SuggestionKind.CATEGORY and a == Action.CORRECT for s, a, _ in chosen):
        rerouted = _rederive_agency(session, report, rerouting, reviewer)
    after = current_values(session, report)
    for field in DECIDED_FIELDS:
        reroute = rerouted is not None if field == EventField.CATEGORY else field == EventField.AGENCY
        reroute = reroute and (field == EventField.CATEGORY or before[field] is not None)
        append_event(session, report.id, field, before[field], after[field], EventSource.REVIEWER, reviewer, reroute)
    closed = session.scalar(select(func.count()).select_from(_undecided_reviewed(item.id).subquery())) == 0
    if closed:
        item.status, item.closed_at = ItemStatus.DONE, utcnow()
        item.claimed_by, item.claimed_until = None, None
        if not bulk:
            record(session, reviewer, "queue_item.closed", "queue_item", item.id, after={"status": "done"})
    if bulk:
        record(
            session,
            reviewer,
            "report.bulk_decided",
            "report",
            report.id,
            before={f.value: before[f] for f in EventField},
            after={
                "decisions": [
                    {"suggestion_id": s.id, "kind": s.kind.value, "action": a.value, "value": v} for s, a, v in chosen
                ],
                **{f.value: after[f] for f in EventField},
                "queue_item_closed": closed,
                "comment": comment is not None,
            },
        )
    session.flush()


def _rederive_agency(session: Session, report: StoredReport, rerouting: Rerouting, reviewer: str) -> int | None:
    """Suggest, for review, the agency that handles the corrected category when it differs from where the report
    is heading (its agency, or the agency awaiting review); the new suggestion replaces a pending one."""
    outcomes = field_outcomes(session, report)
    category = outcomes[EventField.CATEGORY].value
    derived = rerouting.agency_for_category(category) if category else None
    agency = outcomes[EventField.AGENCY]
    heading = agency.pending_value if agency.settled == Settlement.PENDING_REVIEW else agency.value
    if derived is None or derived == heading:
        return None
    suggestion = SuggestionRecord(
        report_id=report.id,
        kind=SuggestionKind.AGENCY,
        value=derived,
        current_value=agency.value,
        score=1.0,
        status=SuggestionStatus.IN_REVIEW,
        reason=REROUTE_REASON,
        evidence={"category": category, "replaces": heading},
        model_name=rerouting.model_name,
        model_version=rerouting.model_version,
    )
    session.add(suggestion)
    session.flush()
    session.expire(report, ["suggestions"])
    record(
        session,
        reviewer,
        "suggestion.rederived",
        "suggestion",
        suggestion.id,
        before={"agency": heading},
        after={"agency": derived, "category": category},
    )
    return suggestion.id


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
            raise InvalidDecision("action", "merge applies to duplicate suggestions only")
        if request.value == item.report_id:
            raise InvalidDecision("value", "a report cannot be merged into itself")
        if session.get(StoredReport, request.value) is None:
            raise InvalidDecision("value", f"no stored report has id {request.value!r}")
        return request.value
    if suggestion.kind in (SuggestionKind.VAGUE, SuggestionKind.DUPLICATE):
        raise InvalidDecision(
            "action", f"correct does not apply to {suggestion.kind.value} suggestions; use accept or reject"
        )
    if allowed_values is not None and request.value not in allowed_values:
        known = ", ".join(sorted(allowed_values)[:20])
        raise InvalidDecision("value", f"{request.value!r} is not a known {suggestion.kind.value}; known: {known}")
    return request.value


def _merge(
    session: Session,
    report: StoredReport,
    target_id: str,
    reviewer: str,
    audit_self: bool = True,
    root: str | None = None,
) -> None:
    """Put the report's group and the target's group together, under `root` (default: the earliest report's id).

    `audit_self=False` leaves the decided report's own audit entry to the caller (a bulk action's one entry).
    """
    target = session.get(StoredReport, target_id)
    groups = {g for g in (report.duplicate_group, target.duplicate_group) if g}
    members = session.scalars(
        select(StoredReport).where(
            StoredReport.id.in_([report.id, target.id]) | StoredReport.duplicate_group.in_(groups)
        )
    ).all()
    root = root or min(members, key=lambda r: (r.created_at or r.received_at, r.id)).id
    for member in members:
        if member.duplicate_group != root:
            if audit_self or member.id != report.id:
                record(
                    session,
                    reviewer,
                    "report.merged",
                    "report",
                    member.id,
                    before={"duplicate_group": member.duplicate_group},
                    after={"duplicate_group": root},
                )
            append_event(
                session,
                member.id,
                EventField.DUPLICATE_GROUP,
                member.duplicate_group,
                root,
                EventSource.REVIEWER,
                reviewer,
            )
            member.duplicate_group = root


# --- bulk decisions ---------------------------------------------------------------------------------------

Choose = Callable[[list[SuggestionRecord]], Chosen]


def bulk_accept(
    database: Database,
    item_ids: Collection[int],
    reviewer: str,
    rerouting: Rerouting | None = None,
    kind: SuggestionKind | None = None,
    reason: str | None = None,
    comment: str | None = None,
) -> BulkResult:
    """Accept every waiting suggestion of each item (only those of `kind` and `reason` when given).

    Each item is decided in its own transaction, as a single decision would be: an item another reviewer
    decided or claimed meanwhile is skipped with the reason, and the others still go through. Accepting a
    duplicate suggestion merges the report into the suggested one.
    """

    def choose(pending: list[SuggestionRecord]) -> Chosen:
        return [
            (s, Action.ACCEPT, s.value)
            for s in pending
            if (kind is None or s.kind == kind) and (reason is None or s.reason == reason)
        ]

    return _bulk(database, item_ids, reviewer, choose, comment, rerouting)


def merge_group(
    database: Database,
    original_id: str,
    reviewer: str,
    item_ids: Collection[int] | None = None,
    comment: str | None = None,
) -> BulkResult:
    """Merge every open item whose waiting duplicate suggestion points into the original's group into it.

    A copy may point at another copy rather than at the original, so the items are followed transitively. The
    group keeps the original's group id (its own id when it had none): the original stays the parent.
    """
    with database.session() as session:
        original = session.get(StoredReport, original_id)
        if original is None:
            raise NotFound(f"original: no stored report has id {original_id!r}")
        root = original.duplicate_group or original.id
        targets = {original.id, root} | set(
            session.scalars(select(StoredReport.id).where(StoredReport.duplicate_group == root)).all()
        )
        waiting = session.execute(
            select(QueueItem.id, QueueItem.report_id, SuggestionRecord.id, SuggestionRecord.value)
            .join(SuggestionRecord, SuggestionRecord.report_id == QueueItem.report_id)
            .where(QueueItem.status == ItemStatus.OPEN, SuggestionRecord.kind == SuggestionKind.DUPLICATE)
            .where(SuggestionRecord.status.in_(REVIEWED), ~_superseded())
            .where(~exists().where(Decision.suggestion_id == SuggestionRecord.id))
            .order_by(QueueItem.id)
        ).all()
    chosen: dict[int, int] = {}
    grown = True
    while grown:
        grown = False
        for item_id, report_id, suggestion_id, value in waiting:
            if item_id not in chosen and value in targets and report_id != original.id:
                chosen[item_id] = suggestion_id
                targets.add(report_id)
                grown = True
    if item_ids is not None:
        chosen = {i: s for i, s in chosen.items() if i in set(item_ids)}

    def choose_for(item_id: int) -> Choose:
        return lambda pending: [(s, Action.MERGE, original.id) for s in pending if s.id == chosen[item_id]]

    results = [
        _bulk_one(database, item_id, reviewer, choose_for(item_id), comment, None, merge_root=root)
        for item_id in chosen
    ]
    return BulkResult.of(results)


def _bulk(
    database: Database,
    item_ids: Collection[int],
    reviewer: str,
    choose: Choose,
    comment: str | None,
    rerouting: Rerouting | None,
) -> BulkResult:
    return BulkResult.of(
        [_bulk_one(database, i, reviewer, choose, comment, rerouting) for i in dict.fromkeys(item_ids)]
    )


def _bulk_one(
    database: Database,
    item_id: int,
    reviewer: str,
    choose: Choose,
    comment: str | None,
    rerouting: Rerouting | None,
    merge_root: str | None = None,
) -> BulkItemResult:
    try:
        with database.session() as session:
            item = session.get(QueueItem, item_id)
            if item is None:
                return BulkItemResult(item_id=item_id, decided=False, detail=f"no queue item {item_id}")
            if item.status == ItemStatus.DONE:
                return _skipped(item, "already decided")
            try:
                _check_claim(item, reviewer)
            except Conflict as exc:
                return _skipped(item, str(exc))
            chosen = choose(_undecided(session, item))
            if not chosen:
                return _skipped(item, "no waiting suggestion matches")
            _apply(session, item, chosen, comment, reviewer, rerouting, bulk=True, merge_root=merge_root)
            return BulkItemResult(
                item_id=item.id,
                report_id=item.report_id,
                decided=True,
                suggestion_ids=[s.id for s, _, _ in chosen],
                merged_into=next((v for s, _, v in chosen if s.kind == SuggestionKind.DUPLICATE), None),
                item_status=item.status,
            )
    except IntegrityError:
        # A decision on one of these suggestions committed first: this item's whole transaction rolled back.
        return BulkItemResult(item_id=item_id, decided=False, detail="another reviewer decided it first")


def _skipped(item: QueueItem, detail: str) -> BulkItemResult:
    return BulkItemResult(
        item_id=item.id, report_id=item.report_id, decided=False, detail=detail, item_status=item.status
    )


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
        queued_at=item.created_at,
        claimed_by=item.claimed_by,
        claimed_until=item.claimed_until,
    )


def _view(session: Session, item: QueueItem) -> QueueItemView:
    report = item.report
    decisions = {
        d.suggestion_id: d for d in session.scalars(select(Decision).where(Decision.queue_item_id == item.id)).all()
    }
    suggestions = session.scalars(
        select(SuggestionRecord).where(SuggestionRecord.report_id == report.id).order_by(SuggestionRecord.id)
    ).all()
    latest = {s.kind: s.id for s in suggestions}
    views = [
        SuggestionView.model_validate(s, from_attributes=True).model_copy(
            update={
                "decision": _decision_view(decisions[s.id]) if s.id in decisions else None,
                "superseded_by": latest[s.kind] if latest[s.kind] != s.id else None,
            }
        )
        for s in suggestions
    ]
    return QueueItemView(
        **_summary(session, item).model_dump(),
        report=ReportView.model_validate(report, from_attributes=True),
        suggestions=views,
    )


def _decision_view(decision: Decision) -> DecisionView:
    return DecisionView.model_validate(decision, from_attributes=True)


def suggestion_kind(session: Session, suggestion_id: int) -> SuggestionKind | None:
    return session.scalar(select(SuggestionRecord.kind).where(SuggestionRecord.id == suggestion_id))
