"""Label spellings: a recoding table and the folding of case and spacing, so one category is one label.

An export typed by hand spells one category several ways ("PKL Liar", "PKL liar", "PKL  Liar "). The
mapping's ``recode`` table renames spellings (or empties a label with null); with
``fold_label_spelling`` every label is compared ignoring case and spacing, and each group is spelled
as its most frequent form (ties: the first in alphabetical order, so the result never depends on row order),
its spaces collapsed.
"""

from collections import Counter
from typing import Any

import pandas as pd

__all__ = ["LABEL_RECODE_FIELDS", "LabelNormaliser", "fold_spelling"]

LABEL_RECODE_FIELDS: tuple[str, ...] = ("label_category", "label_agency", "category")
"""Fields holding labels: the official category and agency, and the citizen's category."""


def fold_spelling(label: str) -> str:
    """A label's identity when case and spacing do not count."""
    return " ".join(label.split()).casefold()


class LabelNormaliser:
    """Applies a mapping's ``recode`` table and spelling folding to the label columns of a frame."""

    def __init__(self, recode: dict[str, dict[str, str | None]], fold: bool) -> None:
        self.recode = recode
        self.fold = fold

    def apply(self, frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
        """Rewrite the label columns in place; return, per field, how many rows the table recoded and
        which spellings were folded into which label (labels only, never report text)."""
        changes: dict[str, dict[str, Any]] = {}
        for field in LABEL_RECODE_FIELDS:
            table = self.recode.get(field, {})
            if not (table or self.fold) or field not in frame or frame[field].isna().all():
                continue
            labels = frame[field]
            recoded = 0
            if table:
                key = fold_spelling if self.fold else str.strip
                lookup = {key(spelling): label for spelling, label in table.items()}
                hit = labels.map(lambda v: isinstance(v, str) and key(v) in lookup)
                recoded = int(hit.sum())
                labels = labels.where(~hit, labels.map(lambda v: lookup.get(key(v)) if isinstance(v, str) else v))
            folded: dict[str, list[str]] = {}
            if self.fold:
                labels, folded = _fold_groups(labels)
            frame[field] = labels.astype(object).where(labels.notna(), None)
            if recoded or folded:
                changes[field] = {"recoded_rows": recoded, "folded_spellings": folded}
        return changes


def _fold_groups(labels: pd.Series) -> tuple[pd.Series, dict[str, list[str]]]:
    counts = Counter(v for v in labels if isinstance(v, str))
    groups: dict[str, list[str]] = {}
    for spelling in counts:
        groups.setdefault(fold_spelling(spelling), []).append(spelling)
    canonical: dict[str, str] = {}
    folded: dict[str, list[str]] = {}
    for spellings in groups.values():
        best = " ".join(min(spellings, key=lambda s: (-counts[s], s)).split())
        canonical.update({s: best for s in spellings})
        if spellings != [best]:
            folded[best] = sorted(s for s in spellings if s != best)
    return labels.map(lambda v: canonical.get(v, v) if isinstance(v, str) else v), folded
