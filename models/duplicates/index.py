"""The duplicate index: for a new report, the earlier reports that may describe the same problem.

Candidates come from four paths, merged before scoring, so a true duplicate surfaces whichever signal
carries it:

1. exact resubmissions: the normalised-text hash, looked up always;
2. near-exact resubmissions: MinHash LSH bands, looked up always;
3. similar text anywhere: the nearest `candidate_pool` vectors (brute force below `ann_min_size`, then a
   faiss IVF index over 8-bit quantised vectors; exact cosines are recomputed from the float32 store);
4. same place and time: the newest `local_pool` reports of the same kelurahan and of the grid cells within
   the radius, scored in full, which is what catches a reworded report whose text similarity alone would
   rank below same-text-elsewhere.

Candidates outside the query category's time window, or (when both have points) outside its radius, are
dropped; the rest are scored by :class:`DuplicateScorer` and the best `k` returned. An exact resubmission of
at least ``EXACT_MIN_WORDS`` distinct words scores 1 whatever the scorer says, so it ranks first and is a
likely duplicate however the scorer is refitted; so does a retyped resubmission (the same reporter hash or
point, minutes later, nearly the same words).

Place and problem are separate evidence (:mod:`models.duplicates.problem`): being at the same place is
necessary, not sufficient. A pair about a different problem (other problem kinds named, or a confident
category model that predicts other categories for both) or at a different place (other place names or
gang/RT numbers beyond the same-place distance) is never a likely duplicate, and its score is halved so it
ranks below pairs that may be one. The index keeps vectors, hashes, MinHash signatures, word, problem-word and
place-word hashes, the predicted category distribution's top labels and a digest of the reporter hash, never
text.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import tempfile
from array import array
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from models.duplicates.capacity import grown_capacity
from models.duplicates.clusters import Clusters
from models.duplicates.lookup import KeyLookup
from models.duplicates.problem import (
    CATEGORY_TOP,
    NUMBER_BIT,
    PLACE_WORDS,
    PROBLEM_WORDS,
    category_similarity,
    names_area,
    place_hashes,
    primary_kind,
    problem_conditions,
    problem_hashes,
    problem_kinds,
    split_words,
    top_categories,
    word_overlap,
)
from models.duplicates.scoring import FEATURES, DuplicateCandidate, DuplicateScorer, evidence_features
from models.duplicates.text import (
    BANDS,
    EXACT_MIN_WORDS,
    MAX_WORDS,
    NUM_PERM,
    band_keys,
    duplicate_text,
    minhash,
    number_words,
    text_hash,
    word_hashes,
)
from models.duplicates.vectors import VectorStore, inner_products
from models.location.names import name_key

FORMAT_VERSION = 8
"""7: the conditions each text names; 6: problem and place word hashes, problem kinds, the predicted category
distribution and the reporter hash per report; 5: word hashes mark numbers and the stored scorer has
number_agreement (4, a reverted feature's, is skipped); 3: per-token 8-bit sentence vectors; 2: per-batch 8-bit, 128
tokens, as the category model reads them; 1: float, 1000 characters."""
WORD_COUNT_BUCKETS = 1 << 22
"""Document-frequency counters for word hashes (16 MB): enough that collisions rarely merge two rare words."""
RARE_WORD_SHARE = 0.0016
RARE_WORD_MIN = 20
EARTH_RADIUS_M = 6_371_008.8
_METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180


class IndexIntegrityError(RuntimeError):
    """A saved index is incomplete, altered, or was written by another format version."""


@dataclass(frozen=True, eq=False)
class DuplicateEntry:
    """What the index keeps of one report: no text, only its vector, hashes, time and place."""

    id: str
    vector: np.ndarray = field(repr=False)
    """:func:`embed` of :func:`duplicate_text`."""
    created_at: datetime
    text_hash: int
    signature: np.ndarray = field(repr=False)
    words: np.ndarray = field(repr=False)
    """:func:`word_hashes` of the text."""
    lat: float | None = None
    lon: float | None = None
    kelurahan: str | None = None
    category: str | None = None
    """The citizen's category, else the predicted one: what `same_category` and the time window go by."""
    problem: np.ndarray | None = field(default=None, repr=False)
    """:func:`problem_hashes` of the text's problem words (place words blanked)."""
    place: np.ndarray | None = field(default=None, repr=False)
    """:func:`place_hashes` of the text's place words (names, numbers)."""
    categories: tuple[tuple[str, float], ...] = ()
    """The predicted category distribution's top labels and probabilities; () when not predicted."""
    kinds: int = 0
    """:func:`problem_kinds` of the problem words: which problem kinds the text names (a bit each)."""
    primary: int = 0
    """:func:`primary_kind` of the problem words: the kind of problem named first (0: none)."""
    area: bool = False
    """The text names a problem of an area (a flood): :func:`names_area`."""
    conditions: int = 0
    """:func:`problem_conditions` of the text: what it says is wrong with the object (dead, fallen, wanted new, ...)."""
    reporter: int | None = None
    """64-bit digest of the stored (keyed) reporter hash; None when unknown or private. Never the raw ref."""
    problem_vector: np.ndarray | None = field(default=None, repr=False)
    """The learned problem vector of the text (`models.duplicates.problem_vectors`); None when not pooled."""
    problem_pooling: str | None = None
    """The digest of the pooling that made `problem_vector`: vectors of different poolings are never compared."""

    @classmethod
    def from_report(
        cls,
        id: str,
        text: str,
        vector: np.ndarray,
        created_at: datetime,
        *,
        title: str | None = None,
        lat: float | None = None,
        lon: float | None = None,
        kelurahan: str | None = None,
        category: str | None = None,
        category_probabilities: Mapping[str, float] | Iterable[tuple[str, float]] | None = None,
        reporter_hash: str | None = None,
        problem_vector: np.ndarray | None = None,
        problem_pooling: str | None = None,
    ) -> DuplicateEntry:
        """Fingerprint the (masked) text and drop it; `vector` must embed ``duplicate_text(title, text)``.

        `category`: the citizen's; without one, the most probable of `category_probabilities` (the category
        model's prediction) stands in. `reporter_hash`: the keyed hash the service stores, never the raw ref."""
        words = duplicate_text(title, text)
        problem, place = split_words(words, kelurahan)
        categories = top_categories(category_probabilities)
        if category is None and categories:
            category = categories[0][0]
        return cls(
            id,
            vector,
            created_at,
            text_hash(words),
            minhash(words),
            word_hashes(words),
            lat,
            lon,
            kelurahan,
            category,
            problem_hashes(problem),
            place_hashes(place),
            categories,
            problem_kinds(problem),
            primary_kind(problem),
            names_area(problem),
            problem_conditions(words),
            _reporter_key(reporter_hash),
            problem_vector,
            problem_pooling if problem_vector is not None else None,
        )

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None and not (math.isnan(self.lat) or math.isnan(self.lon))


def _reporter_key(reporter_hash: str | None) -> int | None:
    if not reporter_hash:
        return None
    digest = hashlib.blake2b(reporter_hash.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") or 1


def _seconds(moment: datetime) -> float:
    # A naive time is taken as UTC, so the same report gives the same number on every machine.
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _kelurahan_key(name: str | None) -> str | None:
    """The gazetteer's name key: case, spacing, punctuation and a "Kel."/"Kelurahan" prefix do not matter."""
    if name is None or (isinstance(name, float) and math.isnan(name)):
        return None
    return name_key(name, "kelurahan") or None


def _unit(vector: np.ndarray) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float32).reshape(-1)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def haversine_m(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    phi1, phi2 = math.radians(lat), np.radians(lats)
    dphi, dlmb = phi2 - phi1, np.radians(lons - lon)
    a = np.sin(dphi / 2) ** 2 + math.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(eq=False)
class _Evidence:
    """Evidence arrays for the candidate rows of one query (after the window and radius filters)."""

    rows: np.ndarray
    text_similarity: np.ndarray
    lexical_similarity: np.ndarray
    rare_word_overlap: np.ndarray
    exact: np.ndarray
    hours_apart: np.ndarray
    distance_m: np.ndarray
    same_kelurahan: np.ndarray
    same_category: np.ndarray
    number_overlap: np.ndarray
    radius_m: float
    category_similarity: np.ndarray
    problem_overlap: np.ndarray
    problem_similarity: np.ndarray
    same_place: np.ndarray
    same_problem: np.ndarray
    other_kinds: np.ndarray
    problem_vector_similarity: np.ndarray
    resubmission: np.ndarray
    scores: np.ndarray | None = None
    likely: np.ndarray | None = None

    @property
    def features(self) -> np.ndarray:
        return evidence_features(
            self.text_similarity,
            self.lexical_similarity,
            self.rare_word_overlap,
            self.hours_apart,
            self.same_kelurahan,
            self.distance_m,
            self.radius_m,
            self.same_category,
            self.number_overlap,
        )


class DuplicateIndex:
    """Search, link and persist duplicate candidates among indexed reports.

    Hyperparameters (stored as given, scikit-learn style):

    - ``window_days`` / ``category_window_days``: how far apart in time a candidate may be, by the query's
      category (default for categories not listed).
    - ``radius_m`` / ``category_radius_m``: how far apart the two points may be when both have one.
    - ``likely_threshold``: a score at or above it is a likely duplicate (and links the two reports).
    - ``near_exact_threshold``: lexical (character-shingle Jaccard) similarity that counts as near-exact.
    - ``candidate_pool``: nearest vectors retrieved; ``local_pool``: newest same-place reports scored;
      ``hash_pool``: newest exact/near-exact matches per hash bucket.
    - ``ann_min_size``: below it vectors are searched exactly; from it on, by a faiss IVF index probing
      ``nprobe`` lists, retrained after growing ``ann_rebuild_growth`` times (see ``vectors.py``).
    - ``scorer``: a :class:`DuplicateScorer` (the shipped coefficients when None).
    - ``same_place_m`` / ``category_same_place_m``: points at most this far apart are the same place (by the
      query's category: a flood pocket is wider than a pothole; ``area_same_place_m`` when either text names a
      flood); beyond it, place words (names, numbers)
      shared by both texts make it the same place, and place words none of which are shared a different
      place (no place words: unknown, the score's proximity decides).
    - ``problem_threshold``: the problem similarity (the larger of the category-distribution overlap and
      the problem-word overlap) below which two reports describe different problems; "different" needs both
      predicted distributions with a top probability of at least ``problem_confidence`` (words alone only
      confirm a same problem). Problem kinds named in the texts decide first: only other kinds, or another
      kind named first, is a different problem; the same kind named first is the same problem.
    - ``problem_dim`` / ``problem_vector_threshold``: the learned problem vectors' width, and the similarity
      below which two reports whose vectors one pooling made describe different problems, whatever the words
      and categories say (the bundle sets it with the pooling it fitted; see ``problem_vectors.py``).
    - A pair at a different place or about a different problem is never a likely duplicate, however close
      its score: its score is halved and it is not flagged.
    - ``resubmission_hours``, ``resubmission_point_m``, ``resubmission_word_share``: a candidate at most
      `resubmission_hours` earlier, from the same reporter (stored hash) or at the same point (within
      `resubmission_point_m`), with at least `resubmission_word_share` of the shorter text's words, at least
      `resubmission_problem_share` of its problem words (where both have some) and no
      different problem, is a resubmission: scored 1 and flagged, whatever the scorer says.
    """

    def __init__(
        self,
        dim: int = 384,
        window_days: float = 365.0,
        category_window_days: Mapping[str, float] | None = None,
        radius_m: float = 1000.0,
        category_radius_m: Mapping[str, float] | None = None,
        likely_threshold: float = 0.6,
        near_exact_threshold: float = 0.8,
        candidate_pool: int = 100,
        local_pool: int = 2000,
        hash_pool: int = 50,
        ann_min_size: int = 20_000,
        nprobe: int = 32,
        ann_rebuild_growth: float = 4.0,
        scorer: DuplicateScorer | None = None,
        same_place_m: float = 150.0,
        category_same_place_m: Mapping[str, float] | None = None,
        area_same_place_m: float = 330.0,
        problem_threshold: float = 0.3,
        problem_confidence: float = 0.5,
        resubmission_hours: float = 1.0,
        resubmission_point_m: float = 30.0,
        resubmission_word_share: float = 0.55,
        resubmission_problem_share: float = 0.4,
        problem_dim: int = 128,
        problem_vector_threshold: float = 0.0,
    ) -> None:
        self.dim = dim
        self.window_days = window_days
        self.category_window_days = category_window_days
        self.radius_m = radius_m
        self.category_radius_m = category_radius_m
        self.likely_threshold = likely_threshold
        self.near_exact_threshold = near_exact_threshold
        self.candidate_pool = candidate_pool
        self.local_pool = local_pool
        self.hash_pool = hash_pool
        self.ann_min_size = ann_min_size
        self.nprobe = nprobe
        self.ann_rebuild_growth = ann_rebuild_growth
        self.scorer = scorer
        self.same_place_m = same_place_m
        self.category_same_place_m = category_same_place_m
        self.area_same_place_m = area_same_place_m
        self.problem_threshold = problem_threshold
        self.problem_confidence = problem_confidence
        self.resubmission_hours = resubmission_hours
        self.resubmission_point_m = resubmission_point_m
        self.resubmission_word_share = resubmission_word_share
        self.resubmission_problem_share = resubmission_problem_share
        self.problem_dim = problem_dim
        self.problem_vector_threshold = problem_vector_threshold
        self._reset()

    _PARAMS = (
        "dim window_days category_window_days radius_m category_radius_m likely_threshold near_exact_threshold "
        "candidate_pool local_pool hash_pool ann_min_size nprobe ann_rebuild_growth same_place_m "
        "category_same_place_m area_same_place_m problem_threshold problem_confidence resubmission_hours "
        "resubmission_point_m resubmission_word_share resubmission_problem_share problem_dim problem_vector_threshold"
    ).split()

    def get_params(self) -> dict:
        params = {name: getattr(self, name) for name in self._PARAMS}
        params["scorer"] = (self.scorer or DuplicateScorer()).to_dict()
        return params

    def _reset(self, word_counts: np.ndarray | None = None) -> None:
        """Empty the index; `word_counts`: a word-count table to zero and reuse rather than allocate another."""
        self._size = 0
        self._store = VectorStore(self.dim, self.ann_min_size, self.nprobe, self.ann_rebuild_growth)
        self._times = np.zeros(0)
        self._points = np.zeros((0, 2))
        self._kelurahan = np.zeros(0, dtype=np.int32)
        self._category = np.zeros(0, dtype=np.int32)
        self._signatures = np.zeros((0, NUM_PERM), dtype=np.uint32)
        self._words = np.zeros((0, MAX_WORDS), dtype=np.uint32)
        self._problem = np.zeros((0, PROBLEM_WORDS), dtype=np.uint32)
        self._place = np.zeros((0, PLACE_WORDS), dtype=np.uint32)
        self._category_codes_top = np.zeros((0, CATEGORY_TOP), dtype=np.int32)
        self._category_probs_top = np.zeros((0, CATEGORY_TOP), dtype=np.float32)
        self._reporter = np.zeros(0, dtype=np.uint64)
        self._kinds = np.zeros(0, dtype=np.uint32)
        self._primary = np.zeros(0, dtype=np.uint8)
        self._area = np.zeros(0, dtype=bool)
        self._conditions = np.zeros(0, dtype=np.uint16)
        self._problem_vectors = np.zeros((0, self.problem_dim), dtype=np.float16)
        self.problem_pooling: str | None = None
        """The digest of the pooling whose vectors the index holds (rows of no or another pooling are zeros)."""
        self._word_counts = np.empty(WORD_COUNT_BUCKETS, dtype=np.uint32) if word_counts is None else word_counts
        # Written once now, so its 16 MB are resident from the start, as in an index of many reports: left to the
        # kernel's zero pages, each new word touched a page of its own and the service's memory crept up by ~3.5 KB
        # a report until every page was touched (benchmarks/memory_growth.py).
        self._word_counts.fill(0)
        self._deleted = np.zeros(0, dtype=bool)
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._kelurahan_names: list[str] = []
        self._kelurahan_codes: dict[str, int] = {}
        self._category_names: list[str] = []
        self._category_codes: dict[str, int] = {}
        self._kelurahan_rows: dict[int, array] = {}
        self._cell_rows: dict[tuple[int, int], array] = {}
        self._exact = KeyLookup(1, np.uint64)
        self._bands = KeyLookup(BANDS, np.uint32)
        self._clusters = Clusters()

    # ------------------------------------------------------------------ settings per category

    def window_hours(self, category: str | None) -> float:
        return 24.0 * (self.category_window_days or {}).get(category, self.window_days)

    def radius_for(self, category: str | None) -> float:
        return (self.category_radius_m or {}).get(category, self.radius_m)

    def same_place_for(self, category: str | None) -> float:
        return (self.category_same_place_m or {}).get(category, self.same_place_m)

    @property
    def _cell_m(self) -> float:
        return max([self.radius_m, *(self.category_radius_m or {}).values()])

    # ------------------------------------------------------------------ adding and removing

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, report_id: str) -> bool:
        return report_id in self._rows

    def ids(self) -> list[str]:
        """The indexed (not removed) report ids."""
        return list(self._rows)

    def add(self, entries: Iterable[DuplicateEntry]) -> None:
        """Index `entries` (ids not yet indexed). Add in time order where possible: per-place pools keep
        the newest rows."""
        entries = list(entries)
        ids = [e.id for e in entries]
        if len(set(ids)) != len(ids) or any(i in self._rows for i in ids):
            raise ValueError("an entry id is already indexed (or repeated in this call)")
        if not entries:
            return
        self._append(
            ids=ids,
            times=np.array([_seconds(e.created_at) for e in entries]),
            points=np.array([(e.lat, e.lon) if e.has_point else (np.nan, np.nan) for e in entries], dtype=float),
            kelurahan=np.array([self._code(_kelurahan_key(e.kelurahan), "kelurahan") for e in entries], np.int32),
            reporter=np.array([e.reporter or 0 for e in entries], dtype=np.uint64),
            deleted=np.zeros(len(entries), dtype=bool),
            **self._text_arrays(entries),
        )

    def replace(self, entries: Iterable[DuplicateEntry]) -> None:
        """Fingerprint indexed reports again from a new text (a reviewer masked part of it), in place: each keeps
        its row, time, place and links; its vector, hashes, signature and word counts are overwritten, so nothing
        of the earlier text stays in memory or in the saved files. Ids not indexed are refused."""
        entries = list(entries)
        missing = [e.id for e in entries if e.id not in self._rows]
        if missing:
            raise ValueError(f"not indexed: {', '.join(missing[:5])}")
        if not entries:
            return
        rows = np.array([self._rows[e.id] for e in entries], dtype=np.int64)
        arrays = self._text_arrays(entries)
        old, words = self._words[rows], arrays["words"]
        np.subtract.at(self._word_counts, old[old > 0] % WORD_COUNT_BUCKETS, 1)
        np.add.at(self._word_counts, words[words > 0] % WORD_COUNT_BUCKETS, 1)
        for name in self._TEXT_ARRAYS:
            getattr(self, f"_{name}")[rows] = arrays[name]
        self._exact.replace(rows, arrays["text_hashes"])
        self._bands.replace(rows, band_keys(arrays["signatures"]))
        self._store.replace(rows, arrays["vectors"])

    _TEXT_ARRAYS = (
        "signatures",
        "words",
        "problem",
        "place",
        "category",
        "category_codes_top",
        "category_probs_top",
        "kinds",
        "primary",
        "area",
        "conditions",
        "problem_vectors",
    )
    """The per-report arrays an entry's text gives (beside its vector and text hash): what `replace` overwrites."""

    def _text_arrays(self, entries: list[DuplicateEntry]) -> dict[str, np.ndarray]:
        """One row per entry of every array its text gives: :data:`_TEXT_ARRAYS`, the unit vectors and the text
        hashes."""
        vectors = np.stack([np.asarray(e.vector, dtype=np.float32).reshape(-1) for e in entries])
        if vectors.shape[1] != self.dim:
            raise ValueError(f"vectors have {vectors.shape[1]} dimensions, the index {self.dim}")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors /= np.where(norms > 0, norms, 1.0)
        category = np.array([self._code(e.category, "category") for e in entries], np.int32)
        distributions = [self._category_row(e.categories, add=True) for e in entries]
        return {
            "vectors": vectors,
            "text_hashes": np.array([e.text_hash for e in entries], dtype=np.uint64),
            "signatures": np.stack([np.asarray(e.signature, dtype=np.uint32) for e in entries]),
            "words": np.stack([np.asarray(e.words, dtype=np.uint32) for e in entries]),
            "problem": np.stack([_hash_row(e.problem, PROBLEM_WORDS) for e in entries]),
            "place": np.stack([_hash_row(e.place, PLACE_WORDS) for e in entries]),
            "category": category,
            "category_codes_top": np.stack([codes for codes, _ in distributions]),
            "category_probs_top": np.stack([probabilities for _, probabilities in distributions]),
            "kinds": np.array([e.kinds for e in entries], dtype=np.uint32),
            "primary": np.array([e.primary for e in entries], dtype=np.uint8),
            "area": np.array([e.area for e in entries], dtype=bool),
            "conditions": np.array([e.conditions for e in entries], dtype=np.uint16),
            "problem_vectors": self._problem_rows(entries),
        }

    def _problem_rows(self, entries: list[DuplicateEntry]) -> np.ndarray:
        """The entries' problem vectors (zeros for none); a pooling new to the index replaces the one it held,
        whose vectors are dropped (a new bundle's pooling reads differently: no evidence rather than wrong)."""
        rows = np.zeros((len(entries), self.problem_dim), dtype=np.float16)
        for i, entry in enumerate(entries):
            if entry.problem_vector is None:
                continue
            vector = np.asarray(entry.problem_vector, dtype=np.float32).reshape(-1)
            if len(vector) != self.problem_dim:
                raise ValueError(f"problem vectors have {len(vector)} dimensions, the index {self.problem_dim}")
            if entry.problem_pooling != self.problem_pooling:
                self._problem_vectors[:] = 0
                rows[:i] = 0
                self.problem_pooling = entry.problem_pooling
            rows[i] = vector
        return rows

    def _category_row(self, categories, add: bool) -> tuple[np.ndarray, np.ndarray]:
        """Codes (-1 unused, -2 a label never indexed when not `add`ing) and probabilities of a distribution."""
        codes = np.full(CATEGORY_TOP, -1, dtype=np.int32)
        probabilities = np.zeros(CATEGORY_TOP, dtype=np.float32)
        for i, (label, probability) in enumerate(list(categories)[:CATEGORY_TOP]):
            codes[i] = self._code(label, "category") if add else self._category_codes.get(label, -2)
            probabilities[i] = probability
        return codes, probabilities

    def _code(self, name: str | None, kind: str) -> int:
        if name is None:
            return -1
        codes, names = (
            (self._kelurahan_codes, self._kelurahan_names)
            if kind == "kelurahan"
            else (self._category_codes, self._category_names)
        )
        if name not in codes:
            codes[name] = len(names)
            names.append(name)
        return codes[name]

    def _append(
        self,
        *,
        ids,
        vectors,
        times,
        points,
        kelurahan,
        category,
        signatures,
        words,
        problem,
        place,
        category_codes_top,
        category_probs_top,
        reporter,
        kinds,
        primary,
        area,
        conditions,
        problem_vectors,
        text_hashes,
        deleted,
        index_vectors=True,
    ) -> None:
        start, end = self._size, self._size + len(ids)
        if end > len(self._times):
            capacity = grown_capacity(len(self._times), end)
            for name in self._GROWN:
                old = getattr(self, name)
                grown = np.zeros((capacity, *old.shape[1:]), dtype=old.dtype)
                grown[:start] = old[:start]
                setattr(self, name, grown)
        self._times[start:end] = times
        self._points[start:end] = points
        self._kelurahan[start:end] = kelurahan
        self._category[start:end] = category
        self._signatures[start:end] = signatures
        self._words[start:end] = words
        self._problem[start:end] = problem
        self._place[start:end] = place
        self._category_codes_top[start:end] = category_codes_top
        self._category_probs_top[start:end] = category_probs_top
        self._reporter[start:end] = reporter
        self._kinds[start:end] = kinds
        self._primary[start:end] = primary
        self._area[start:end] = area
        self._conditions[start:end] = conditions
        self._problem_vectors[start:end] = problem_vectors
        counted = words[words > 0] % WORD_COUNT_BUCKETS
        # Scatter-add, not a bincount over every bucket: that would touch 16 MB for each report ingested.
        np.add.at(self._word_counts, counted, 1)
        self._deleted[start:end] = deleted
        self._size = end
        self._ids.extend(ids)
        for row, (report_id, gone) in enumerate(zip(ids, deleted), start):
            if not gone:
                self._rows[report_id] = row
        self._exact.append(text_hashes)
        self._bands.append(band_keys(signatures))
        self._clusters.grow(end)
        self._place_rows(start, end)
        self._store.add(vectors, index=index_vectors)

    def _place_rows(self, start: int, end: int) -> None:
        cell_deg = self._cell_m / _METRES_PER_DEGREE
        for row in range(start, end):
            if self._deleted[row]:
                continue
            if (code := int(self._kelurahan[row])) >= 0:
                self._kelurahan_rows.setdefault(code, array("i")).append(row)
            lat, lon = self._points[row]
            if not math.isnan(lat):
                cell = (math.floor(lat / cell_deg), math.floor(lon / cell_deg))
                self._cell_rows.setdefault(cell, array("i")).append(row)

    def remove(self, ids: Iterable[str]) -> int:
        """Stop returning these reports (and unlink them); their rows stay as tombstones until rebuilt."""
        rows = [self._rows.pop(i) for i in ids if i in self._rows]
        self._deleted[rows] = True
        self._clusters.drop_rows(rows)
        return len(rows)

    @property
    def longest_window_hours(self) -> float:
        """The widest time window of any category: an indexed report older than this before every future
        query can never be a candidate again."""
        return 24.0 * max([self.window_days, *(self.category_window_days or {}).values()])

    def evict_before(self, moment: datetime, exempt: Container[str] = frozenset()) -> int:
        """Remove every report filed before `moment` (but those `exempt`), and compact the arrays once tombstones
        are the majority, so a long-running index holds only the reports that can still be candidates."""
        live = ~self._deleted[: self._size]
        old = np.flatnonzero(live & (self._times[: self._size] < _seconds(moment)))
        removed = self.remove([i for i in (self._ids[row] for row in old.tolist()) if i not in exempt])
        if self._size >= 1024 and np.count_nonzero(self._deleted[: self._size]) * 2 > self._size:
            self.compact()
        return removed

    def compact(self) -> None:
        """Rebuild the arrays, the lookups and the vector index from the rows not removed (tombstones take memory
        and the faiss lists still scan them); the word counts are recounted from the rows kept."""
        size = self._size
        keep = np.flatnonzero(~self._deleted[:size])
        links = self._clusters.links()
        arrays = {name: getattr(self, f"_{name}")[keep] for name in self._ARRAYS}
        vectors = self._store.vectors[keep]
        text_hashes = self._exact.keys[keep, 0]
        ids = [self._ids[row] for row in keep.tolist()]
        names = (self._kelurahan_names, self._kelurahan_codes, self._category_names, self._category_codes)
        pooling = self.problem_pooling
        self._reset(word_counts=self._word_counts)
        self._kelurahan_names, self._kelurahan_codes, self._category_names, self._category_codes = names
        self.problem_pooling = pooling
        self._append(ids=ids, vectors=vectors, text_hashes=text_hashes, **arrays)
        renumbered = np.full(size, -1, dtype=np.int64)
        renumbered[keep] = np.arange(len(keep))
        for a, b, origin in links.tolist():  # removing a row dropped its links: both ends are kept
            self._clusters.link(int(renumbered[a]), int(renumbered[b]), int(origin))

    # ------------------------------------------------------------------ search and scoring

    def search(self, entry: DuplicateEntry, k: int = 5) -> list[DuplicateCandidate]:
        """The `k` best-scoring indexed reports (other than `entry` itself) within its window and radius."""
        evidence = self._evidence(entry, self._pool(entry))
        if evidence is None:
            return []
        # An identical copy ranks first among the candidates scored 1 (retyped resubmissions score 1 too).
        best = np.lexsort((~evidence.exact, -evidence.scores))[:k]
        return [self._candidate(evidence, i) for i in best]

    def compare(self, entry: DuplicateEntry, other_id: str) -> DuplicateCandidate | None:
        """The evidence and score for one indexed report; None when it is outside the window or radius."""
        evidence = self._evidence(entry, np.array([self._rows[other_id]]))
        return None if evidence is None else self._candidate(evidence, 0)

    def pool_features(self, entry: DuplicateEntry) -> tuple[list[str], np.ndarray]:
        """Every candidate the search would score, with its feature row (for fitting the scorer)."""
        evidence = self._evidence(entry, self._pool(entry))
        if evidence is None:
            return [], np.zeros((0, len(FEATURES)))
        return [self._ids[row] for row in evidence.rows.tolist()], evidence.features

    def pair_features(self, entry: DuplicateEntry, other_id: str) -> np.ndarray | None:
        """The feature row for one indexed report; None when it is outside the window or radius."""
        evidence = self._evidence(entry, np.array([self._rows[other_id]]))
        return None if evidence is None else evidence.features[0]

    def _pool(self, entry: DuplicateEntry) -> np.ndarray:
        if not self._size:
            return np.zeros(0, dtype=np.int64)
        pools = [
            self._exact.rows(np.array([entry.text_hash], dtype=np.uint64), self.hash_pool),
            self._bands.rows(band_keys(entry.signature)[0], self.hash_pool),
            self._store.nearest(_unit(entry.vector), self.candidate_pool),
            *self._local_rows(entry),
        ]
        return np.unique(np.concatenate([np.asarray(p, dtype=np.int64) for p in pools]))

    def _local_rows(self, entry: DuplicateEntry) -> list[np.ndarray]:
        found = []
        code = self._kelurahan_codes.get(_kelurahan_key(entry.kelurahan) or "")
        if code is not None and code in self._kelurahan_rows:
            found.append(np.frombuffer(self._kelurahan_rows[code], dtype=np.int32)[-self.local_pool :])
        if entry.has_point:
            cell_m = self._cell_m
            cell_deg = cell_m / _METRES_PER_DEGREE
            radius = self.radius_for(entry.category)
            span_lat = math.ceil(radius / cell_m)
            span_lon = math.ceil(radius / (cell_m * max(math.cos(math.radians(entry.lat)), 1e-6)))
            row0, col0 = math.floor(entry.lat / cell_deg), math.floor(entry.lon / cell_deg)
            nearby = [
                np.frombuffer(cell, dtype=np.int32)
                for i in range(row0 - span_lat, row0 + span_lat + 1)
                for j in range(col0 - span_lon, col0 + span_lon + 1)
                if (cell := self._cell_rows.get((i, j))) is not None
            ]
            if nearby:
                found.append(np.sort(np.concatenate(nearby))[-self.local_pool :])
        return found

    def _evidence(self, entry: DuplicateEntry, rows: np.ndarray) -> _Evidence | None:
        rows = rows[~self._deleted[rows]]
        own = self._rows.get(entry.id)
        if own is not None:
            rows = rows[rows != own]
        hours = (self._times[rows] - _seconds(entry.created_at)) / 3600.0
        in_window = np.abs(hours) <= self.window_hours(entry.category)
        rows, hours = rows[in_window], hours[in_window]
        radius = self.radius_for(entry.category)
        distance = np.full(len(rows), np.nan)
        if entry.has_point:
            distance = haversine_m(entry.lat, entry.lon, self._points[rows, 0], self._points[rows, 1])
            near = np.isnan(distance) | (distance <= radius)
            rows, hours, distance = rows[near], hours[near], distance[near]
        if not len(rows):
            return None
        exact = self._exact.keys[rows, 0] == np.uint64(entry.text_hash)
        words = np.asarray(entry.words, dtype=np.uint32)
        problem = self._problem_evidence(entry, rows)
        same_kelurahan = self._same(self._kelurahan[rows], self._kelurahan_codes, _kelurahan_key(entry.kelurahan))
        same_place = self._same_place(entry, rows, distance, same_kelurahan)
        resubmission = self._resubmission(entry, rows, hours, distance, words, problem)
        # A resubmission is decided by its nearly identical words; it is about the same problem.
        problem["same_problem"] = np.where(resubmission, 1, problem["same_problem"]).astype(np.int8)
        evidence = _Evidence(
            rows=rows,
            text_similarity=np.clip(inner_products(self._store.vectors[rows], _unit(entry.vector)), -1.0, 1.0),
            lexical_similarity=(self._signatures[rows] == np.asarray(entry.signature, dtype=np.uint32)).mean(axis=1),
            rare_word_overlap=self._rare_word_overlap(words, rows),
            exact=exact,
            hours_apart=np.abs(hours),
            distance_m=distance,
            same_kelurahan=same_kelurahan,
            same_category=self._same(self._category[rows], self._category_codes, entry.category),
            number_overlap=self._number_overlap(words, rows),
            radius_m=radius,
            same_place=same_place,
            resubmission=resubmission,
            **problem,
        )
        scores = (self.scorer or DuplicateScorer()).probability(evidence.features)
        # Being at the same place is necessary, not sufficient: a different problem (or a different place) is
        # never a likely duplicate, and ranks below the pairs that may be one.
        different = (evidence.same_problem < 0) | (same_place < 0)
        scores = np.where(different, 0.5 * scores, scores)
        # The hash path finds an identical resubmission cheaply; it must not depend on how the scorer weighs
        # lexical against vector similarity, which the annotated pairs (no identical texts) cannot teach it.
        # A retyped resubmission (same reporter or point, minutes later, nearly the same words) is one too.
        identical = exact & (np.count_nonzero(words) >= EXACT_MIN_WORDS)
        evidence.resubmission = resubmission | identical
        evidence.scores = np.where(evidence.resubmission, 1.0, scores)
        evidence.likely = evidence.resubmission | ((evidence.scores >= self.likely_threshold) & ~different)
        return evidence

    def _problem_evidence(self, entry: DuplicateEntry, rows: np.ndarray) -> dict[str, np.ndarray]:
        """Category-distribution overlap, problem-word overlap, their larger (NaN if neither is known), and
        same_problem: -1 when the texts name only different problem kinds or name different kinds first, 1 when
        they name the same kind first, else 1 at or above `problem_threshold`, -1 below it (only with both
        distributions known), 0 unknown."""
        codes, probabilities = self._category_row(entry.categories, add=False)
        by_category = category_similarity(
            self._category_codes_top[rows], self._category_probs_top[rows], codes, probabilities
        )
        by_words = word_overlap(_hash_row(entry.problem, PROBLEM_WORDS), self._problem[rows])
        both = np.column_stack([by_category, by_words])
        known = ~np.isnan(both).all(axis=1)
        similarity = np.where(known, np.nanmax(np.where(np.isnan(both), -1.0, both), axis=1), np.nan)
        same = np.where(similarity >= self.problem_threshold, 1, -1)
        # Low word overlap alone says nothing: short texts name one problem in words the other does not use
        # (a flood tweet's "air setinggi lutut" against "#banjir"). Naming only other problem kinds does.
        same = np.where(~known | ((same < 0) & np.isnan(by_category)), 0, same)
        # Nor does a category model unsure of either report (its top label below `problem_confidence`).
        confident = (self._category_probs_top[rows, 0] >= self.problem_confidence) & (
            max((p for _, p in entry.categories), default=0.0) >= self.problem_confidence
        )
        # Unless the problem words differ too: two signals that agree outweigh one model's doubt.
        words_differ = ~np.isnan(by_words) & (by_words < self.problem_threshold)
        same = np.where((same < 0) & ~confident & ~words_differ, 0, same)
        kinds = self._kinds[rows]
        primary = self._primary[rows]
        other_kinds = (kinds > 0) & (entry.kinds > 0) & ((kinds & np.uint32(entry.kinds)) == 0)
        other_kinds |= (primary > 0) & (entry.primary > 0) & (primary != entry.primary)
        # The same kind of problem named first on both sides is the same problem, whatever the category model
        # makes of two short texts (it reads flood tweets inconsistently).
        same_kind = (primary > 0) & (primary == entry.primary)
        same = np.where(other_kinds, -1, np.where(same_kind, 1, same))
        # Then the conditions: the same object, named on both sides as in conditions that share nothing (dead and
        # knocked down), is two jobs.
        candidate_conditions = self._conditions[rows]
        other_conditions = (candidate_conditions > 0) & (entry.conditions > 0)
        other_conditions &= (candidate_conditions & np.uint16(entry.conditions)) == 0
        same = np.where(other_conditions, -1, same).astype(np.int8)
        # Last, the learned reading of both texts: a problem vector far from the other's is another problem, even
        # where the words name the same kind (a dead light and a request for a new one). Not for a flood: it is one
        # event over an area, and its status, its cause at the spot and a bare hashtag are one handling (the
        # annotation's definition), which the pooling, fitted on problems of a spot, never learned.
        learned = self._problem_vector_similarity(entry, rows)
        vetoed = ~np.isnan(learned) & (learned < self.problem_vector_threshold) & ~(self._area[rows] | entry.area)
        same = np.where(vetoed, -1, same).astype(np.int8)
        disjoint = (kinds > 0) & (entry.kinds > 0) & ((kinds & np.uint32(entry.kinds)) == 0)
        return {
            "problem_vector_similarity": learned,
            "other_kinds": disjoint,
            "category_similarity": by_category,
            "problem_overlap": by_words,
            "problem_similarity": similarity,
            "same_problem": same,
        }

    def _problem_vector_similarity(self, entry: DuplicateEntry, rows: np.ndarray) -> np.ndarray:
        """Per row: the inner product of the two problem vectors; NaN where either has none of the index's pooling."""
        if entry.problem_vector is None or entry.problem_pooling != self.problem_pooling:
            return np.full(len(rows), np.nan)
        candidates = self._problem_vectors[rows].astype(np.float32)
        known = np.any(candidates != 0, axis=1)
        query = np.asarray(entry.problem_vector, dtype=np.float32).reshape(-1)
        return np.where(known, candidates @ query, np.nan)

    def _same_place(
        self, entry: DuplicateEntry, rows: np.ndarray, distance: np.ndarray, same_kelurahan: np.ndarray
    ) -> np.ndarray:
        """1 same place (points within the same-place distance, or a place name in common and no conflicting
        place number), -1 different (farther apart, and place numbers on both sides none of which are shared,
        or another kelurahan, or place names on both sides none of which are shared), 0 unknown."""
        query = _hash_row(entry.place, PLACE_WORDS)
        candidates = self._place[rows]
        numbered = (query & np.uint32(NUMBER_BIT)) > 0
        candidate_numbers = np.where((candidates & np.uint32(NUMBER_BIT)) > 0, candidates, 0)
        names = word_overlap(np.where(numbered, 0, query), np.where(candidate_numbers > 0, 0, candidates))
        numbers = word_overlap(np.where(numbered, query, 0), candidate_numbers)
        # A flood named on either side makes the place an area: its reports are one place farther apart.
        reach = np.where(
            self._area[rows] | entry.area,
            max(self.area_same_place_m, self.same_place_for(entry.category)),
            self.same_place_for(entry.category),
        )
        metres = np.nan_to_num(distance, nan=np.inf)
        spot = ~np.isnan(distance) & (metres <= self.same_place_for(entry.category))
        close = ~np.isnan(distance) & (metres <= reach)
        other_number = ~np.isnan(numbers) & (np.nan_to_num(numbers, nan=1.0) == 0)  # gang 3 and gang 5
        named_same = ~np.isnan(names) & (np.nan_to_num(names) > 0)
        named_other = ~np.isnan(names) & (np.nan_to_num(names, nan=1.0) == 0)
        same = np.where(named_same, 1, np.where(named_other, -1, 0))
        # Within a spot's distance the points decide; beyond it other numbers (another gang, RT) are another
        # place even within a flood's reach; then the reach; then another kelurahan (a "Gg. Jambu RT 05" in each
        # of two neighbouring kelurahan); then the names.
        same = np.where(same_kelurahan < 0, -1, same)
        return np.where(spot, 1, np.where(other_number, -1, np.where(close, 1, same))).astype(np.int8)

    def _resubmission(
        self,
        entry: DuplicateEntry,
        rows: np.ndarray,
        hours: np.ndarray,
        distance: np.ndarray,
        words: np.ndarray,
        problem: dict[str, np.ndarray],
    ) -> np.ndarray:
        """Same reporter (or same point), within `resubmission_hours`, nearly the same words, and nearly the same
        problem words where both have some (one sender's two problems in one alley share the alley's words)."""
        same_reporter = (self._reporter[rows] == np.uint64(entry.reporter or 0)) & (entry.reporter is not None)
        same_point = ~np.isnan(distance) & (np.nan_to_num(distance, nan=np.inf) <= self.resubmission_point_m)
        shared = np.nan_to_num(word_overlap(words, self._words[rows]))
        return (
            (same_reporter | same_point)
            & (np.abs(hours) <= self.resubmission_hours)
            & (shared >= self.resubmission_word_share)
            & (np.nan_to_num(problem["problem_overlap"], nan=1.0) >= self.resubmission_problem_share)
            & ~problem["other_kinds"]
        )

    def _candidate(self, evidence: _Evidence, i: int) -> DuplicateCandidate:
        score, lexical, distance = (
            float(evidence.scores[i]),
            float(evidence.lexical_similarity[i]),
            evidence.distance_m[i],
        )
        same_kelurahan, same_category = evidence.same_kelurahan[i], evidence.same_category[i]
        same_place, same_problem = evidence.same_place[i], evidence.same_problem[i]
        return DuplicateCandidate(
            id=self._ids[evidence.rows[i]],
            score=round(score, 4),
            likely_duplicate=bool(evidence.likely[i]),
            text_similarity=round(float(evidence.text_similarity[i]), 4),
            lexical_similarity=round(lexical, 4),
            rare_word_overlap=round(float(evidence.rare_word_overlap[i]), 4),
            exact=bool(evidence.exact[i]),
            near_exact=bool(evidence.exact[i]) or lexical >= self.near_exact_threshold,
            distance_m=None if math.isnan(distance) else round(float(distance), 1),
            same_kelurahan=None if same_kelurahan == 0 else bool(same_kelurahan > 0),
            hours_apart=round(float(evidence.hours_apart[i]), 2),
            same_category=None if same_category == 0 else bool(same_category > 0),
            same_place=None if same_place == 0 else bool(same_place > 0),
            same_problem=None if same_problem == 0 else bool(same_problem > 0),
            problem_similarity=_rounded(evidence.problem_similarity[i]),
            category_similarity=_rounded(evidence.category_similarity[i]),
            problem_word_overlap=_rounded(evidence.problem_overlap[i]),
            problem_vector_similarity=_rounded(evidence.problem_vector_similarity[i]),
            resubmission=bool(evidence.resubmission[i]),
        )

    def _rare_word_overlap(self, words: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Per row: shared rare words over the rare words of the side that has fewer (0 if either has none).

        A word is rare when at most RARE_WORD_SHARE of the indexed reports (and at least RARE_WORD_MIN)
        contain it; counts are kept per hash bucket, so a collision can only make a word look commoner."""
        limit = max(RARE_WORD_MIN, RARE_WORD_SHARE * self._size)
        candidates = self._words[rows]
        rare = (candidates > 0) & (self._word_counts[candidates % WORD_COUNT_BUCKETS] <= limit)
        query_rare = (words > 0) & (self._word_counts[words % WORD_COUNT_BUCKETS] <= limit)
        return np.nan_to_num(_overlap_of_fewer(words[query_rare], candidates, rare))

    def _number_overlap(self, words: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Per row: shared words with a digit over those of the side that has fewer (NaN if either has none)."""
        candidates = self._words[rows]
        return _overlap_of_fewer(words[number_words(words)], candidates, number_words(candidates))

    @staticmethod
    def _same(codes: np.ndarray, vocabulary: dict[str, int], name: str | None) -> np.ndarray:
        """1 same, -1 different, 0 when either side is unknown."""
        if name is None:
            return np.zeros(len(codes), dtype=np.int8)
        query = vocabulary.get(name, -2)  # a name never indexed differs from every known one
        return np.where(codes < 0, 0, np.where(codes == query, 1, -1)).astype(np.int8)

    # ------------------------------------------------------------------ clusters

    def ingest(self, entry: DuplicateEntry, k: int = 5) -> list[DuplicateCandidate]:
        """Search, add, and link `entry` to every likely duplicate found: the call for a new report."""
        candidates = self.search(entry, k)
        self.add([entry])
        for candidate in candidates:
            if candidate.likely_duplicate:
                self._clusters.link(self._rows[entry.id], self._rows[candidate.id], Clusters.AUTOMATIC)
        return candidates

    def link(self, a: str, b: str) -> None:
        """A reviewer's merge: `a` and `b` (and their groups) are one problem."""
        self._clusters.link(self._rows[a], self._rows[b], Clusters.REVIEWER)

    def unlink(self, a: str, b: str) -> bool:
        """A reviewer's split of a direct link; the groups are recomputed from the links left."""
        return self._clusters.unlink(self._rows[a], self._rows[b])

    def cluster_of(self, report_id: str) -> list[str]:
        """Every report linked to `report_id`, directly or through others (itself included), by row order."""
        return [self._ids[row] for row in self._clusters.members(self._rows[report_id])]

    def cluster_count(self) -> int:
        return len(self._clusters)

    # ------------------------------------------------------------------ persistence

    _ARRAYS = (
        "times",
        "points",
        "kelurahan",
        "category",
        "signatures",
        "words",
        "problem",
        "place",
        "category_codes_top",
        "category_probs_top",
        "reporter",
        "kinds",
        "primary",
        "area",
        "conditions",
        "problem_vectors",
        "deleted",
    )
    _GROWN = tuple(f"_{name}" for name in _ARRAYS)

    def save(self, path: Path | str) -> Path:
        """Write the index to the directory `path` (replaced atomically): .npy arrays, the faiss graph,
        metadata.json with hyperparameters, names, ids and the sha256 of every file."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".duplicates-", dir=path.parent))
        try:
            n = self._size
            arrays = {name: getattr(self, f"_{name}")[:n] for name in self._ARRAYS}
            arrays["vectors"] = self._store.vectors
            arrays["text_hashes"] = self._exact.keys[:, 0]
            arrays["links"] = self._clusters.links()
            for name, values in arrays.items():
                np.save(work / f"{name}.npy", np.ascontiguousarray(values), allow_pickle=False)
            self._store.save_ann(work)
            files = sorted(p.name for p in work.iterdir())
            metadata = {
                "format_version": FORMAT_VERSION,
                "num_perm": NUM_PERM,
                "params": self.get_params(),
                "size": n,
                "ann_built_at": self._store.ann_built_at,
                "ids": self._ids,
                "kelurahan": self._kelurahan_names,
                "category": self._category_names,
                "problem_pooling": self.problem_pooling,
                "sha256": {name: _sha256(work / name) for name in files},
            }
            (work / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False))
            if path.exists():
                stale = path.with_name(f".{path.name}.stale")
                shutil.rmtree(stale, ignore_errors=True)
                os.rename(path, stale)
                os.rename(work, path)
                shutil.rmtree(stale, ignore_errors=True)
            else:
                os.rename(work, path)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return path

    @classmethod
    def load(cls, path: Path | str) -> DuplicateIndex:
        """An index saved by :meth:`save`, every file checked against its recorded sha256."""
        path = Path(path)
        try:
            metadata = json.loads((path / "metadata.json").read_text())
        except (OSError, ValueError) as error:
            raise IndexIntegrityError(f"no readable metadata.json in {path}") from error
        if metadata.get("format_version") != FORMAT_VERSION or metadata.get("num_perm") != NUM_PERM:
            raise IndexIntegrityError(f"{path} was written by another index format")
        for name, digest in metadata["sha256"].items():
            if not (path / name).is_file() or _sha256(path / name) != digest:
                raise IndexIntegrityError(f"{path / name} is missing or does not match its recorded sha256")
        params = dict(metadata["params"])
        scorer = DuplicateScorer.from_dict(params.pop("scorer"))
        index = cls(**params, scorer=scorer)
        arrays = {
            name: np.load(path / f"{name}.npy", allow_pickle=False) for name in (*cls._ARRAYS, "vectors", "text_hashes")
        }
        index._kelurahan_names = list(metadata["kelurahan"])
        index._kelurahan_codes = {name: i for i, name in enumerate(index._kelurahan_names)}
        index._category_names = list(metadata["category"])
        index._category_codes = {name: i for i, name in enumerate(index._category_names)}
        index.problem_pooling = metadata["problem_pooling"]
        has_ann = index._store.load_ann(path, metadata["ann_built_at"])
        if has_ann and index._store.ann_size != metadata["size"]:
            raise IndexIntegrityError(f"{path} holds {index._store.ann_size} indexed vectors, not {metadata['size']}")
        index._append(ids=list(metadata["ids"]), **arrays, index_vectors=not has_ann)
        index._clusters.restore(index._size, np.load(path / "links.npy", allow_pickle=False))
        return index

    @property
    def nbytes(self) -> int:
        """Memory held for the indexed rows: vectors, faiss lists, hashes, signatures, times and places.

        Not counted: spare array capacity (up to 1.25x, `capacity.py`) and the Python id map and names."""
        per_row = sum(getattr(self, f"_{name}")[:1].nbytes for name in self._ARRAYS)
        shared = self._store.nbytes + self._exact.nbytes + self._bands.nbytes + self._word_counts.nbytes
        return self._size * per_row + shared


def _rounded(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 4)


def _hash_row(hashes: np.ndarray | None, size: int) -> np.ndarray:
    """A fixed-width row of word hashes (zeros when the entry has none)."""
    row = np.zeros(size, dtype=np.uint32)
    if hashes is not None:
        values = np.asarray(hashes, dtype=np.uint32).reshape(-1)[:size]
        row[: len(values)] = values
    return row


def _overlap_of_fewer(query: np.ndarray, candidates: np.ndarray, counted: np.ndarray) -> np.ndarray:
    """Per row of `candidates`: its `counted` words found in `query`, over the count of the side with fewer
    (so a later report that adds detail still overlaps fully); NaN when either side has none."""
    shared = (counted & np.isin(candidates, query)).sum(axis=1)
    fewer = np.minimum(counted.sum(axis=1), len(query))
    return np.where(fewer > 0, shared / np.maximum(fewer, 1), np.nan)


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
