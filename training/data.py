"""Stage 1 of training: turn a loaded dataset into clean, time-ordered splits."""

import re
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from models.errors import TriaseError
from models.triage import classifier_text

OTHER_CATEGORY = "Lainnya"
"""Label for categories (and agencies) too rare to learn; reviewers see it as 'other'."""

CATEGORY = "label_category"
AGENCY = "label_agency"

LOCAL_OFFICES = ("Kelurahan", "Kecamatan")
"""Every kelurahan or kecamatan office is one routing target: which one follows from the location."""

VALIDATION_FRACTION = 0.15
"""Latest share of the training reports held out to choose the mismatch thresholds."""

_WHITESPACE = re.compile(r"\s+")


def text_key(text: str) -> str:
    """Identity of a text for de-duplication: case and spacing do not make a new report."""
    return _WHITESPACE.sub(" ", text).strip().casefold()


def agency_group(agency: str | None) -> str | None:
    """'Kelurahan Dukuh Setro' -> 'Kelurahan', 'Kecamatan Tambaksari' -> 'Kecamatan', others unchanged."""
    if agency is None or pd.isna(agency):
        return None
    for office in LOCAL_OFFICES:
        if agency == office or agency.startswith(office + " "):
            return office
    return agency


class NothingToSplitError(TriaseError, ValueError):
    """No report has both a category and a timestamp."""


@dataclass(frozen=True)
class Split:
    train: pd.DataFrame
    test: pd.DataFrame
    categories: tuple[str, ...]
    """Categories the model learns, `OTHER_CATEGORY` included when anything was folded."""
    agencies: tuple[str, ...]
    """Agencies the router learns (empty when the dataset has no agency labels)."""

    def summary(self) -> dict[str, int]:
        return {
            "n_train": len(self.train),
            "n_test": len(self.test),
            "n_categories": len(self.categories),
            "n_agencies": len(self.agencies),
        }

    def holdout(self, fraction: float) -> "Split":
        """Split the training part again in time: the latest `fraction` becomes a validation set."""
        n_validation = max(1, round(len(self.train) * fraction))
        train, validation = self.train.iloc[:-n_validation], self.train.iloc[-n_validation:]
        return Split(train, validation, _labels(train, CATEGORY), _labels(train, AGENCY))


def deduplicate(frame: pd.DataFrame) -> pd.DataFrame:
    """Keep the earliest report of every group of identical texts.

    Resubmissions of one complaint would otherwise land on both sides of the split and
    reward memorisation.
    """
    ordered = frame.sort_values("created_at", kind="stable")
    keys = ordered["text"].map(text_key)
    return ordered.loc[~keys.duplicated(keep="first")]


def labelled_unique(frame: pd.DataFrame) -> pd.DataFrame:
    """The reports a split is made of: those with a category and a timestamp, identical texts once, in time
    order."""
    labelled = frame.loc[frame[CATEGORY].notna() & frame["created_at"].notna()]
    if labelled.empty:
        raise NothingToSplitError(
            f"no reports with both '{CATEGORY}' and 'created_at' to split: map columns.label_category and "
            "columns.created_at to columns holding them (a constant label_category, for a channel of one kind)"
        )
    return deduplicate(labelled).reset_index(drop=True)


def fold_rare(labels: pd.Series, min_count: int) -> pd.Series:
    counts = labels.value_counts()
    kept = set(counts[counts >= min_count].index)
    return labels.where(labels.isin(kept) | labels.isna(), OTHER_CATEGORY)


def time_ordered_split(
    frame: pd.DataFrame,
    test_fraction: float = 0.2,
    min_reports_per_category: int = 50,
    rare: Literal["fold", "drop"] = "fold",
    min_reports_per_agency: int | None = None,
) -> Split:
    """Train on the earlier reports, test on the latest `test_fraction`.

    Rows without a category or a timestamp are dropped and identical texts de-duplicated
    first. Agencies are grouped (`agency_group`). Categories with fewer than
    `min_reports_per_category` reports in the de-duplicated data, and agencies with fewer than
    `min_reports_per_agency` (default: the same number), are folded into `OTHER_CATEGORY`.
    Counting over the whole history follows the published protocol; a category that is frequent
    late but unseen in training stays in the test set, where evaluation reports it separately
    instead of hiding it. With `rare="drop"` reports of
    rare categories are left out instead, as in the published Surabaya baseline.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    unique = labelled_unique(frame)
    agency_minimum = min_reports_per_category if min_reports_per_agency is None else min_reports_per_agency
    unique[AGENCY] = fold_rare(unique[AGENCY].map(agency_group), agency_minimum)
    if rare == "drop":
        counts = unique[CATEGORY].value_counts()
        unique = unique.loc[unique[CATEGORY].isin(counts[counts >= min_reports_per_category].index)]
        unique = unique.reset_index(drop=True)
    else:
        unique[CATEGORY] = fold_rare(unique[CATEGORY], min_reports_per_category)
    n_test = max(1, round(len(unique) * test_fraction))
    train, test = unique.iloc[:-n_test].copy(), unique.iloc[-n_test:].copy()
    return Split(train, test, _labels(train, CATEGORY), _labels(train, AGENCY))


def texts_of(frame: pd.DataFrame) -> list[str]:
    """What the classifiers read from loaded (already masked) reports, as at serving time."""
    titles = frame["title"].fillna("")
    return [classifier_text(title, text) for title, text in zip(titles, frame["text"])]


def _labels(frame: pd.DataFrame, column: str) -> tuple[str, ...]:
    return tuple(sorted(set(frame[column].dropna())))
