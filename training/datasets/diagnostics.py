"""Warnings about what a dataset does to training, said before (``triase data check``) and during
(``triase train``) it: labels folded or dropped for being rare, too few labels to learn, and a test period
made up differently from training.

Every message names the figures, the setting concerned and what to do; none holds report text.
"""

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from training.data import OTHER_CATEGORY, agency_group
from training.datasets.errors import DatasetError

__all__ = [
    "FOLDED_SHARE_WARNING",
    "LabelOutcome",
    "TooFewLabelsError",
    "composition_warnings",
    "label_outcome",
    "require_labels",
    "source_of",
    "split_warnings",
]

FOLDED_SHARE_WARNING = 0.10
"""Reports whose label is folded or dropped, as a share of all, above which training warns."""

FOLDED_LABELS_WARNING = 0.5
"""Share of the distinct labels folded or dropped above which training warns, however few reports they hold."""

COMPOSITION_GAP = 0.20
"""A source whose share of the test reports exceeds its share of training by this much (and is at least twice
it) makes the test period unlike training."""

_SETTING = {"category": "TRIASE_MIN_REPORTS_PER_CATEGORY", "agency": "TRIASE_MIN_REPORTS_PER_AGENCY"}


class TooFewLabelsError(DatasetError, ValueError):
    """Fewer than two labels are left to learn from under the current minimum counts."""


@dataclass(frozen=True)
class LabelOutcome:
    """What the minimum count does to one kind of label (category or agency) of the de-duplicated reports."""

    kind: Literal["category", "agency"]
    counts: pd.Series
    """Reports per label, most frequent first (agencies grouped as training groups them)."""
    min_count: int
    rare: Literal["fold", "drop"]

    @property
    def kept(self) -> list[str]:
        return [label for label, n in self.counts.items() if n >= self.min_count]

    @property
    def removed(self) -> dict[str, int]:
        """Labels under the minimum and their reports: folded into 'Lainnya' (or dropped)."""
        return {label: int(n) for label, n in self.counts.items() if n < self.min_count}

    @property
    def action(self) -> str:
        return "left out" if self.kind == "category" and self.rare == "drop" else f"folded into '{OTHER_CATEGORY}'"

    @property
    def labels_to_learn(self) -> int:
        """Distinct labels the model is trained on."""
        folded = self.removed and self.action != "left out"
        return len(self.kept) + int(bool(folded) and OTHER_CATEGORY not in self.kept)

    def warnings(self) -> list[str]:
        total, n_removed = int(self.counts.sum()), sum(self.removed.values())
        if not total or not self.removed:
            return []
        share, label_share = n_removed / total, len(self.removed) / len(self.counts)
        if share <= FOLDED_SHARE_WARNING and label_share <= FOLDED_LABELS_WARNING:
            return []
        return [
            f"{len(self.removed)} of {len(self.counts)} {self._plural} ({n_removed} of {total} reports, {share:.0%}) "
            f"have fewer than {self.min_count} reports and are {self.action}; lower {_SETTING[self.kind]} (now "
            f"{self.min_count}) or recode spellings of one {self.kind} into one label (recode, fold_label_spelling)"
        ]

    def too_few_message(self) -> str | None:
        """Why training cannot go on, when fewer than two labels are left; else None."""
        if self.labels_to_learn >= 2:
            return None
        # Dropping needs two labels over the minimum; folding one (the rest become 'Lainnya').
        needed = 2 if self.action == "left out" else 1
        if len(self.counts) < 2:
            fix = f"the data holds {len(self.counts)} distinct {self._plural}: map a column with more, or label more"
        else:
            at_most = int(self.counts.iloc[needed - 1])
            which = "largest" if needed == 1 else "second largest"
            fix = f"lower {_SETTING[self.kind]} to at most {at_most} (the {which} {self.kind} has {at_most} reports)"
        rare = " or train with --rare fold" if self.action == "left out" else ""
        kind = self.kind if self.labels_to_learn == 1 else self._plural
        return (
            f"only {self.labels_to_learn} {kind} left to learn: {len(self.kept)} of {len(self.counts)} have "
            f"at least {self.min_count} reports; {fix}{rare}"
        )

    @property
    def _plural(self) -> str:
        return "categories" if self.kind == "category" else "agencies"


