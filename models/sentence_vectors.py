"""Sentence vectors of report texts from the offline e5 embedder, loaded once per process and memoised.

With `int8`, the embedder's linear layers are quantised dynamically to 8-bit integers: on these
two cores encoding is ~3x faster (14 instead of 47 ms a report), the vectors keep a cosine of
~0.98 with the float ones, and a head trained on them classifies as well (validation macro-F1
0.506 / 0.583 against 0.493 / 0.594 under fold / drop). A head must be used with the vectors
it was trained on: the memo and the encoders are keyed by the setting. 8-bit vectors are encoded one
text at a time, so a report's vector never depends on the reports sent with it.

The project's sentence vectors are `MAX_TOKENS` tokens, 8-bit (`INT8`): the category and agency
heads and the duplicate index all read them, so the service encodes each report once.
"""

import hashlib
import warnings
from collections import OrderedDict
from pathlib import Path
from threading import Lock

import numpy as np

MAX_TOKENS = 128
"""Tokens read of each report: the problem and its place come first, and attention cost grows with length."""
INT8 = True
PROMPT = "query"
"""e5's prompt for symmetric tasks (classification, semantic similarity)."""

MEMO_SIZE = 20_000
"""Vectors kept: a whole training set, so the probe, final and agency fits encode each text once."""

_encoders: dict[tuple[str, int, bool], object] = {}
_memo: OrderedDict[bytes, np.ndarray] = OrderedDict()
_lock = Lock()


def encoder(embedder_dir: str, max_tokens: int = MAX_TOKENS, int8: bool = INT8):
    """The sentence-transformers model that makes these vectors (loaded once per process and setting)."""
    key = (embedder_dir, max_tokens, int8)
    with _lock:
        if key not in _encoders:
            import torch  # slow to import; only embedding models need it

            from models.embedder import load_embedder

            model = load_embedder(Path(embedder_dir))
            model.max_seq_length = max_tokens
            if int8:
                with warnings.catch_warnings():  # torch 2.13 announces the move of this API to torchao
                    warnings.simplefilter("ignore")
                    model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
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
            return np.zeros((0, model.get_sentence_embedding_dimension()), dtype=np.float32)
        # Length-sorted batches pad less: several times faster on long, mixed texts.
        order = sorted(missing, key=lambda key: len(missing[key]))
        encoded = model.encode(
            [missing[key] for key in order],
            prompt_name=PROMPT,
            # Dynamic 8-bit quantisation scales the activations of a whole batch together: batched, a report's
            # vector would depend on its batch-mates (cosine ~0.99), so the same report could get another answer.
            batch_size=1 if int8 else batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        ).astype(np.float32)
        found.update(zip(order, encoded))
        with _lock:
            _memo.update(zip(order, encoded))
            while len(_memo) > MEMO_SIZE:
                _memo.popitem(last=False)
    return np.vstack([found[key] for key in keys])


def forget() -> None:
    """Drop every memoised vector (benchmarks time encoding, not the memo)."""
    with _lock:
        _memo.clear()
