"""Reviewer decisions as training labels: they override historical labels, and provenance is kept."""

import pandas as pd

LABELS = ("label_category", "label_agency")
HISTORICAL, REVIEWER = "historical", "reviewer"


def apply_reviewer_labels(frame: pd.DataFrame, reviewed: pd.DataFrame | None) -> pd.DataFrame:
    """`frame` with reviewers' labels applied: a copy with a `label_source` column.

    A reviewed report that is in `frame` keeps its row and takes the reviewer's label for each label
    the reviewer gave; a reviewed report that is not (a new report from intake) is appended. The
    reviewed texts are the stored, masked ones, like the dataset texts.
    """
    out = frame.copy()
    out["label_source"] = HISTORICAL
    if reviewed is None or reviewed.empty:
        return out
    reviewed = reviewed.drop_duplicates("id", keep="last").set_index("id")
    known = out["id"].isin(reviewed.index)
    for label in LABELS:
        given = out.loc[known, "id"].map(reviewed[label])
        has = given.notna()
        out.loc[given[has].index, label] = given[has]
        out.loc[given[has].index, "label_source"] = REVIEWER
    new = reviewed.loc[~reviewed.index.isin(out["id"])].reset_index()
    if not new.empty:
        new = new.assign(label_source=REVIEWER)
        timezone = out["created_at"].dt.tz if "created_at" in out and hasattr(out["created_at"], "dt") else None
        if timezone is not None:
            new["created_at"] = pd.to_datetime(new["created_at"], utc=True).dt.tz_convert(timezone)
        out = pd.concat([out, new.reindex(columns=out.columns)], ignore_index=True)
    out.attrs = frame.attrs | {"reviewer_labels": int((out["label_source"] == REVIEWER).sum())}
    return out
