"""The triage pipeline: the one path from received reports to stored, answered ones.

For one report or a batch: ids already received are answered from storage (an idempotent retry; other content
under a received id is refused). Each fresh report is masked once, by the served bundle's masker
(`models.triage.mask_reports`: the fields stored and the text every model reads), and its reporter hashed once; the
served bundle predicts category and agency, scores vagueness and checks the location; the duplicate index, caught
up first with what every replica stored, searches and indexes them; the routing policy decides what a person must
see; and all of it is stored in one transaction. Inference runs before the transaction, so no lock is held while
the models work. The encoder computes in a process of its own (`models.encoder_process`) on
`TRIASE_ENCODER_THREADS` threads, so masking, vagueness, the classifiers and the duplicate search of a batch run
while it encodes the batch's next chunk; while the pipeline only waits for vectors, the encoder computes on
`TRIASE_ENCODER_IDLE_THREADS` (a run counts as computing beside the encoder, its waits do not).

Race safety: two calls (on any replicas) storing one id meet at its primary key. The later one answers from
storage, as a retry would; what it indexed of reports it did not store leaves the index again.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from models.registry import RegisteredModel
from models.report import Report
from models.sentence_vectors import computing_beside_encoder
from models.triage import mask_reports
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

ENCODER_CHUNK = 16
"""Reports handed to the encoder process at a time: the first chunk's encoding starts after masking 16 reports,
not a whole batch, and only the last chunk's decisions wait after the encoder has finished."""


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
            with computing_beside_encoder():
                return self._run(reports)
        except BaseException:
            if self.finder is not None:
                self.finder.forget_unstored(self.database, [r.id for r in reports])
            raise

    def _run(self, reports: Sequence[Report]) -> list[TriageResult]:
        context = IntakeContext(self.settings, self.served.model.auto_accept, self.closed_gates, self.actor)
        for attempt in range(2):
            answers = stored_results(self.database, reports)
            unanswered = [r for r in reports if r.id not in answers]
            if not unanswered:
                break
            fresh, results = self._assess(unanswered)
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

    def _incoming(self, reports: Sequence[Report]) -> list[IncomingReport]:
        masked = mask_reports(reports, self.served.bundle.masker)
        return [
            IncomingReport(report=report, masked=m, reporter_hash=self._reporter_hash(report))
            for report, m in zip(reports, masked, strict=True)
        ]

    def _reporter_hash(self, report: Report) -> str | None:
        anonymous = report.private or not report.reporter_ref
        return None if anonymous else reporter_hash(self.hash_key, report.reporter_ref)

    def _assess(self, reports: Sequence[Report]) -> tuple[list[IncomingReport], list[TriageResult]]:
        """Reports not stored yet, masked, with their predictions, vagueness, location and duplicates; indexes them
        for the search.

        Chunk by chunk, each is masked and handed to the encoder process at once; the rest of the work (vagueness,
        catching up with other replicas, then each chunk's classifiers and duplicate search as its vectors arrive)
        overlaps the encoding of the chunks after it."""
        bundle = self.served.bundle
        if self.finder is not None:
            self.finder.use_pooling(bundle.problem_pooling)
        chunks = []
        for start in range(0, len(reports), ENCODER_CHUNK):
            fresh = self._incoming(reports[start : start + ENCODER_CHUNK])
            texts = [entry.masked.classifier_text for entry in fresh]
            # One forward pass gives the sentence vectors and the problem vectors; both are memoised, so the
            # classifiers below and the duplicate entries read them without encoding again.
            encoding = None if self.finder is None else self.finder.encode_later(texts, bundle.problem_pooling)
            chunks.append((fresh, texts, encoding))
        vagueness = [assess(bundle.vagueness, [entry.report for entry in fresh], texts) for fresh, texts, _ in chunks]
        if self.finder is not None:
            # What other replicas stored meanwhile are candidates too; what no report can match any more leaves.
            self.finder.catch_up(self.database)
        locations = bundle.location_checker(self.settings.location_margin_m)
        results: list[TriageResult] = []
        for (fresh, texts, encoding), vague in zip(chunks, vagueness):
            if encoding is not None:
                encoding.result()
            results.extend(self._decide(fresh, texts, vague, locations))
        return [entry for fresh, _, _ in chunks for entry in fresh], results

    def _decide(self, fresh: Sequence[IncomingReport], texts: list[str], vague, locations) -> list[TriageResult]:
        """One chunk's predictions, with its vagueness, and its duplicates searched and indexed."""
        bundle = self.served.bundle
        reports = [entry.report for entry in fresh]
        results = triage(self.served, reports, texts, top_k=self.settings.top_k, locations=locations)
        results = [r.model_copy(update={"vague": v}) for r, v in zip(results, vague)]
        if self.finder is None:
            return results
        # The problem evidence compares the predicted category distributions; a reporter is known to the index only
        # by the keyed hash the database stores.
        predicted = [[(c.label, c.probability) for c in r.category.top_k] for r in results]
        entries = self.finder.entries(
            reports, texts=texts, categories=predicted, reporter_hashes=[entry.reporter_hash for entry in fresh]
        )
        found = self.finder.ingest(entries, bundle)
        return [r.model_copy(update={"duplicates": d}) for r, d in zip(results, found)]
