"""Duplicate reports: exact and near-exact resubmissions, and the same problem reported in other words.

Pure code (no HTTP, no database): the caller embeds ``duplicate_text(title, masked_text)`` with
:func:`embed` (the project's sentence vectors), builds a :class:`DuplicateEntry` with
:meth:`DuplicateEntry.from_report`, and asks a :class:`DuplicateIndex`.
"""

from models.duplicates.index import DuplicateEntry, DuplicateIndex, IndexIntegrityError, haversine_m
from models.duplicates.scoring import FEATURES, DuplicateCandidate, DuplicateScorer, evidence_features
from models.duplicates.text import duplicate_text, embed, embed_problems, lexical_similarity, minhash, text_hash

__all__ = [
    "FEATURES",
    "DuplicateCandidate",
    "DuplicateEntry",
    "DuplicateIndex",
    "DuplicateScorer",
    "IndexIntegrityError",
    "duplicate_text",
    "embed",
    "embed_problems",
    "evidence_features",
    "haversine_m",
    "lexical_similarity",
    "minhash",
    "text_hash",
]
