"""Stage 1 of training: turn a loaded dataset into clean, time-ordered train and test splits."""

import re
from dataclasses import dataclass
from typing import Literal

import pandas as pd

OTHER_CATEGORY = "Lainnya"
"""Label for categories too rare to learn; reviewers see it as 'other'."""

_WHITESPACE = re.compile(r"\s+")


def text_key(text: str) -> str:
    """Identity of a text for de-duplication: case and spacing do not make a new report."""
    return _WHITESPACE.sub(" ", text).strip().casefold()


@dataclass(frozen=True)
class Split:
    train: pd.DataFrame
    test: pd.DataFrame
    categories: tuple[str, ...]
    """Categories the model learns, `OTHER_CATEGORY` included when anything was folded."""

    def summary(self) -> dict[str, int]:
        return {
            "n_train": len(self.train),
            "n_test": len(self.test),
            "n_categories": len(self.categories),
        }


def deduplicate(frame: pd.DataFrame) -> pd.DataFrame:
    """Keep the earliest report of every group of identical texts.

    Resubmissions of one complaint would otherwise land on both sides of the split and
    reward memorisation.
    """
    ordered = frame.sort_values("created_at", kind="stable")
    keys = ordered["text"].map(text_key)
    return ordered.loc[~keys.duplicated(keep="first")]


def time_ordered_split(
    frame: pd.DataFrame,
    label: str = "label_category",
    test_fraction: float = 0.2,
    min_reports_per_category: int = 50,
    rare: Literal["fold", "drop"] = "fold",
) -> Split:
    """Train on the earlier reports, test on the latest `test_fraction`.

    Rows without a label are dropped, identical texts are de-duplicated first, and
    categories with fewer than `min_reports_per_category` reports in the de-duplicated data
    are folded into `OTHER_CATEGORY`. Counting over the whole history follows the published
    protocol; a category that is frequent late but unseen in training stays in the test set,
    where evaluation reports it separately instead of hiding it. With `rare="drop"` those
    reports are left out instead, as in the published Surabaya baseline.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    labelled = frame.loc[frame[label].notna() & frame["created_at"].notna()]
    if labelled.empty:
        raise ValueError(f"no reports with both '{label}' and 'created_at' to split")
    unique = deduplicate(labelled).reset_index(drop=True)
    counts = unique[label].value_counts()
    kept = set(counts[counts >= min_reports_per_category].index)
    if rare == "drop":
        unique = unique.loc[unique[label].isin(kept)].reset_index(drop=True)
    else:
        unique[label] = unique[label].where(unique[label].isin(kept), OTHER_CATEGORY)
    n_test = max(1, round(len(unique) * test_fraction))
    train, test = unique.iloc[:-n_test].copy(), unique.iloc[-n_test:].copy()
    categories = tuple(sorted(set(train[label])))
    return Split(train=train, test=test, categories=categories)
