"""The fine-tuning probe of issue 3 learns from its training texts (made-up reports, the shared embedder)."""

from pathlib import Path

import numpy as np
import torch

from models.embedder import load_embedder
from training.finetune import TopLayerFineTuner

LIGHTS = ["Lampu PJU di Jalan Mawar mati sejak seminggu", "lampu jalan padam gelap sekali", "PJU mati total di gang 3"]
RUBBISH = ["Sampah menumpuk di pinggir sungai", "tumpukan sampah belum diangkut", "bau sampah di TPS tidak diambil"]


def test_the_top_layers_and_head_learn_to_separate_two_topics(shared_embedder_dir):
    texts, labels = LIGHTS + RUBBISH, np.array(["lampu"] * 3 + ["sampah"] * 3)
    tuner = TopLayerFineTuner(shared_embedder_dir, top_layers=1, epochs=30).fit(texts, labels, progress=len)

    proba = tuner.predict_proba(texts)
    assert list(tuner.classes_) == ["lampu", "sampah"]
    assert np.allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    assert list(tuner.classes_[proba.argmax(axis=1)]) == list(labels)

    loaded = load_embedder(Path(shared_embedder_dir))[0].auto_model.encoder.layer
    trained = tuner.bert_.encoder.layer
    assert torch.equal(trained[0].output.dense.weight, loaded[0].output.dense.weight)  # frozen
    assert not torch.equal(trained[-1].output.dense.weight, loaded[-1].output.dense.weight)  # fine-tuned
