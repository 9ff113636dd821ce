"""The e5 encoder fine-tuned as a name tagger: scikit-learn contract, and that it learns to tag a name it never saw
where the training texts put names. Every text and name here is made up."""

import pytest
from made_up_names import TRAINING, annotated
from sklearn.base import clone

from models.privacy.name_transformer import TransformerNameTagger
from models.privacy.tagger import combined_spans


def test_sklearn_contract():
    tagger = TransformerNameTagger(encoder_dir="somewhere", epochs=3, threshold=0.6)
    assert clone(tagger).get_params() == tagger.get_params()
    assert not hasattr(tagger, "model_")
    with pytest.raises(ValueError, match="encoder_dir"):
        TransformerNameTagger().fit(["Nama saya Siti Rohmawati"], [[(10, 24, "self")]])


def test_learns_to_tag_an_unseen_name_where_names_stand(embedder_dir):
    texts, spans = zip(*(TRAINING * 4), strict=True)
    tagger = TransformerNameTagger(encoder_dir=embedder_dir, epochs=12, batch_size=8, threshold=0.5)
    tagger.fit(list(texts), list(spans))
    text, gold = annotated("Nama saya Wulan Sekarsari, warga Mulyorejo. Got mampet.", ("Wulan Sekarsari", "self"))
    no_name = "Trotoar rusak di depan pasar, mohon diperbaiki."
    found, nothing = tagger.predict([text, no_name])
    # A few dozen texts teach where a name stands, not yet always where it begins: the tagged words lie in the name.
    ((name_start, name_end, _),) = gold
    assert found and all(name_start <= start < end <= name_end for start, end, _ in found), found
    assert nothing == []
    words, probabilities = tagger.token_probabilities([no_name])[0]
    assert probabilities.shape == (len(words), 5) and abs(probabilities.sum(axis=1) - 1).max() < 1e-5
    # Beside the rules it adds only where no rule span lies: here the rules' mask of the whole name stands.
    assert [(s.start, s.end) for s in combined_spans(text, found)] == [(name_start, name_end)]