def label_outcome(
    unique: pd.DataFrame, kind: Literal["category", "agency"], min_count: int, rare: Literal["fold", "drop"] = "fold"
) -> LabelOutcome:
    """`unique`: the reports a split is made of (`training.data.labelled_unique`)."""
    labels = unique["label_category"] if kind == "category" else unique["label_agency"].map(agency_group)
    return LabelOutcome(kind, labels.dropna().value_counts(), min_count, rare)


def split_warnings(
    unique: pd.DataFrame,
    train: pd.DataFrame,
    test: pd.DataFrame,
    sources: pd.Series,
    min_reports_per_category: int,
    min_reports_per_agency: int,
    rare: Literal["fold", "drop"],
) -> tuple[list[LabelOutcome], list[str]]:
    """What the minimum counts do to the categories and agencies of `unique`, and every warning about the
    split (the first says so when fewer than two categories are left: `require_labels` refuses to train)."""
    outcomes = [label_outcome(unique, "category", min_reports_per_category, rare)]
    if unique["label_agency"].notna().any():
        outcomes.append(label_outcome(unique, "agency", min_reports_per_agency, rare))
    too_few = outcomes[0].too_few_message()
    warnings = [f"training would stop: {too_few}"] if too_few else []
    warnings += [w for outcome in outcomes for w in outcome.warnings()]
    return outcomes, warnings + composition_warnings(train, test, sources)


def require_labels(categories: LabelOutcome) -> None:
    """Refuse to train on fewer than two categories, saying which setting to change."""
    too_few = categories.too_few_message()
    if too_few is not None:
        raise TooFewLabelsError(too_few)


def source_of(frame: pd.DataFrame) -> pd.Series:
    """The file each loaded report came from, by id (from the importer's per-file counts; reports are in file
    order as loaded)."""
    files = frame.attrs.get("files") or []
    names = np.repeat([f["file"] for f in files], [f["loaded"] for f in files]) if files else []
    if len(names) != len(frame):
        return pd.Series(frame.attrs.get("source", "export"), index=frame["id"].to_numpy())
    return pd.Series(names, index=frame["id"].to_numpy())


def composition_warnings(train: pd.DataFrame, test: pd.DataFrame, sources: pd.Series) -> list[str]:
    """A warning for each source file much more frequent in the test period than in training.

    Only files that ran alongside the others are compared: one whose first report falls in the later half of
    training is a period of its own (a monthly export), which lands in the test period by design.
    """
    train_of = pd.Series(sources.reindex(train["id"]).to_numpy(), index=train.index)
    test_of = pd.Series(sources.reindex(test["id"]).to_numpy(), index=test.index)
    train_share, test_share = train_of.value_counts(normalize=True), test_of.value_counts(normalize=True)
    midpoint = train["created_at"].quantile(0.5) if len(train) else None
    both = pd.concat([train[["created_at"]].assign(source=train_of), test[["created_at"]].assign(source=test_of)])
    warnings = []
    for source, share in test_share.items():
        before = float(train_share.get(source, 0.0))
        if not (before > 0 and share - before >= COMPOSITION_GAP and share >= 2 * before):
            continue
        own = both.loc[both["source"] == source, "created_at"]
        if midpoint is None or own.min() > midpoint:
            continue
        others_until = both.loc[both["source"] != source, "created_at"].max()
        later = (
            f"its reports run until {own.max():%Y-%m-%d}, the other files' until {others_until:%Y-%m-%d}"
            if pd.notna(others_until) and own.max() > others_until
            else "it holds more of the latest reports than of the earlier ones"
        )
        warnings.append(
            f"the test period is made up unlike training: {source} holds {int((test_of == source).sum())} of "
            f"{len(test)} test reports ({share:.0%}) but {before:.0%} of training; {later}: cut the files to a "
            "common period (exclude, or fewer files) or read the test figures with that in mind"
        )
    return warnings
