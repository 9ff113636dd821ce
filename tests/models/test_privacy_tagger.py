"""The learned name tagger: scikit-learn contract, BIO labels and decoding, how it joins the rules, and that it
learns what makes a word a name rather than which names it saw. Every text and name here is made up."""

import io
import pickle

import joblib
import numpy as np
from made_up_names import TRAINING, annotated, fitted, made_up_word
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from models.bundle import ModelBundle
from models.privacy.pattern import Span
from models.privacy.redactor import redact_spans, redactor_version
from models.privacy.tagger import (
    LABELS,
    RULES_ONLY,
    Masker,
    NameTagger,
    combined_spans,
    decode_names,
    token_labels,
)
from models.privacy.tagger_features import WORD_CACHE_SIZE, token_features, tokens, word_identity
from models.report import Report
from models.triage import mask_report, mask_reports


def test_sklearn_contract():
    tagger = NameTagger(C=2.0, threshold=0.4, with_rules=False)
    assert clone(tagger).get_params() == tagger.get_params()
    assert not [name for name in vars(tagger) if name.endswith("_")]  # nothing fitted in __init__
    tagger.fit(*map(list, zip(*TRAINING, strict=True)))
    check_is_fitted(tagger)
    predictions = tagger.predict(["Jalan rusak.", ""])
    assert len(predictions) == 2 and predictions[1] == []


def test_bio_labels_carry_the_owner():
    text, spans = annotated(
        "Saya Dewi Lestari dan Pak Bambang Sutrisno", ("Dewi Lestari", "self"), ("Bambang Sutrisno", "other")
    )
    assert token_labels(tokens(text), spans) == ["O", "B-SELF", "I-SELF", "O", "O", "B-OTHER", "I-OTHER"]


def test_decoding_joins_blank_separated_tokens_and_stops_at_punctuation():
    text = "Dewi Lestari, Dimas"
    words = tokens(text)
    probabilities = np.array([[0.1, 0.8, 0.1, 0, 0], [0.2, 0, 0.7, 0.1, 0], [0.3, 0, 0, 0.7, 0]])
    assert decode_names(text, words, probabilities, threshold=0.5) == [(0, 12, "self"), (14, 19, "other")]
    assert decode_names(text, words, probabilities, threshold=0.85) == [(0, 4, "self")]


def test_decoding_trims_words_never_a_name_on_their_own():
    text = "Bapak Dimas"
    words = tokens(text)
    assert decode_names(text, words, np.array([[0.1, 0, 0, 0.9, 0], [0.9, 0, 0, 0.1, 0]]), threshold=0.5) == []
    assert decode_names(text, words, np.array([[0.1, 0, 0, 0.9, 0], [0.1, 0, 0, 0, 0.9]]), threshold=0.5) == [
        (6, 11, "other")
    ]


def test_decoding_can_ask_a_single_word_to_be_a_listed_given_name():
    text = "Lapor Dewi, Zorvek"  # a listed given name, then a made-up word in no list
    words = tokens(text)
    probabilities = np.array([[0.9, 0, 0, 0.1, 0], [0.1, 0, 0, 0.9, 0], [0.1, 0, 0, 0.9, 0]])
    assert decode_names(text, words, probabilities, 0.5) == [(6, 10, "other"), (12, 18, "other")]
    assert decode_names(text, words, probabilities, 0.5, unlisted_single_words=False) == [(6, 10, "other")]


def test_finds_an_unseen_name_in_an_unseen_layout_from_its_features():
    # No training text opens with "Salam dari" or holds these names: capitals, the given-name list, the
    # line break before a short last line and the closing words carry over.
    tagger = fitted(with_rules=False, threshold=0.3, C=3.0)
    text = "Got di gang tiga meluap tiap hujan deras.\\nSalam dari\\nDimas Saputro"
    found = [(text[start:end], owner) for start, end, owner in tagger.predict([text])[0]]
    assert found == [("Dimas Saputro", "self")]
    assert tagger.predict(["Got di gang tiga meluap tiap hujan deras, mohon dibersihkan."]) == [[]]


def test_the_fitted_tagger_memorises_no_name():
    # Features are hashed and a word's own identity is kept only for ordinary words, so neither a training name
    # nor its pieces are in the saved model.
    buffer = io.BytesIO()
    joblib.dump(fitted(), buffer)
    saved = buffer.getvalue().lower()
    for name in ("rohmawati", "astuti", "pratomo", "santoso", "purnomo", "prasetyo", "wulandari", "setiawan"):
        assert name.encode() not in saved
    assert word_identity("rohmawati") is None and word_identity("siti") is None
    assert word_identity("warga") == "warga" and word_identity("saya") == "saya"


def test_combined_keeps_the_rules_and_adds_the_tagger_names_elsewhere():
    rules = [Span(10, 24, "nama", "self"), Span(30, 42, "telepon")]
    tagger_names = [(12, 20, "other"), (50, 62, "self")]
    combined = combined_spans("x" * 70, tagger_names, rules)
    assert combined == [Span(10, 24, "nama", "self"), Span(30, 42, "telepon"), Span(50, 62, "nama", "self")]


