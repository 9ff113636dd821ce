"""What the duplicate index keeps of a report's words: a hash for exact resubmissions and a MinHash sketch.

The index never stores text. Two reports are an *exact* resubmission when their normalised texts (NFKC,
case-folded, word characters only) are equal, compared through a 64-bit hash. Two lexical signals:

- the Jaccard similarity of character 4-gram shingles, estimated from a MinHash signature: character
  shingles survive the spelling variants of citizen reports better than word shingles, and a 2-word report
  still has shingles. The signature's bands (LSH) find near-exact resubmissions by hash lookup, whatever
  the vector search returns;
- the hashes of the report's first words, so the index can tell how many of the *rare* words (street and
  building names, house numbers, RT/RW) two reports share: the e5 vectors of two "PJU mati" reports from
  different streets are nearly equal, their rare words are not. The top bit of a word's hash marks a word
  with a digit, so the index can also compare the *numbers* (house, alley, RT/RW): one sender's template
  filed for two alleys differs in little more than a number, which is common and so no rare word.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from models.sentence_vectors import pooled_vectors, sentence_vectors

NUM_PERM = 64
"""MinHash permutations: Jaccard estimates have a standard error of at most 0.0625."""
BANDS = 16
"""LSH bands of NUM_PERM // BANDS rows: a pair with Jaccard 0.7 shares a band with probability 0.99."""
SHINGLE_CHARS = 4
MAX_WORDS = 64
"""Distinct words kept per report (the first ones: the problem and its place come first), as 32-bit hashes."""
NUMBER_BIT = np.uint32(1 << 31)
"""Set in the hash of a word with a digit, clear in every other word's hash."""
EXACT_MIN_WORDS = 6
"""Distinct words an identical text needs to be a resubmission by itself: shorter texts such as "pju padam"
recur from different people."""

_WORDS = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_rng = np.random.default_rng(20240601)  # fixed: signatures must stay comparable across processes and saves
_MULTIPLIERS = _rng.integers(1, 2**63, NUM_PERM, dtype=np.uint64) | np.uint64(1)
_OFFSETS = _rng.integers(0, 2**63, NUM_PERM, dtype=np.uint64)
_SHINGLE_BASE = np.uint64(0x100000001B3)
_SHINGLE_MIX = np.uint64(0xBF58476D1CE4E5B9)
_BAND_MULTIPLIERS = _rng.integers(1, 2**63, NUM_PERM // BANDS, dtype=np.uint64) | np.uint64(1)


def duplicate_text(title: str | None, text: str) -> str:
    """The text to embed and to fingerprint, title first when given.

    The caller passes masked text (as ``models.triage.report_text`` does) so personal data never
    reaches the embedding or the hashes.
    """
    return f"{title}. {text}" if title else text


def embed(texts: Sequence[str], embedder_dir: Path | str) -> np.ndarray:
    """Unit-length float32 vectors of :func:`duplicate_text` outputs: the project's sentence vectors
    (:mod:`models.sentence_vectors`), which the category model reads too, so a report is encoded once."""
    return sentence_vectors(list(texts), str(embedder_dir)).reshape(len(texts), -1)


def embed_problems(texts: Sequence[str], embedder_dir: Path | str, pooling) -> tuple[np.ndarray, np.ndarray | None]:
    """:func:`embed`, and the texts' learned problem vectors (`models.duplicates.problem_vectors`) from the same
    forward pass; None for them without a fitted `pooling`."""
    if pooling is None:
        return embed(texts, embedder_dir), None
    return pooled_vectors(list(texts), str(embedder_dir), pooling)


def normalized_text(text: str) -> str:
    """Lower-case words separated by single spaces: what an exact resubmission must share."""
    return " ".join(_WORDS.findall(unicodedata.normalize("NFKC", text).casefold()))


def text_hash(text: str) -> int:
    """64-bit hash of :func:`normalized_text`; equal hashes mean an exact resubmission."""
    digest = hashlib.blake2b(normalized_text(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def _shingle_hashes(normalized: str) -> np.ndarray:
    """Distinct 32-bit hashes of the character 4-grams (with a space at either end), stable across processes."""
    codes = np.frombuffer(f" {normalized} ".encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < SHINGLE_CHARS:
        codes = np.pad(codes, (0, SHINGLE_CHARS - len(codes)))
    count = len(codes) - SHINGLE_CHARS + 1
    hashes = np.zeros(count, dtype=np.uint64)
    for offset in range(SHINGLE_CHARS):  # a polynomial over the code points, wrapping at 2**64
        hashes = hashes * _SHINGLE_BASE + codes[offset : offset + count]
    hashes ^= hashes >> np.uint64(31)  # splitmix64's finaliser spreads the bits before truncating
    hashes *= _SHINGLE_MIX
    hashes ^= hashes >> np.uint64(29)
    return np.unique(hashes & np.uint64(0xFFFFFFFF))


def minhash(text: str) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` uint32) of the text's character shingles."""
    shingles = _shingle_hashes(normalized_text(text))
    # Multiply-add-shift hashing: uint64 arithmetic wraps, the top 32 bits are the permuted value.
    permuted = (shingles[None, :] * _MULTIPLIERS[:, None] + _OFFSETS[:, None]) >> np.uint64(32)
    return permuted.min(axis=1).astype(np.uint32)


def word_hashes(text: str) -> np.ndarray:
    """Hashes (uint32, never 0) of the first MAX_WORDS distinct words of the normalised text, 0-padded;
    NUMBER_BIT is set exactly in the hashes of words with a digit."""
    words = list(dict.fromkeys(normalized_text(text).split()))[:MAX_WORDS]
    hashes = np.zeros(MAX_WORDS, dtype=np.uint32)
    for i, word in enumerate(words):
        digest = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=4).digest(), "little")
        digest &= int(NUMBER_BIT) - 1
        hashes[i] = (digest | int(NUMBER_BIT) if _DIGIT.search(word) else digest) or 1
    return hashes


def number_words(hashes: np.ndarray) -> np.ndarray:
    """Which of :func:`word_hashes` (any shape) are words with a digit."""
    return (np.asarray(hashes, dtype=np.uint32) & NUMBER_BIT) > 0


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """LSH keys, shape (n, BANDS) uint32: rows sharing a key in a band are candidate near-exact pairs."""
    signatures = np.atleast_2d(signatures).astype(np.uint64)
    rows = signatures.reshape(len(signatures), BANDS, NUM_PERM // BANDS)
    mixed = np.bitwise_xor.reduce(rows * _BAND_MULTIPLIERS, axis=2)
    return (mixed >> np.uint64(32)).astype(np.uint32)


def lexical_similarity(signature: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of character shingles between one signature and each row of `others`."""
    return (np.atleast_2d(others) == signature).mean(axis=1)
