"""``triase data check``: load a dataset without training and say what training would make of it.

The summary holds counts, row numbers, labels, dates and file names, never report text: rows read, filtered
and skipped (per reason, with the first row numbers), labels with their counts and what the minimum counts
would fold or drop, the time range, the split's periods and sizes with the test period's make-up per source
file, personal data masked per kind, and every warning training would give.
"""

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import pandas as pd

from models.settings import Settings, get_settings
from training.data import VALIDATION_FRACTION, labelled_unique, time_ordered_split
from training.datasets import load_dataset, min_reports_per_agency, min_reports_per_category
from training.datasets.diagnostics import LabelOutcome, source_of, split_warnings

__all__ = ["DataCheck", "check_dataset"]

_LABELS_SHOWN = 40


@dataclass(frozen=True)
class Period:
    reports: int
    first: datetime | None
    last: datetime | None

    @classmethod
    def of(cls, frame: pd.DataFrame) -> "Period":
        dates = frame["created_at"].dropna()
        return cls(len(frame), dates.min() if len(dates) else None, dates.max() if len(dates) else None)

    def __str__(self) -> str:
        if self.first is None:
            return f"{self.reports:>6} reports"
        return f"{self.reports:>6} reports  {self.first:%Y-%m-%d %H:%M} .. {self.last:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class DataCheck:
    dataset: str
    attrs: dict[str, Any]
    """The importer's counts: rows_read, filtered, skipped, skip_reasons, files, labels, pii_masked."""
    loaded: int
    undated: int
    unlabelled: int
    period: Period
    split: dict[str, Period]
    """train (what the model is fitted on), validation (where thresholds are chosen) and test."""
    composition: pd.DataFrame
    """Reports per source file in training (train and validation) and in the test period."""
    outcomes: list[LabelOutcome]
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        """The summary as the CLI prints it."""
        a = self.attrs
        out = [
            f"dataset {self.dataset}: {a['rows_read']} rows read, {a.get('filtered', 0)} filtered, "
            f"{a['skipped']} skipped, {self.loaded} loaded ({self.seconds:.1f} s)"
        ]
        files = a.get("files") or []
        if len(files) > 1:
            out.append("files:")
            out += [
                f"  {f['file']}: {f['rows_read']} read, {f['filtered']} filtered, {f['skipped']} skipped, "
                f"{f['loaded']} loaded"
                for f in files
            ]
        if a.get("skip_reasons"):
            out.append("skipped rows, per reason (row numbers count data rows below the header):")
            for reason, entry in sorted(a["skip_reasons"].items(), key=lambda item: -item[1]["rows"]):
                more = ", ..." if entry["rows"] > len(entry["first_rows"]) else ""
                out.append(f"  {entry['rows']:>6}  {reason}  ({', '.join(entry['first_rows'])}{more})")
        for label_field, change in (a.get("labels") or {}).items():
            folded = "; ".join(f"{', '.join(v)} -> {k}" for k, v in change["folded_spellings"].items())
            out.append(
                f"{label_field}: {change['recoded_rows']} rows recoded by the table"
                + (f"; spellings folded: {folded}" if folded else "")
            )
        out.append(
            f"time range: {self.period.first:%Y-%m-%d %H:%M} .. {self.period.last:%Y-%m-%d %H:%M}"
            if self.period.first is not None
            else "time range: no report has a date"
        )
        out.append(
            f"{self.unlabelled} reports without a category and {self.undated} without a date are left out of training"
        )
        for outcome in self.outcomes:
            out.append(
                f"{outcome.kind} labels: {len(outcome.counts)} ({outcome.labels_to_learn} to learn; minimum "
                f"{outcome.min_count} reports, rarer ones {outcome.action}), among the de-duplicated reports:"
            )
            removed = outcome.removed
            for label, n in list(outcome.counts.items())[:_LABELS_SHOWN]:
                out.append(f"  {n:>6}  {label}" + ("   <- " + outcome.action if label in removed else ""))
            if len(outcome.counts) > _LABELS_SHOWN:
                out.append(f"  ... {len(outcome.counts) - _LABELS_SHOWN} more, {len(removed)} of all under the minimum")
        out.append("split (time-ordered; identical texts once):")
        out += [f"  {part:<10} {period}" for part, period in self.split.items()]
        if len(self.composition) > 1:
            out.append("reports per source file (training / test):")
            for source, row in zip(self.composition.index, self.composition.itertuples(), strict=True):
                out.append(f"  {source}: {row.training} / {row.test} ({row.test_share:.0%} of test)")
        masked = a.get("pii_masked") or {}
        out.append("personal data masked (rows per kind): " + ", ".join(f"{k} {v}" for k, v in masked.items()))
        out += [f"warning: {w}" for w in self.warnings]
        return out


def check_dataset(name: str, settings: Settings | None = None, rare: Literal["fold", "drop"] = "fold") -> DataCheck:
    """Load `name` (a registered dataset, a mapping file or a dataset folder) as training would, split it,
    and summarise; raises the loader's errors."""
    started = time.perf_counter()
    settings = settings or get_settings()
    frame = load_dataset(name, settings)
    min_category, min_agency = min_reports_per_category(name, settings), min_reports_per_agency(name, settings)
    unique = labelled_unique(frame)
    # The split training makes (its default test fraction), so the periods shown are the ones it will use.
    split = time_ordered_split(
        frame, min_reports_per_category=min_category, rare=rare, min_reports_per_agency=min_agency
    )
    held = split.holdout(VALIDATION_FRACTION)
    sources = source_of(frame)
    outcomes, warnings = split_warnings(unique, split.train, split.test, sources, min_category, min_agency, rare)
    composition = (
        pd.DataFrame(
            {
                "training": sources.reindex(split.train["id"]).value_counts(),
                "test": sources.reindex(split.test["id"]).value_counts(),
            }
        )
        .fillna(0)
        .astype(int)
    )
    composition["test_share"] = composition["test"] / max(1, len(split.test))
    return DataCheck(
        dataset=frame.attrs.get("dataset", name),
        attrs=dict(frame.attrs),
        loaded=len(frame),
        undated=int(frame["created_at"].isna().sum()),
        unlabelled=int(frame["label_category"].isna().sum()),
        period=Period.of(frame),
        split={"train": Period.of(held.train), "validation": Period.of(held.test), "test": Period.of(split.test)},
        composition=composition.sort_values("test", ascending=False),
        outcomes=outcomes,
        warnings=warnings,
        seconds=time.perf_counter() - started,
    )
