"""Finds earlier reports that describe the same problem, and keeps the index in step with the database.

The scorer and the likely-duplicate threshold are the served bundle's, given with every search; the index
keeps only the windows and radii of the settings. The database is the truth, shared by every replica (each
`triase serve` process or worker): the in-memory index is a view of the stored reports that can still be
candidates, and the files under `home` are only a cache of it.

- Start-up: the saved index is loaded (its checksums verified), reports it holds that the database does not are
  dropped, and every stored report it lacks is embedded again from its stored masked text.
- Before each search (:meth:`DuplicateFinder.catch_up`): the reports any replica stored since the watermark
  (the latest `received_at` read, less `duplicate_catch_up_grace_seconds` for late commits and clock skew) are
  loaded, so a replica sees every report committed by the others.
- Reviewer masks (`service.masks`): a report whose stored text a reviewer masked is fingerprinted again from
  it, in place (:meth:`DuplicateFinder.refresh_masked`, also part of every catch-up, so every replica follows);
  at start-up every masked report is, since the saved files may predate its mask.
- Bounded memory: a report filed longer ago than the longest duplicate window can never be a candidate of a report
  filed now; it leaves the index (the database keeps it) once it has also been received that long ago, so a
  backfill of earlier reports still finds its own duplicates while it comes in.
"""

import fcntl
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from models.bundle import ModelBundle
from models.duplicates import (
    DuplicateCandidate,
    DuplicateEntry,
    DuplicateIndex,
    IndexIntegrityError,
    duplicate_text,
)
from models.duplicates.configured import make_index
from models.duplicates.problem_vectors import ProblemPooling
from models.report import Report
from models.sentence_vectors import PendingVectors, vectors_later
from models.triage import classifier_text, report_text
from service.config import ServiceSettings
from service.database.core import Database
from service.duplicates.models import DuplicateCandidateResult, DuplicatesResult
from service.masks.service import masked_since
from service.reports.models import StoredReport

log = logging.getLogger(__name__)

INDEX_DIR = "duplicate_index"
INDEX_LOCK = "duplicate_index.lock"
"""Workers of one home share the cached index files: one of them reads or writes them at a time."""
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


def _stored_time(created_at: datetime | None, received_at: datetime) -> datetime:
    """The time the index files a stored report under (as it did when the report came in)."""
    return created_at or received_at


def _aware(moment: datetime) -> datetime:
    # A naive time is taken as UTC, as the index takes it.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@contextmanager
