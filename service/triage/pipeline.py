"""The triage pipeline: the one path from received reports to stored, answered ones.

For one report or a batch: ids already received are answered from storage (an idempotent retry; other content
under a received id is refused). Each fresh report is masked once (`models.triage.mask_report`: the fields stored
and the text every model reads) and its reporter hashed once; the served bundle predicts category and agency,
scores vagueness and checks the location; the duplicate index, caught up first with what every replica stored,
searches and indexes them; the routing policy decides what a person must see; and all of it is stored in one
transaction. Inference runs before the transaction, so no lock is held while the models work. The encoder
computes on one thread (`TRIASE_ENCODER_THREADS`) and releases the interpreter while it does; the vagueness
scorer, which reads the texts only, runs beside it on another (its cue reading took ~1.5 ms a report, 8 % of a
batch).

Race safety: two calls (on any replicas) storing one id meet at its primary key. The later one answers from
storage, as a retry would; what it indexed of reports it did not store leaves the index again.
"""

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from models.registry import RegisteredModel
from models.report import Report
from models.triage import mask_report
from service.config import ServiceSettings
from service.database.core import Database
from service.duplicates.service import DuplicateFinder
from service.reports.identity import reporter_hash
from service.reports.policy import Gate
from service.reports.service import IncomingReport, IntakeContext, store, stored_results
from service.triage.models import TriageResult
from service.triage.service import triage
from service.vague.service import assess

log = logging.getLogger(__name__)

_beside_encoder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="triage-beside-encoder")


@dataclass(frozen=True)
class TriagePipeline:
    """Every suggestion comes from the one bundle `served` (its version is stored with each of them), even when a
    new champion is swapped in while the call runs."""

    served: RegisteredModel
    settings: ServiceSettings
    database: Database
    finder: DuplicateFinder | None
    hash_key: bytes
    """Reporter references are known only by this key's hash."""
    closed_gates: set[Gate]
    actor: str

    def run(self, reports: Sequence[Report]) -> list[TriageResult]:
        """Each report's answer, in order: stored before, or triaged and stored now (exactly once)."""
        try:
            return self._run(reports)
        except BaseException:
            if self.finder is not None:
                self.finder.forget_unstored(self.database, [r.id for r in reports])
            raise

    def _run(self, reports: Sequence[Report]) -> list[TriageResult]:
        context = IntakeContext(self.settings, self.served.model.auto_accept, self.closed_gates, self.actor)
        for attempt in range(2):
            answers = stored_results(self.database, reports)
            fresh = [self._incoming(r) for r in reports if r.id not in answers]
            if not fresh:
                break
            results = self._assess(fresh)
            try:
                with self.database.session() as session:
                    stored = store(session, fresh, results, context)
                answers.update((entry.report.id, answer) for entry, answer in zip(fresh, stored))
                break
            except IntegrityError:
                if attempt:
                    raise
                # A concurrent call stored some of these ids first; theirs is the answer (exactly once).
                log.info("concurrent intake of the same report ids; answering from storage")
        return [answers[r.id] for r in reports]

    def _incoming(self, report: Report) -> IncomingReport:
        anonymous = report.private or not report.reporter_ref
        hashed = None if anonymous else reporter_hash(self.hash_key, report.reporter_ref)
        return IncomingReport(report=report, masked=mask_report(report), reporter_hash=hashed)

    def _assess(self, fresh: Sequence[IncomingReport]) -> list[TriageResult]:
        """Predictions, vagueness, location and duplicates of reports not stored yet; indexes them for the search."""
        bundle = self.served.bundle
        reports = [entry.report for entry in fresh]
        texts = [entry.masked.classifier_text for entry in fresh]
        vagueness = _beside_encoder.submit(assess, bundle.vagueness, reports, texts)
        if self.finder is not None:
            self.finder.use_pooling(bundle.problem_pooling)
            # One forward pass gives the sentence vectors and the problem vectors; both are memoised, so the
            # classifiers below and the duplicate entries read them without encoding again.
            self.finder.encode(texts, bundle.problem_pooling)
        results = triage(
            self.served,
            reports,
            texts,
            top_k=self.settings.top_k,
            locations=bundle.location_checker(self.settings.location_margin_m),
        )
        results = [r.model_copy(update={"vague": v}) for r, v in zip(results, vagueness.result())]
        if self.finder is None:
            return results
        # The problem evidence compares the predicted category distributions; a reporter is known to the index only
        # by the keyed hash the database stores.
        predicted = [[(c.label, c.probability) for c in r.category.top_k] for r in results]
        entries = self.finder.entries(
            reports, texts=texts, categories=predicted, reporter_hashes=[entry.reporter_hash for entry in fresh]
        )
        # What other replicas stored meanwhile are candidates too; what no report can match any more leaves.
        self.finder.catch_up(self.database)
        found = self.finder.ingest(entries, bundle)
        return [r.model_copy(update={"duplicates": d}) for r, d in zip(results, found)]
