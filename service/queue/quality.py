"""Quality gates: per suggestion type and model version, how often reviewers agree with the models.

Precision comes from spot checks, a random share of suggestions that would have been auto-accepted
but were reviewed anyway: the only unbiased view of the auto-accept path. When it falls below its
setting, that type is sent to review until precision recovers (or a new model version is served).
"""

import threading
import time

from pydantic import BaseModel
from sqlalchemy import case, func, select

from service.config import ServiceSettings
from service.database.core import Database
from service.queue.models import Action, Decision
from service.reports.models import SuggestionKind, SuggestionRecord, SuggestionStatus
from service.reports.policy import Gate

CACHE_SECONDS = 10.0


class GateStats(BaseModel):
    kind: SuggestionKind
    model_version: str
    decisions: int
    acceptance_rate: float
    spot_checks: int
    precision: float | None
    """Share of spot-checked suggestions a reviewer accepted; None before the first spot check."""
    auto_accept_open: bool


def gate_stats(database: Database, settings: ServiceSettings) -> list[GateStats]:
    accepted = Decision.action.in_([Action.ACCEPT, Action.MERGE])
    recent = (
        select(
            SuggestionRecord.kind,
            SuggestionRecord.model_version,
            SuggestionRecord.status,
            case((accepted, 1), else_=0).label("accepted"),
            func.row_number()
            .over(
                partition_by=(SuggestionRecord.kind, SuggestionRecord.model_version),
                order_by=(Decision.decided_at.desc(), Decision.id.desc()),
            )
            .label("recency"),
        )
        .join(Decision, Decision.suggestion_id == SuggestionRecord.id)
        .subquery()
    )
    is_spot_check = recent.c.status == SuggestionStatus.SPOT_CHECK.value
    rows = (
        select(
            recent.c.kind,
            recent.c.model_version,
            func.count().label("decisions"),
            func.sum(recent.c.accepted).label("accepted"),
            func.sum(case((is_spot_check, 1), else_=0)).label("spot_checks"),
            func.sum(case((is_spot_check, recent.c.accepted), else_=0)).label("spot_accepted"),
        )
        .where(recent.c.recency <= settings.quality_window)
        .group_by(recent.c.kind, recent.c.model_version)
    )
    with database.session() as session:
        result = session.execute(rows).all()
    stats = []
    for row in result:
        precision = row.spot_accepted / row.spot_checks if row.spot_checks else None
        closed = (
            precision is not None
            and row.spot_checks >= settings.quality_min_decisions
            and precision < settings.quality_min_precision
        )
        stats.append(
            GateStats(
                kind=SuggestionKind(row.kind),
                model_version=row.model_version,
                decisions=row.decisions,
                acceptance_rate=row.accepted / row.decisions,
                spot_checks=row.spot_checks,
                precision=precision,
                auto_accept_open=not closed,
            )
        )
    return sorted(stats, key=lambda s: (s.kind.value, s.model_version))


class QualityGates:
    """Closed gates, recomputed at most every few seconds so intake stays cheap."""

    def __init__(self, database: Database, settings: ServiceSettings):
        self._database = database
        self._settings = settings
        self._lock = threading.Lock()
        self._closed: set[Gate] = set()
        self._computed_at = float("-inf")

    def closed(self) -> set[Gate]:
        with self._lock:
            if time.monotonic() - self._computed_at > CACHE_SECONDS:
                stats = gate_stats(self._database, self._settings)
                self._closed = {(s.kind, s.model_version) for s in stats if not s.auto_accept_open}
                self._computed_at = time.monotonic()
            return set(self._closed)

    def invalidate(self) -> None:
        with self._lock:
            self._computed_at = float("-inf")
