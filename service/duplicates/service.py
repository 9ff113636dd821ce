"""Finds earlier reports that describe the same problem, and keeps the index in step with the database.

The scorer and the likely-duplicate threshold are the served bundle's, given with every search; the index
keeps only the windows and radii of the settings. The database is the truth: on start-up the saved index is
loaded (its checksums verified) and every stored report it lacks is embedded again from its stored masked
text; reports it holds that the database does not are dropped. The index is saved after every intake, so a
restart rarely has much to catch up.
"""

import logging
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from models.bundle import ModelBundle
from models.duplicates import (
    DuplicateCandidate,
    DuplicateEntry,
    DuplicateIndex,
    IndexIntegrityError,
    duplicate_text,
    embed,
)
from models.duplicates.configured import make_index
from models.report import Report
from models.triage import report_text
from service.config import ServiceSettings
from service.database.core import Database
from service.duplicates.models import DuplicateCandidateResult, DuplicatesResult
from service.reports.models import StoredReport

log = logging.getLogger(__name__)

INDEX_DIR = "duplicate_index"
CANDIDATES = 5
REBUILD_BATCH = 256


def _result(candidates: Sequence[DuplicateCandidate]) -> DuplicatesResult:
    likely = [c for c in candidates if c.likely_duplicate]
    exact = [c for c in candidates if c.exact]
    resubmitted = [c for c in candidates if c.resubmission]
    return DuplicatesResult(
        candidates=[DuplicateCandidateResult(report_id=c.id, **_without_id(c.to_dict())) for c in candidates],
        duplicate_of=likely[0].id if likely else None,
        exact_resubmission_of=exact[0].id if exact else None,
        resubmission_of=resubmitted[0].id if resubmitted else None,
    )


def _without_id(values: dict) -> dict:
    return {k: v for k, v in values.items() if k != "id"}


def stored_categories(result: dict | None) -> list[tuple[str, float]] | None:
    """The predicted category distribution (top labels) kept in a stored triage answer; None without one."""
    top = ((result or {}).get("category") or {}).get("top_k") or []
    pairs = [(c["label"], float(c["probability"])) for c in top if "label" in c and "probability" in c]
    return pairs or None


class DuplicateFinder:
    def __init__(self, index: DuplicateIndex, embedder_dir: Path, path: Path):
        self.index = index
        self.embedder_dir = embedder_dir
        self.path = path
        self._lock = threading.Lock()
        self.dirty = False

    @classmethod
    def open(cls, settings: ServiceSettings, database: Database) -> "DuplicateFinder":
        path = Path(settings.home) / INDEX_DIR
        try:
            index = DuplicateIndex.load(path)
        except IndexIntegrityError as exc:
            log.warning("duplicate index not loaded (%s): rebuilding it from the database", exc)
            index = make_index(settings)
        finder = cls(index, settings.embedder_dir, path)
        finder.sync(database)
        return finder

    def entries(
        self,
        reports: Sequence[Report],
        received_at: datetime | None = None,
        texts: Sequence[str] | None = None,
        categories: Sequence[Sequence[tuple[str, float]] | None] | None = None,
        reporter_hashes: Sequence[str | None] | None = None,
    ) -> list[DuplicateEntry]:
        """Index entries of `reports`; `texts`: their `report_text`, when the caller has masked them already;
        `categories`: each report's predicted (label, probability) pairs, for the problem evidence and as the
        category of a report whose citizen chose none; `reporter_hashes`: the stored keyed hashes (never refs)."""
        texts = texts if texts is not None else [report_text(r) for r in reports]
        categories = categories if categories is not None else [None] * len(reports)
        reporter_hashes = reporter_hashes if reporter_hashes is not None else [None] * len(reports)
        vectors = embed([duplicate_text(None, t) for t in texts], self.embedder_dir)
        now = received_at or datetime.now(UTC)
        return [
            DuplicateEntry.from_report(
                r.id,
                text,
                vector,
                r.created_at or now,
                lat=r.lat,
                lon=r.lon,
                kelurahan=r.kelurahan,
                category=r.category,
                category_probabilities=predicted,
                reporter_hash=reporter,
            )
            for r, text, vector, predicted, reporter in zip(reports, texts, vectors, categories, reporter_hashes)
        ]

    def ingest(self, entries: Sequence[DuplicateEntry], bundle: ModelBundle) -> list[DuplicatesResult]:
        """Search each entry among the earlier ones (and those before it in the same call), then index it; scored
        by `bundle`'s duplicate scorer and threshold (the served one, whose version the suggestions carry)."""
        with self._lock:
            bundle.score_duplicates_with(self.index)
            self.dirty = True
            return [
                _result(self.index.search(e, CANDIDATES) if e.id in self.index else self.index.ingest(e, CANDIDATES))
                for e in entries
            ]

    def forget_unstored(self, database: Database, ids: Sequence[str]) -> None:
        """Drop indexed ids the database does not hold: an ingest whose storing failed or was refused."""
        with self._lock:
            indexed = [i for i in ids if i in self.index]
        if not indexed:
            return
        with database.session() as session:
            stored = set(session.scalars(select(StoredReport.id).where(StoredReport.id.in_(indexed))).all())
        with self._lock:
            self.index.remove([i for i in indexed if i not in stored])
        self.dirty = True

    def link(self, a: str, b: str) -> None:
        with self._lock:
            if a in self.index and b in self.index:
                self.index.link(a, b)

    def group_of(self, report_id: str) -> list[str]:
        with self._lock:
            return self.index.cluster_of(report_id) if report_id in self.index else [report_id]

    def save(self) -> None:
        with self._lock:
            self.index.save(self.path)
            self.dirty = False

    def sync(self, database: Database) -> None:
        """Make the index hold exactly the stored reports."""
        with database.session() as session:
            stored = set(session.scalars(select(StoredReport.id)).all())
        with self._lock:
            stale = [i for i in self.index.ids() if i not in stored]
            if stale:
                self.index.remove(stale)
        missing = sorted(stored - {i for i in stored if i in self.index})
        if missing:
            log.info("indexing %d stored reports missing from the duplicate index", len(missing))
        for start in range(0, len(missing), REBUILD_BATCH):
            with database.session() as session:
                rows = session.scalars(
                    select(StoredReport).where(StoredReport.id.in_(missing[start : start + REBUILD_BATCH]))
                ).all()
                rows = sorted(rows, key=lambda r: (r.created_at or r.received_at, r.id))
                reports = [
                    Report(
                        id=r.id,
                        text=r.text,
                        title=r.title,
                        lat=r.lat,
                        lon=r.lon,
                        kelurahan=r.kelurahan,
                        category=r.citizen_category,
                        created_at=r.created_at or r.received_at,
                    )
                    for r in rows
                ]
                categories = [stored_categories(r.result) for r in rows]
                hashes = [r.reporter_hash for r in rows]
            entries = self.entries(reports, categories=categories, reporter_hashes=hashes)
            with self._lock:
                self.index.add(entries)
        if stale or missing:
            self.save()
