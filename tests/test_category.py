"""The text classifier honours scikit-learn's estimator contract and ranks sensibly."""

import numpy as np
import pytest
from sklearn.base import clone

from models.category import TextClassifier
from training.datasets import load_dataset

SMALL = dict(max_word_features=5000, max_char_features=10000)


@pytest.fixture(scope="module")
def demo():
    return load_dataset("demo")


def test_estimator_contract(demo):
    model = TextClassifier(**SMALL)
    assert clone(model).get_params() == model.get_params()
    assert not hasattr(model, "classes_")
    model.fit(demo["text"], demo["label_category"])
    assert set(model.classes_) == set(demo["label_category"])


def test_probabilities_and_top_k(demo):
    model = TextClassifier(**SMALL).fit(demo["text"][:300], demo["label_category"][:300])
    texts = ["Lampu PJU di gang kami mati total sejak kemarin malam", "Air PDAM tidak mengalir dua hari"]
    proba = model.predict_proba(texts)
    assert np.allclose(proba.sum(axis=1), 1.0)
    ranked = model.top_k(texts, k=3)
    assert [len(r) for r in ranked] == [3, 3]
    assert all(r[0][1] >= r[1][1] >= r[2][1] for r in ranked)
    assert [r[0][0] for r in ranked] == ["PJU", "Pelayanan PDAM"]
    assert list(model.predict(texts)) == ["PJU", "Pelayanan PDAM"]


def test_fit_refuses_mismatched_or_single_label_input():
    with pytest.raises(ValueError, match="2 texts but y has 1"):
        TextClassifier().fit(["a", "b"], ["x"])
    with pytest.raises(ValueError, match="two distinct labels"):
        TextClassifier().fit(["a", "b"], ["x", "x"])
