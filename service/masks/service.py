"""Masking a span a reviewer marks: the stored text and every text-derived copy in the database change in one
transaction, the span is kept (offsets and kind, never the text) and the action is audited without the text.

Copies outside the database follow from it: the duplicate index re-fingerprints masked reports
(`DuplicateFinder.refresh_masked`), and the export and every page read the stored text.
"""

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models.masking import MaskError, apply_mask, span_words, text_sha256
from models.privacy.redactor import redactor_version
from service.audit.service import record
from service.database.core import Database
from service.masks.models import MaskCount, MaskCounts, MaskRequest, MaskResult, MaskView, ReviewerMask
from service.queue.models import ReportView
from service.reports.models import StoredReport, SuggestionRecord

QUOTING_KEYS = ("phrase", "name")
"""Keys of list entries in a stored triage answer or a suggestion's evidence that quote words of the text: the
evidence phrases and the place names the location check found."""


class NotFound(LookupError):
    pass


class StaleText(RuntimeError):
    """The text changed (another mask) since the offsets were read."""


def mask(database: Database, report_id: str, request: MaskRequest, reviewer: str) -> MaskResult:
    """Mask ``report.<field>[start:end]`` with the kind's placeholder and keep the span as a training example.

    Raises NotFound, MaskError (a span that cannot be masked: `field` names the request field) or StaleText.
    """
    with database.session() as session:
        report = session.get(StoredReport, report_id)
        if report is None:
            raise NotFound(f"no report with id {report_id!r} was received")
        if report.text_revision != request.text_revision:
            raise StaleText(
                f"report {report_id} was masked again since revision {request.text_revision} "
                f"(now {report.text_revision}); reload it and mark the span again"
            )
        before = getattr(report, request.field)
        if before is None:
            raise MaskError("field", f"report {report_id} has no {request.field}")
        masked = apply_mask(before, request.start, request.end, request.kind.value)
        words = span_words(before[request.start : request.end])
        # A conditional UPDATE, so two masks of the same revision cannot both apply.
        changed = session.execute(
            update(StoredReport)
            .where(StoredReport.id == report_id, StoredReport.text_revision == request.text_revision)
            .values({request.field: masked, "text_revision": request.text_revision + 1})
            .execution_options(synchronize_session=False)
        ).rowcount
        if not changed:
            raise StaleText(f"report {report_id} was masked by someone else just now; reload it and mark again")
        session.refresh(report)
        report.result = _without_words(report.result, words)
        for suggestion in session.scalars(select(SuggestionRecord).where(SuggestionRecord.report_id == report_id)):
            suggestion.evidence = _without_words(suggestion.evidence, words)
        row = ReviewerMask(
            report_id=report_id,
            field=request.field,
            start_offset=request.start,
            end_offset=request.end,
            kind=request.kind,
            text_revision=request.text_revision,
            text_sha256=text_sha256(before),
            redactor_version=report.redactor_version or redactor_version(),
            reviewer=reviewer,
        )
        session.add(row)
        session.flush()
        record(
            session,
            reviewer,
            "report.masked",
            "report",
            report_id,
            before={"text_revision": request.text_revision},
            after={
                "mask_id": row.id,
                "field": request.field,
                "start": request.start,
                "end": request.end,
                "kind": request.kind.value,
                "text_revision": request.text_revision + 1,
                "redactor_version": row.redactor_version,
            },
        )
        return MaskResult(
            mask=MaskView.model_validate(row, from_attributes=True),
            report=ReportView.model_validate(report, from_attributes=True),
        )


def _without_words(document: Any, words: set[str]) -> Any:
    """A copy of a stored JSON document whose quoted phrases share no word with the masked span.

    The category and agency evidence quote n-grams of the text, and the location check the place names it
    found; an entry holding a masked word is dropped (a whole phrase, since its other words give it away)."""
    if isinstance(document, dict):
        return {key: _without_words(value, words) for key, value in document.items()}
    if isinstance(document, list):
        kept = [
            entry
            for entry in document
            if not (isinstance(entry, dict) and any(_quotes(entry.get(key), words) for key in QUOTING_KEYS))
        ]
        return [_without_words(entry, words) for entry in kept]
    return document


def _quotes(value: Any, words: set[str]) -> bool:
    return isinstance(value, str) and not span_words(value).isdisjoint(words)


def masked_since(session: Session, after_id: int) -> tuple[list[str], int]:
    """Reports masked by reviewer masks with an id above `after_id`, and the highest mask id (the new watermark)."""
    rows = session.execute(
        select(ReviewerMask.id, ReviewerMask.report_id).where(ReviewerMask.id > after_id).order_by(ReviewerMask.id)
    ).all()
    return sorted({r.report_id for r in rows}), max((r.id for r in rows), default=after_id)


def counts(database: Database) -> MaskCounts:
    """How many spans reviewers masked, per redactor version that missed them and per kind."""
    query = select(
        ReviewerMask.redactor_version,
        ReviewerMask.kind,
        func.count(ReviewerMask.id),
        func.count(func.distinct(ReviewerMask.report_id)),
        func.max(ReviewerMask.masked_at),
    ).group_by(ReviewerMask.redactor_version, ReviewerMask.kind)
    with database.session() as session:
        rows = session.execute(query).all()
    latest: dict[str, Any] = {}
    for version, _, _, _, at in rows:
        latest[version] = max(latest.get(version, at), at)
    rows = sorted(rows, key=lambda r: (-latest[r[0]].timestamp(), r[0], r[1].value))
    by_version: dict[str, int] = {}
    for version, _, n, _, _ in rows:
        by_version[version] = by_version.get(version, 0) + n
    return MaskCounts(
        total=sum(by_version.values()),
        by_redactor_version=by_version,
        counts=[MaskCount(redactor_version=v, kind=k, masks=n, reports=r) for v, k, n, r, _ in rows],
    )
