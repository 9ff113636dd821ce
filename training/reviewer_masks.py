"""Reviewers' masks as redactor training spans: from a ``triase export-decisions`` file to spans in the raw text.

A reviewer masks personal data the redactor missed in the *stored* text, where the redactor's placeholders already
replaced what it found; the export keeps each mask's offsets into that text, its kind, the redactor version that
missed it and the sha256 of the text the offsets refer to (never the text). :func:`reviewer_spans` replays this on
the raw texts (which never leave ``data_dir``): it masks each raw text again (with the rules, or the masker of the
bundle that served the reports), checks the result is the text the reviewer saw (same sha256; a redactor changed
since then finds other spans, and the report is left out), and maps the reviewer's offsets back through the
placeholders onto the raw text. The result has the shape :func:`training.evaluate_pii.load_annotations` gives:
report id -> ``(start, end, kind)`` into the raw text.

    spans = reviewer_spans(load_mask_rows("decisions.jsonl"), raw_texts)
"""

import json
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from models.masking import EXPORT_ROW_KIND, MASK_PLACEHOLDERS, text_sha256
from models.privacy.pattern import Span
from models.privacy.tagger import RULES_ONLY, Masker

__all__ = ["load_mask_rows", "reviewer_spans"]


log = logging.getLogger(__name__)

Spans = list[tuple[int, int, str]]


def load_mask_rows(path: Path | str) -> list[dict]:
    """The mask rows of an export (.csv or .jsonl), oldest first, offsets as integers."""
    path = Path(path)
    if path.suffix == ".jsonl":
        with open(path, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
    elif path.suffix == ".csv":
        frame = pd.read_csv(path, dtype={"report_id": str, "mask_text_sha256": str})
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    else:
        raise ValueError(f"{path.name}: an export ends in .csv or .jsonl")
    masks = [row for row in rows if row.get("kind") == EXPORT_ROW_KIND]
    for row in masks:
        for column in ("mask_start", "mask_end", "mask_text_revision"):
            row[column] = int(row[column])
    return masks


def reviewer_spans(
    rows: Iterable[Mapping],
    raw_texts: Mapping[str, str],
    field: str = "text",
    with_redactor_spans: bool = False,
    masker: Masker = RULES_ONLY,
) -> dict[str, Spans]:
    """Report id -> the reviewers' spans ``(start, end, kind)`` in the raw `field` of each report (sorted).

    `raw_texts`: the raw text of each report id (reports without one are left out). `masker`: what masked the
    stored texts at intake (a served bundle's `masker`). `with_redactor_spans`: also `masker`'s spans, for a full
    annotation of the report rather than only what the redactor missed. A report whose stored text cannot be
    reproduced from its raw text (another redactor masked it) is left out and counted in the log.
    """
    by_report: dict[str, list[Mapping]] = {}
    for row in rows:
        if row.get("mask_field", "text") == field:
            by_report.setdefault(str(row["report_id"]), []).append(row)
    spans: dict[str, Spans] = {}
    unreproduced = 0
    for report_id, masks in by_report.items():
        raw = raw_texts.get(report_id)
        if raw is None:
            continue
        masked = masker.spans(raw)
        found = _replay(raw, masked, sorted(masks, key=lambda m: m["mask_text_revision"]))
        if found is None:
            unreproduced += 1
            continue
        if with_redactor_spans:
            found += [(s.start, s.end, s.kind) for s in masked]
        spans[report_id] = sorted(found)
    if unreproduced:
        log.info("%d masked reports left out: their stored text came from another redactor version", unreproduced)
    return spans


def _replay(raw: str, masked: list[Span], masks: list[Mapping]) -> Spans | None:
    """The masks' spans in `raw`, or None when a mask's text is not what masking `raw` again (`masked`) gives."""
    # positions[i]: where character i of the current (masked) text stands in `raw`; None inside a placeholder.
    text, positions, last = [], [], 0
    for span in masked:
        text.append(raw[last : span.start])
        positions.extend(range(last, span.start))
        placeholder = MASK_PLACEHOLDERS[span.kind]
        text.append(placeholder)
        positions.extend([None] * len(placeholder))
        last = span.end
    text.append(raw[last:])
    positions.extend(range(last, len(raw)))
    current = "".join(text)
    found: Spans = []
    for mask in masks:
        start, end, kind = int(mask["mask_start"]), int(mask["mask_end"]), str(mask["mask_kind"])
        if text_sha256(current) != mask["mask_text_sha256"] or not 0 <= start < end <= len(current):
            return None
        inside = positions[start:end]
        if any(p is None for p in inside):
            return None
        found.append((inside[0], inside[-1] + 1, kind))
        placeholder = MASK_PLACEHOLDERS[kind]
        current = current[:start] + placeholder + current[end:]
        positions = positions[:start] + [None] * len(placeholder) + positions[end:]
    return found
