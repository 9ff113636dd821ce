"""The torch-only 8-bit encoder gives bit-for-bit the vectors of the sentence-transformers model with the same 8-bit
layers, and encoding with it never imports sentence-transformers or transformers.

Report texts hold personal data: assertion messages carry indices, never the texts.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from test_embedder import OTHER_SCRIPTS, TRICKY, WRITTEN

from models import sentence_vectors
from models.embedder import load_embedder
from models.int8_encoder import Int8Encoder
from models.int8_weights import INT8_WEIGHTS_FILE, quantise_embedder
from models.sentence_vectors import INT8_SCHEME, MAX_TOKENS, PROMPT, encode_unpadded

REPO = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("TRIASE_DATA_DIR", REPO.parent / "shared" / "data"))
REPORTS_CSV = DATA_DIR / "surabaya_mediacenter" / "surabaya_mediacenter_keluhan_2022_2023.csv"

TEXTS = [
    *TRICKY,
    *OTHER_SCRIPTS,
    *pd.read_csv(REPO / "data" / "demo" / "reports.csv")["text"].dropna().astype(str).iloc[::9],
    *("kata " * n for n in (60, 125, 126, 300)),  # around and over the 128 tokens read
]
"""Every kind of text the tokenizer tests know, 40 demo reports, and texts cut at 128 tokens: about 40 token
lengths, so 40 batches (a forward pass costs seconds on this shared machine when other processes are busy)."""


@pytest.fixture(scope="module")
def reference(shared_embedder_dir):
    """The sentence-transformers model with the stored 8-bit layers, as the service encoded before."""
    model = quantise_embedder(load_embedder(Path(shared_embedder_dir)), Path(shared_embedder_dir), INT8_SCHEME)
    model.max_seq_length = MAX_TOKENS
    return model


@pytest.fixture(scope="module")
def int8_encoder(shared_embedder_dir, reference):  # reference first: it stores the 8-bit layers where none are
    return Int8Encoder.load(Path(shared_embedder_dir), MAX_TOKENS, INT8_SCHEME)


def _prompted(model, texts):
    return model.preprocess([model.prompts[PROMPT] + text for text in texts])


def _encoded(model, texts: list[str], batch_size: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """Sentence vectors of `texts` (in order) and the final token states of each batch, from one pass."""
    vectors, states = np.zeros((len(texts), model.get_embedding_dimension()), dtype=np.float32), []
    for positions, batch in sentence_vectors._length_batches(model, texts, batch_size):
        output = sentence_vectors._forward(model, batch, threads=1)
        vectors[positions] = output["sentence_embedding"].numpy()
        states.append(output["token_embeddings"].numpy().copy())
    return vectors, states


def test_the_tokens_are_the_sentence_transformers_models(reference, int8_encoder):
    ours, theirs = _prompted(int8_encoder, TEXTS), _prompted(reference, TEXTS)
    assert torch.equal(ours["input_ids"], theirs["input_ids"])
    assert torch.equal(ours["attention_mask"], theirs["attention_mask"])
    assert ours["attention_mask"].sum(dim=1).max() == MAX_TOKENS


@pytest.mark.parametrize("batch_size", [32, 1])
def test_vectors_and_token_states_are_bit_for_bit_the_sentence_transformers_models(reference, int8_encoder, batch_size):
    texts = TEXTS if batch_size > 1 else WRITTEN
    (ours, our_states), (theirs, their_states) = (
        _encoded(int8_encoder, texts, batch_size),
        _encoded(reference, texts, batch_size),
    )
    differ = np.flatnonzero(~(ours == theirs).all(axis=1))
    assert not differ.size, f"{differ.size}/{len(texts)} vectors differ, texts {differ[:10].tolist()}"
    assert len(our_states) == len(their_states)
    differ = [i for i, (a, b) in enumerate(zip(our_states, their_states)) if not np.array_equal(a, b)]
    assert not differ, f"token states of batches {differ[:10]} differ"


@pytest.mark.real_data
def test_real_reports_get_the_sentence_transformers_models_vectors(reference, int8_encoder):
    if not REPORTS_CSV.is_file():
        pytest.skip(f"real reports not found under {DATA_DIR}")
    texts = pd.read_csv(REPORTS_CSV, usecols=["keluhan"])["keluhan"].dropna().astype(str)
    texts = texts.sample(n=200, random_state=0).tolist()
    ours, theirs = encode_unpadded(int8_encoder, texts, 32), encode_unpadded(reference, texts, 32)
    differ = np.flatnonzero(~(ours == theirs).all(axis=1))
    assert not differ.size, f"{differ.size}/{len(texts)} vectors differ, texts {differ[:10].tolist()}"


def test_a_padded_batch_is_refused(int8_encoder):
    tokens = _prompted(int8_encoder, ["jalan rusak", "lampu jalan mati sejak seminggu"])
    with pytest.raises(ValueError, match="unpadded"):
        int8_encoder({name: tokens[name] for name in ("input_ids", "attention_mask")})


def test_without_stored_8_bit_layers_they_are_quantised_and_stored(shared_embedder_dir, int8_encoder, tmp_path):
    folder = tmp_path / "embedder"
    folder.mkdir()
    for entry in Path(shared_embedder_dir).iterdir():
        if entry.name != INT8_WEIGHTS_FILE:
            (folder / entry.name).symlink_to(entry)
    fresh = Int8Encoder.load(folder, MAX_TOKENS, INT8_SCHEME)
    assert (folder / INT8_WEIGHTS_FILE).is_file()
    assert np.array_equal(encode_unpadded(fresh, WRITTEN, 32), encode_unpadded(int8_encoder, WRITTEN, 32))


ENCODE_IN_A_FRESH_PROCESS = """
import json
import sys
from pathlib import Path

from models import sentence_vectors
from models.embedder import WEIGHTS_FILE

folder = Path(sys.argv[1])
sentence_vectors.sentence_vectors(["lampu jalan mati"], str(folder))
weights = str((folder / WEIGHTS_FILE).resolve())
maps = [line.split(maxsplit=5) for line in open("/proc/self/maps")]
print(json.dumps({
    "imported": sorted({"sentence_transformers", "transformers"} & set(sys.modules)),
    "offsets": [int(fields[2], 16) for fields in maps if len(fields) == 6 and fields[5].strip() == weights],
}))
"""


def test_encoding_imports_neither_sentence_transformers_nor_transformers_and_maps_none_of_the_weights_file(
    shared_embedder_dir,
):
    # The service's start-up imports what encoding imports: these two packages cost 3 s CPU of it. Nothing of the
    # float weights file stays mapped: the word embeddings are read row by row (`models.embedder.FileRows`).
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(
        [sys.executable, "-c", ENCODE_IN_A_FRESH_PROCESS, shared_embedder_dir],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(result.stdout)
    assert found["imported"] == []
    assert found["offsets"] == []
