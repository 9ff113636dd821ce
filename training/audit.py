"""Label audit: historical reports whose recorded category is probably wrong.

Every report is scored by a model that did not train on it (cross-validated probabilities),
then cleanlab's confident learning picks the reports whose given label is unlikely given
how confidently the model predicts each class elsewhere. The data team reviews the list,
most suspicious first; nothing is relabelled automatically.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from cleanlab.filter import find_label_issues
from cleanlab.rank import get_label_quality_scores
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from models.category import TextClassifier
from training.data import CATEGORY, deduplicate, fold_rare, texts_of

AUDIT_COLUMNS = ("id", "given_label", "suggested_label", "score")


@dataclass(frozen=True)
class AuditResult:
    issues: pd.DataFrame
    """One row per suspected label error: id, given and suggested label, score (higher = more suspicious)."""
    n_audited: int


def audit_labels(
    frame: pd.DataFrame, classifier: TextClassifier, min_reports_per_category: int = 50, folds: int = 5, seed: int = 0
) -> AuditResult:
    labelled = deduplicate(frame.loc[frame[CATEGORY].notna()]).reset_index(drop=True)
    labels = fold_rare(labelled[CATEGORY], min_reports_per_category).to_numpy(dtype=object)
    classes, codes = np.unique(labels, return_inverse=True)
    proba = cross_val_predict(
        classifier,
        texts_of(labelled),
        codes,
        cv=StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed),
        method="predict_proba",
    )
    flagged = find_label_issues(codes, proba, filter_by="prune_by_noise_rate")
    quality = get_label_quality_scores(codes, proba, method="self_confidence")
    issues = pd.DataFrame(
        {
            "id": labelled["id"].to_numpy()[flagged],
            "given_label": labels[flagged],
            "suggested_label": classes[proba[flagged].argmax(axis=1)],
            "score": 1.0 - quality[flagged],
        }
    ).sort_values("score", ascending=False, kind="stable")
    return AuditResult(issues=issues.reset_index(drop=True), n_audited=len(labelled))
