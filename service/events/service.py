"""Appending to and reading the change feed.

Events are buffered on the session and written just before its transaction commits, so they share the fate
of the change they describe. On PostgreSQL a sequence hands out ids in the order transactions ask, not in the
order they commit: a consumer could read id 6, move its cursor past 5, and never see 5 committed a moment
later. Writing events under a transaction-level advisory lock makes every event-writing transaction take its
ids and commit before the next one takes any, so ids become visible in order. SQLite has one writer at a time
anyway.
"""

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from service.database.core import Database
from service.events.models import ChangeEvent, EventField, EventPage, EventSource, EventView

PENDING_KEY = "triase.pending_events"
FEED_LOCK_KEY = 0x7472_6961_7365
"""Any fixed 64-bit number ('triase' in ASCII); only event writers take it."""


def append(
    session: Session,
    report_id: str,
    field: EventField,
    before: str | None,
    after: str | None,
    source: EventSource,
    reviewer: str | None = None,
    reroute: bool = False,
) -> None:
    """Queue an event for `session`'s transaction; a non-change is no event."""
    if before == after:
        return
    session.info.setdefault(PENDING_KEY, []).append(
        ChangeEvent(
            report_id=report_id,
            field=field,
            from_value=before,
            to_value=after,
            source=source,
            reviewer=reviewer,
            reroute=reroute,
        )
    )


@event.listens_for(Session, "before_commit")
def publish(session: Session) -> None:
    """Write the session's queued events, in order, under the feed lock (held until the commit ends)."""
    pending = session.info.pop(PENDING_KEY, None)
    if not pending:
        return
    # Everything else first: once the lock is held this transaction only inserts events, so it never waits for
    # a row another event writer (queued on the lock) holds.
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FEED_LOCK_KEY})
    session.add_all(pending)
    session.flush()


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


def page(database: Database, after: int, limit: int) -> EventPage:
    """Events with ids above `after`, oldest first, at most `limit`."""
    with database.session() as session:
        rows = session.scalars(
            select(ChangeEvent).where(ChangeEvent.id > after).order_by(ChangeEvent.id).limit(limit + 1)
        ).all()
    events = [_view(row) for row in rows[:limit]]
    return EventPage(events=events, next_cursor=events[-1].id if events else after, has_more=len(rows) > limit)


def _view(row: ChangeEvent) -> EventView:
    return EventView(
        id=row.id,
        report_id=row.report_id,
        field=row.field,
        from_=row.from_value,
        to=row.to_value,
        source=row.source,
        reviewer=row.reviewer,
        reroute=row.reroute,
        at=row.at,
    )
