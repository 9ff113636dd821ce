"""The label audit finds labels we corrupted on purpose."""

import numpy as np

from models.category import TextClassifier
from training.audit import AUDIT_COLUMNS, audit_labels
from training.datasets import load_dataset


def test_corrupted_labels_rank_among_the_most_suspicious():
    frame = load_dataset("demo").copy()
    rng = np.random.default_rng(7)
    corrupted = rng.choice(len(frame), size=12, replace=False)
    categories = sorted(frame["label_category"].unique())
    for i in corrupted:
        given = frame.at[i, "label_category"]
        frame.at[i, "label_category"] = categories[(categories.index(given) + 5) % len(categories)]

    result = audit_labels(
        frame, TextClassifier(max_word_features=5000, max_char_features=10000), min_reports_per_category=10
    )

    assert result.n_audited == len(frame)
    assert tuple(result.issues.columns) == AUDIT_COLUMNS
    assert result.issues["score"].is_monotonic_decreasing
    top = set(result.issues["id"].head(24))
    found = {frame.at[i, "id"] for i in corrupted} & top
    assert len(found) >= 9, f"only {len(found)} of 12 corrupted labels in the top 24"
    flagged = result.issues.set_index("id")
    for i in corrupted:
        report_id = frame.at[i, "id"]
        if report_id in flagged.index:
            assert flagged.at[report_id, "given_label"] == frame.at[i, "label_category"]