def _files_locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / INDEX_LOCK, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class DuplicateFinder:
    def __init__(
        self,
        index: DuplicateIndex,
        embedder_dir: Path,
        path: Path,
        grace_seconds: float = 60.0,
        pooling: ProblemPooling | None = None,
    ):
        self.index = index
        self.pooling = pooling
        """The served bundle's problem pooling: what reports stored by any replica are read with."""
        self.embedder_dir = embedder_dir
        self.path = path
        self.grace = timedelta(seconds=grace_seconds)
        self.watermark: datetime | None = None
        """The latest `received_at` read from the database: later catch-ups read from it (less the grace)."""
        self.mask_watermark = 0
        """The latest reviewer mask id whose report was fingerprinted again."""
        self._lock = threading.Lock()
        self._catching_up = threading.Lock()
        self.dirty = False
        self.clock = lambda: datetime.now(UTC)
        self._backfilled: dict[str, datetime] = {}

    @classmethod
    def open(
        cls, settings: ServiceSettings, database: Database, pooling: ProblemPooling | None = None
    ) -> "DuplicateFinder":
        path = Path(settings.home) / INDEX_DIR
        try:
            with _files_locked(path):
                index = DuplicateIndex.load(path)
        except IndexIntegrityError as exc:
            log.warning("duplicate index not loaded (%s): rebuilding it from the database", exc)
            index = make_index(settings)
        finder = cls(index, settings.embedder_dir, path, settings.duplicate_catch_up_grace_seconds, pooling)
        finder.sync(database)
        return finder

    def horizon(self) -> datetime:
        """Reports filed (and received) before this can never be a candidate of a report filed now."""
        return self.clock() - timedelta(hours=self.index.longest_window_hours)

    def _note_backfills(self, times: Sequence[tuple[str, datetime, datetime]]) -> None:
        """Remember (id, filed, received) reports filed before the horizon but received after it: they stay
        indexed until their receipt is that old too (the only per-report state kept beside the index)."""
        horizon = self.horizon()
        for report_id, filed, received in times:
            if _aware(filed) < horizon <= _aware(received):
                self._backfilled[report_id] = _aware(received)

    def _evict(self) -> int:
        """Called with the index lock held."""
        horizon = self.horizon()
        self._backfilled = {i: received for i, received in self._backfilled.items() if received >= horizon}
        return self.index.evict_before(horizon, exempt=self._backfilled)

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
        pooling = self.pooling
        vectors, problem_vectors = self.encode(texts, pooling)
        problem_vectors = problem_vectors if problem_vectors is not None else [None] * len(reports)
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
                problem_vector=problem_vector,
                problem_pooling=None if pooling is None else pooling.digest,
            )
            for r, text, vector, predicted, reporter, problem_vector in zip(
                reports, texts, vectors, categories, reporter_hashes, problem_vectors
            )
        ]

    def encode(self, texts: Sequence[str], pooling: ProblemPooling | None) -> tuple:
        """Sentence vectors and `pooling`'s problem vectors (None without one) of reports' masked `texts`, from one
        forward pass; memoised, so whatever reads the same texts afterwards (the classifiers) encodes nothing."""
        return self.encode_later(texts, pooling).result()

    def encode_later(self, texts: Sequence[str], pooling: ProblemPooling | None) -> PendingVectors:
        """:meth:`encode`, computed in the encoder process (`models.sentence_vectors.encode_in`) while the caller
        goes on."""
        return vectors_later([duplicate_text(None, t) for t in texts], str(self.embedder_dir), pooling)

    def use_pooling(self, pooling: ProblemPooling | None) -> None:
        """Read reports with the served bundle's pooling from now on (a new champion may bring another)."""
        self.pooling = pooling

    def ingest(self, entries: Sequence[DuplicateEntry], bundle: ModelBundle) -> list[DuplicatesResult]:
        """Search each entry among the earlier ones (and those before it in the same call), then index it; scored
        by `bundle`'s duplicate scorer and threshold (the served one, whose version the suggestions carry)."""
        now = self.clock()
        self._note_backfills([(e.id, e.created_at, now) for e in entries])
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
        with self._lock, _files_locked(self.path):
            self.index.save(self.path)
            self.dirty = False

    def sync(self, database: Database) -> None:
        """Make the index hold exactly the stored reports that can still be candidates (start-up)."""
        with self._catching_up:
            with database.session() as session:
                rows = session.execute(select(StoredReport.id, StoredReport.created_at, StoredReport.received_at)).all()
            stored = {row.id for row in rows}
            self.watermark = max((row.received_at for row in rows), default=None)
            self._note_backfills([(r.id, _stored_time(r.created_at, r.received_at), r.received_at) for r in rows])
            with self._lock:
                stale = [i for i in self.index.ids() if i not in stored]
                if stale:
                    self.index.remove(stale)
                self._evict()
                missing = sorted(r.id for r in rows if r.id not in self.index and self._current(r))
            if missing:
                log.info("indexing %d stored reports missing from the duplicate index", len(missing))
            self._index_stored(database, missing)
        refreshed = self.refresh_masked(database)
        if stale or missing or refreshed:
            self.save()

    def catch_up(self, database: Database) -> int:
        """Index the reports other replicas stored since the watermark, then evict those no report filed now can
        match; the number indexed. Called before every search, so a replica decides on every report committed by
        any replica."""
        with self._catching_up:
            query = select(StoredReport.id, StoredReport.created_at, StoredReport.received_at)
            if self.watermark is not None:
                query = query.where(StoredReport.received_at >= self.watermark - self.grace)
            with database.session() as session:
                rows = session.execute(query).all()
            if rows:
                self.watermark = max([self.watermark or rows[0].received_at, *(row.received_at for row in rows)])
            with self._lock:
                missing = [r.id for r in rows if r.id not in self.index and self._current(r)]
            self._index_stored(database, missing)
            with self._lock:
                evicted = self._evict()
            if missing or evicted:
                self.dirty = True
        self.refresh_masked(database)
        return len(missing)

    def refresh_masked(self, database: Database) -> int:
        """Fingerprint again, from the stored masked text, every indexed report a reviewer masked since the mask
        watermark (any replica's masks: the database holds them); the number refreshed."""
        with self._catching_up:
            with database.session() as session:
                report_ids, watermark = masked_since(session, self.mask_watermark)
            with self._lock:
                indexed = [i for i in report_ids if i in self.index]
            refreshed = 0
            for start in range(0, len(indexed), REBUILD_BATCH):
                entries = self._stored_entries(database, indexed[start : start + REBUILD_BATCH])
                with self._lock:  # evicted meanwhile: nothing left to refresh
                    entries = [e for e in entries if e.id in self.index]
                    self.index.replace(entries)
                    self.dirty = self.dirty or bool(entries)
                refreshed += len(entries)
            self.mask_watermark = watermark
            return refreshed

    def _current(self, row) -> bool:
        """A stored report (id, created_at, received_at) the index keeps: filed or received after the horizon."""
        horizon = self.horizon()
        return _stored_time(row.created_at, row.received_at) >= horizon or row.received_at >= horizon

    def _index_stored(self, database: Database, ids: Sequence[str]) -> None:
        """Embed stored reports again from their masked texts and index those still missing, oldest first."""
        for start in range(0, len(ids), REBUILD_BATCH):
            entries = self._stored_entries(database, ids[start : start + REBUILD_BATCH])
            with self._lock:  # this replica may have ingested one of them meanwhile
                self.index.add([e for e in entries if e.id not in self.index])

    def _stored_entries(self, database: Database, ids: Sequence[str]) -> list[DuplicateEntry]:
        """Index entries of a batch of stored reports, embedded from their stored masked texts, oldest first."""
        with database.session() as session:
            rows = session.scalars(select(StoredReport).where(StoredReport.id.in_(ids))).all()
            rows = sorted(rows, key=lambda r: (_stored_time(r.created_at, r.received_at), r.id))
            reports = [
                Report(
                    id=r.id,
                    text=r.text,
                    title=r.title,
                    lat=r.lat,
                    lon=r.lon,
                    kelurahan=r.kelurahan,
                    category=r.citizen_category,
                    created_at=_stored_time(r.created_at, r.received_at),
                )
                for r in rows
            ]
            # Stored texts are masked already, and joined they are the text the intake indexed: masking them again
            # would cost time and could fingerprint them otherwise than the replica that stored them.
            texts = [classifier_text(r.title, r.text) for r in rows]
            categories = [stored_categories(r.result) for r in rows]
            hashes = [r.reporter_hash for r in rows]
            self._note_backfills([(r.id, _stored_time(r.created_at, r.received_at), r.received_at) for r in rows])
        return self.entries(reports, texts=texts, categories=categories, reporter_hashes=hashes)
