"""Fold owner labels of name spans into the PII annotation (``annotations/pii_surabaya.jsonl``).

An annotator labels every existing ``nama`` span with whose name it is, in a file of one JSON object per
line: ``{"id": 155430, "start": 29, "end": 32, "owner": "self"}`` (``self``: the reporter naming
themself; ``other``: anyone else; see the guidelines' "Owner of a name"). This step writes each label as
the fourth element of its span (``[29, 32, "nama", "self"]``) and leaves everything else as it was, so it
can be run again as more labels arrive (a later label of a span replaces an earlier one). Only ids,
offsets and labels are read and written: no text.

    python -m training.fold_name_owners /work/annot19/owners.jsonl   # rewrites data/annotations/pii_surabaya.jsonl
"""

import argparse
import json
from collections import Counter
from pathlib import Path

from models.settings import get_settings
from training.evaluate_pii import ANNOTATIONS, OWNERS

__all__ = ["OwnerLabelError", "fold_name_owners", "read_owner_labels"]


class OwnerLabelError(ValueError):
    """An owner label that cannot be folded: the message names the file, the line and the fix."""


def read_owner_labels(path: Path) -> dict[tuple[int, int, int], str]:
    """(report id, start, end) -> owner, from a labels file; the last label of a span wins."""
    labels: dict[tuple[int, int, int], str] = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            where = f"{path}, line {number}"
            try:
                row = json.loads(line)
                key = (int(row["id"]), int(row["start"]), int(row["end"]))
                owner = row["owner"]
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise OwnerLabelError(
                    f"{where}: not a label ({exc}); write one JSON object with integer id, start, end and an owner"
                ) from exc
            if owner not in OWNERS:
                raise OwnerLabelError(f"{where}: owner {owner!r} is none of {', '.join(OWNERS)}; use one of them")
            labels[key] = owner
    return labels


def fold_name_owners(annotation_path: Path, labels: dict[tuple[int, int, int], str]) -> Counter:
    """Write ``labels`` into the ``nama`` spans of ``annotation_path`` (in place); how many spans got each owner.

    Every label must name an existing ``nama`` span exactly (same id, start and end); otherwise nothing is
    written and :class:`OwnerLabelError` says which label and why.
    """
    lines = annotation_path.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    name_spans = {
        (int(row["id"]), int(span[0]), int(span[1])): span for row in rows for span in row["spans"] if span[2] == "nama"
    }
    unknown = [key for key in labels if key not in name_spans]
    if unknown:
        rid, start, end = unknown[0]
        raise OwnerLabelError(
            f"{len(unknown)} labels name no nama span of {annotation_path}, first id {rid} [{start}, {end}): "
            "label only existing nama spans, with their offsets as annotated"
        )
    counts: Counter = Counter()
    for key, owner in labels.items():
        span = name_spans[key]
        del span[3:]
        span.append(owner)
        counts[owner] += 1
    annotation_path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", type=Path, help="owner labels, one JSON object per line")
    args = parser.parse_args()
    annotation_path = Path(get_settings().assets_dir) / ANNOTATIONS
    try:
        counts = fold_name_owners(annotation_path, read_owner_labels(args.labels))
    except OwnerLabelError as exc:
        raise SystemExit(f"error: {exc}") from None
    print(json.dumps({"annotation": str(annotation_path), "labelled": dict(counts)}))


if __name__ == "__main__":
    main()