def test_combined_without_tagger_names_is_the_redactor():
    from models.privacy.redactor import redact_spans

    text = "Nama saya Wahyu Hidayanto, HP 081234567890."
    assert combined_spans(text, []) == redact_spans(text)


def test_every_label_has_a_probability_column():
    tagger = fitted()
    words, probabilities = tagger.token_probabilities(["Saya Dewi Lestari melapor."])[0]
    assert probabilities.shape == (len(words), len(LABELS))
    assert np.allclose(probabilities.sum(axis=1), 1.0)


CLOSING_ONLY = "NIK 3578012345678901. Got di gang tiga meluap tiap hujan deras.\\nDimas Saputro"
"""A writer's name alone on a closing line, after no closing word: no rule finds it, the tagger does."""


def test_the_masker_adds_the_tagger_names_to_the_rules_and_names_the_tagger_in_its_version():
    rules = [(CLOSING_ONLY[s.start : s.end], s.kind) for s in redact_spans(CLOSING_ONLY)]
    assert rules == [("3578012345678901", "nik")]
    assert RULES_ONLY.spans(CLOSING_ONLY) == redact_spans(CLOSING_ONLY) and RULES_ONLY.version == redactor_version()
    masker = Masker(fitted())
    found = [(CLOSING_ONLY[s.start : s.end], s.kind, s.owner) for s in masker.spans(CLOSING_ONLY)]
    assert found == [("3578012345678901", "nik", None), ("Dimas Saputro", "nama", "self")]
    assert masker.version.startswith(f"{redactor_version()}+") and len(masker.version) <= 64
    assert Masker(fitted()).version == masker.version  # the same fit is the same masking
    assert Masker(fitted(C=3.0)).version != masker.version


def test_a_served_bundle_masks_with_its_tagger_and_bundles_without_one_with_the_rules():
    bundle = object.__new__(ModelBundle)  # as a bundle pickled before the tagger unpickles: no name_tagger attribute
    assert bundle.name_tagger is None and bundle.masker.version == redactor_version()
    bundle.name_tagger = fitted()
    del bundle.masker
    masker = bundle.masker
    loaded = pickle.loads(pickle.dumps(bundle))
    assert "masker" not in vars(loaded)  # made again from the tagger, never pickled
    assert loaded.masker.version == masker.version != redactor_version()
    assert mask_report(Report(id="t-1", text=CLOSING_ONLY), Masker(fitted())).text == (
        "NIK [NIK]. Got di gang tiga meluap tiap hujan deras.\\n[NAMA]"
    )


def test_masking_reports_together_finds_what_masking_each_alone_finds():
    masker = Masker(fitted())
    texts = [CLOSING_ONLY, "", "Got di gang tiga meluap.", "Saya Dewi Lestari, warga RT 03.\\nSalam\\nDimas Saputro"]
    assert masker.spans_many(texts) == [masker.spans_many([text])[0] for text in texts]
    reports = [Report(id=f"t-{i}", text=text or "-") for i, text in enumerate(texts)]
    assert mask_reports(reports, masker) == [mask_report(report, masker) for report in reports]


def test_the_words_remembered_between_texts_are_bounded():
    # A serving process meets new words (names among them) for as long as it lives: what the features keep of
    # them between texts must not grow with every one.
    made_up = [made_up_word("Zor", i) for i in range(WORD_CACHE_SIZE + 500)]
    for start in range(0, len(made_up), 200):
        token_features(" ".join(made_up[start : start + 200]), [])
    from models.privacy import tagger_features

    for remembered in (tagger_features._word_kinds, tagger_features.word_identity, tagger_features._context_features):
        assert remembered.cache_info().currsize <= 4 * WORD_CACHE_SIZE
    assert tagger_features._word_kinds.cache_info().currsize <= WORD_CACHE_SIZE


def test_numbers_are_described_by_their_length_alone_and_remembered_once():
    from models.privacy import tagger_features

    first = token_features("Lampu mati di RT 101, rumah nomor 108", [])[1]
    misses = tagger_features._word_kinds.cache_info().misses
    for n in range(102, 400):
        assert token_features(f"Lampu mati di RT {n}, rumah nomor {n + 7}", [])[1] == first
    assert tagger_features._word_kinds.cache_info().misses == misses  # no number took an entry of its own


def test_features_without_the_rules_are_those_with_them_less_the_rules_decisions():
    text = "Saya Dewi Lestari, HP 0812 3456 7890.\\nSalam\\nDimas Saputro"
    words, with_rules = token_features(text, redact_spans(text))
    assert token_features(text, [], with_rules=False)[0] == words
    for kept, without in zip(with_rules, token_features(text, [], with_rules=False)[1], strict=True):
        assert len(set(kept)) == len(kept)  # each feature once: hashing them sums nothing twice
        decisions = {name for name in kept if name.split("=")[0].split(":")[-1] in ("rule", "rule_starts")}
        assert decisions and set(without) == set(kept) - decisions
