"""Training stages on a slice of the real Surabaya export (skipped where it is absent)."""

import pytest

from models.category import TextClassifier
from training.data import time_ordered_split
from training.datasets import load_dataset
from training.train import fit_and_evaluate

pytestmark = pytest.mark.real_data


def test_a_model_trained_on_earlier_reports_predicts_later_ones(surabaya_available):
    frame = load_dataset("surabaya_mediacenter").sort_values("created_at").head(3000)
    split = time_ordered_split(frame, min_reports_per_category=30)
    assert split.train["created_at"].max() <= split.test["created_at"].min()

    model, sections = fit_and_evaluate(split, TextClassifier(max_word_features=20_000, max_char_features=40_000))
    metrics = sections["category"]

    majority_share = split.test["label_category"].value_counts(normalize=True).iloc[0]
    assert metrics["accuracy"] > majority_share + 0.2
    assert metrics["top3_accuracy"] > metrics["accuracy"]
    assert metrics["accuracy_at_coverage_50"] > metrics["accuracy"]
    assert set(model.categories) == set(split.categories)
    assert sections["agency"]["accuracy"] > metrics["accuracy"]  # fewer, broader targets
    assert sections["mismatch"]["recall"] > 0.2
