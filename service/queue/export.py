"""Reviewer decisions for the data team and as training labels."""

from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import select

from models.masking import EXPORT_ROW_KIND
from service.database.core import Database
from service.masks.models import ReviewerMask
from service.queue.models import Action, Decision
from service.reports.models import StoredReport, SuggestionKind, SuggestionRecord

EXPORT_COLUMNS = (
    "report_id",
    "kind",
    "suggested",
    "citizen_value",
    "action",
    "final_value",
    "reviewer",
    "decided_at",
    "model_name",
    "model_version",
    "suggestion_status",
    "suggestion_reason",
    "score",
    "mask_field",
    "mask_start",
    "mask_end",
    "mask_kind",
    "redactor_version",
    "mask_text_revision",
    "mask_text_sha256",
)
MASK_INTEGER_COLUMNS = ("mask_start", "mask_end", "mask_text_revision")


def decisions_frame(database: Database, zone: ZoneInfo) -> pd.DataFrame:
    """One row per decision and per reviewer mask, oldest first; reviewer comments stay out (free text may hold
    personal data).

    A mask row has kind `personal_data`, action `mask` and the `mask_*` columns: the field, offsets and kind of
    the span in the stored text at `mask_text_revision` (whose sha256 is `mask_text_sha256`) and the
    `redactor_version` that missed it; `training.reviewer_masks` turns them into redactor training spans.
    `decided_at` is ISO 8601 in `zone` (the reporting city's, TRIASE_TIME_ZONE) with its offset, as the data
    team reads the day and hour a decision was made.
    """
    query = (
        select(Decision, SuggestionRecord)
        .join(SuggestionRecord, SuggestionRecord.id == Decision.suggestion_id)
        .order_by(Decision.decided_at, Decision.id)
    )
    with database.session() as session:
        timed = [
            (
                d.decided_at,
                {
                    "report_id": s.report_id,
                    "kind": s.kind.value,
                    "suggested": s.value,
                    "citizen_value": s.current_value,
                    "action": d.action.value,
                    "final_value": d.value,
                    "reviewer": d.reviewer,
                    "decided_at": d.decided_at.astimezone(zone).isoformat(),
                    "model_name": s.model_name,
                    "model_version": s.model_version,
                    "suggestion_status": s.status.value,
                    "suggestion_reason": s.reason,
                    "score": s.score,
                },
            )
            for d, s in session.execute(query).all()
        ]
        timed += [
            (
                m.masked_at,
                {
                    "report_id": m.report_id,
                    "kind": EXPORT_ROW_KIND,
                    "action": "mask",
                    "reviewer": m.reviewer,
                    "decided_at": m.masked_at.astimezone(zone).isoformat(),
                    "mask_field": m.field,
                    "mask_start": m.start_offset,
                    "mask_end": m.end_offset,
                    "mask_kind": m.kind.value,
                    "redactor_version": m.redactor_version,
                    "mask_text_revision": m.text_revision,
                    "mask_text_sha256": m.text_sha256,
                },
            )
            for m in session.scalars(select(ReviewerMask).order_by(ReviewerMask.id)).all()
        ]
    rows = [row for _, row in sorted(timed, key=lambda pair: pair[0])]  # stable: ties keep id order
    frame = pd.DataFrame(rows, columns=list(EXPORT_COLUMNS))
    # Offsets stay integers (not floats beside the decisions' empty cells) in CSV and JSON alike.
    return frame.astype({column: "Int64" for column in MASK_INTEGER_COLUMNS})


def reviewer_labels(database: Database) -> pd.DataFrame:
    """Category and agency labels people gave, with the stored (masked) report, latest decision per report.

    Accept and correct give the decided value; rejecting a suggested change keeps the citizen's own
    category. Columns follow the dataset frames (id, title, text, created_at, category = the citizen's,
    label_category, label_agency, ...).
    """
    query = (
        select(Decision, SuggestionRecord, StoredReport)
        .join(SuggestionRecord, SuggestionRecord.id == Decision.suggestion_id)
        .join(StoredReport, StoredReport.id == SuggestionRecord.report_id)
        .where(SuggestionRecord.kind.in_([SuggestionKind.CATEGORY, SuggestionKind.AGENCY]))
        .order_by(Decision.decided_at, Decision.id)
    )
    labels: dict[str, dict] = {}
    with database.session() as session:
        for decision, suggestion, report in session.execute(query).all():
            value = decision.value
            if decision.action == Action.REJECT:
                value = suggestion.current_value if suggestion.kind == SuggestionKind.CATEGORY else None
            if value is None:
                continue
            row = labels.setdefault(
                report.id,
                {
                    "id": report.id,
                    "title": report.title,
                    "text": report.text,
                    "created_at": report.created_at or report.received_at,
                    "kelurahan": report.kelurahan,
                    "kecamatan": report.kecamatan,
                    "category": report.citizen_category,
                    "label_category": None,
                    "label_agency": None,
                },
            )
            row[f"label_{suggestion.kind.value}"] = value
    columns = [
        "id",
        "title",
        "text",
        "created_at",
        "kelurahan",
        "kecamatan",
        "category",
        "label_category",
        "label_agency",
    ]
    frame = pd.DataFrame(list(labels.values()), columns=columns)
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    return frame
