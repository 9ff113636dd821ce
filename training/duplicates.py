"""The duplicate index as configured by the settings, the real data it is measured on, and its scorer's fit.

- :func:`make_index` (from ``models.duplicates.configured``): an empty :class:`DuplicateIndex` with the
  ``duplicate_*`` settings.
- :func:`dataset_entries`, :func:`exact_resubmissions`, :func:`load_gold`, :func:`replay`: index entries of a
  real export (embeddings cached under ``home``/cache/duplicates), its natural identical resubmissions, the
  annotated pairs, and a time-ordered replay that searches each query among the reports before it.
- :func:`fit_duplicate_scorer`: the logistic scorer fitted on the ``dev`` pairs, logged to MLflow.

The shipped coefficients (``models.duplicates.scoring.DEFAULT_COEFFICIENTS``) and the default
likely-duplicate threshold (setting ``duplicate_likely_threshold``) are the output of
:func:`fit_duplicate_scorer` on the ``dev`` part of the annotated pairs (the 1,893-pair file, pooling round
included); running it again reproduces them and logs the fit to MLflow.

    python -m training.duplicates          # fit on dev, print coefficients and threshold, log to MLflow
"""

from __future__ import annotations

import hashlib
import json
import logging
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd

from models.duplicates import (
    FEATURES,
    DuplicateCandidate,
    DuplicateEntry,
    DuplicateIndex,
    DuplicateScorer,
    duplicate_text,
    embed_problems,
)
from models.duplicates.configured import make_index
from models.duplicates.text import EXACT_MIN_WORDS, normalized_text
from models.sentence_vectors import INT8, MAX_TOKENS, PROMPT, embedder_version
from models.settings import Settings, get_settings
from training import registry
from training.datasets import DatasetUnavailableError, available_datasets, load_dataset

log = logging.getLogger(__name__)

GOLD = Path("annotations") / "duplicates.jsonl"
SOURCES = ("surabaya_mediacenter", "petabencana_jakarta_flood_reports_2017")


class DuplicatesUnavailableError(FileNotFoundError):
    """The gold pairs or the real exports they refer to are not present."""


def load_gold(settings: Settings) -> pd.DataFrame:
    path = Path(settings.assets_dir) / GOLD
    if not path.is_file():
        raise DuplicatesUnavailableError(f"no annotated duplicate pairs at {path}")
    gold = pd.read_json(path, lines=True, dtype=False)
    expected = {"query_id", "candidate_id", "source", "part", "label"}
    if missing := expected - set(gold.columns):
        raise ValueError(f"{path}: missing fields {sorted(missing)}")
    return gold


# ---------------------------------------------------------------------------- embeddings and entries


def _cache_path(name: str, texts: list[str], settings: Settings) -> Path:
    # Keyed by the embedded texts themselves (as a digest): they change with the export, and also with the
    # PII masking applied on load and the title/text joining, neither of which a version number would track.
    texts_digest = hashlib.sha256("\x00".join(texts).encode()).hexdigest()
    recipe = {
        "dataset": name,
        "texts_sha256": texts_digest,
        "vectors": embedder_version(),
        "prompt": PROMPT,
        "max_tokens": MAX_TOKENS,
        "int8": INT8,
    }
    key = hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]
    return Path(settings.home) / "cache" / "duplicates" / f"{name}-{key}"


def dataset_vectors(
    name: str, frame: pd.DataFrame, settings: Settings, pooling=None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Sentence vectors of every report of `frame` (row order) and, with a `pooling`, its problem vectors (else
    None); from the cache or computed once and cached (problem vectors per pooling digest)."""
    texts = _texts(frame)
    path = _cache_path(name, texts, settings)
    ids = [str(i) for i in frame["id"]]
    names = ["vectors.npy"] + ([f"problem-{pooling.digest}.npy"] if pooling is not None else [])
    try:
        cached_ids = json.loads((path / "ids.json").read_text())
        arrays = [np.load(path / file, allow_pickle=False) for file in names]
        if cached_ids == ids and all(len(a) == len(ids) for a in arrays):
            return arrays[0], arrays[1] if pooling is not None else None
    except (OSError, ValueError):
        pass
    log.info("embedding %d reports of %s (cached afterwards in %s)", len(frame), name, path)
    vectors, problem_vectors = embed_problems(texts, settings.embedder_dir, pooling)
    path.mkdir(parents=True, exist_ok=True)
    np.save(path / "vectors.npy", vectors, allow_pickle=False)
    if pooling is not None:
        np.save(path / names[1], problem_vectors, allow_pickle=False)
    (path / "ids.json").write_text(json.dumps(ids))
    return vectors, problem_vectors


def _texts(frame: pd.DataFrame) -> list[str]:
    titles = frame["title"].where(frame["title"].notna(), None)
    return [duplicate_text(title, text) for title, text in zip(titles, frame["text"])]


def _optional(value):
    return None if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA else value


PREDICTED_TOP_K = 3
"""Predicted labels kept per report: what the service stores of a triage answer (its default `top_k`)."""


def predicted_categories(category_model, texts: list[str], vectors: np.ndarray) -> list[list[tuple[str, float]]]:
    """The category model's top labels for each text, from the cached sentence vectors where they are the ones
    the classifier reads (same truncation and quantisation), else encoded by the classifier itself."""
    classifier = category_model.category_classifier
    if (classifier.embedding_max_tokens, classifier.embedding_int8) == (MAX_TOKENS, INT8):
        proba = classifier.predict_proba_from(texts, vectors=vectors)
    else:
        proba = classifier.predict_proba(texts)
    return classifier.rank(proba, k=PREDICTED_TOP_K)


def problem_pooling_of(category_model):
    """The problem pooling of a registered model's bundle; None for a bare triage model, none, or an older bundle."""
    bundle = getattr(category_model, "bundle", None)
    return None if bundle is None else bundle.problem_pooling


def scored_as(index: DuplicateIndex, category_model) -> DuplicateIndex:
    """`index`, scoring as a registered model's bundle does (scorer, thresholds), where there is one."""
    bundle = getattr(category_model, "bundle", None)
    if bundle is not None:
        bundle.score_duplicates_with(index)
    return index


def dataset_entries(name: str, settings: Settings, category_model=None) -> list[DuplicateEntry]:
    """Index entries for every report of a real export, in time order (ties in export order).

    The category is the one the citizen chose (none in these exports): the official topic is what the
    reviewers decide later, so giving it to the query would overstate what the index knows at intake. With a
    `category_model` (a registered model, or a :class:`models.triage.TriageModel`), each report also gets its
    predicted distribution, as the service gives it, and the predicted label stands in for the missing citizen
    category; a registered model's bundle gives the problem vectors too.
    """
    frame = load_dataset(name, settings)
    pooling = problem_pooling_of(category_model)
    vectors, problem_vectors = dataset_vectors(name, frame, settings, pooling)
    problem_vectors = problem_vectors if problem_vectors is not None else [None] * len(vectors)
    texts = _texts(frame)
    model = getattr(category_model, "model", category_model)
    predicted = predicted_categories(model, texts, vectors) if model is not None else [None] * len(texts)
    entries = [
        DuplicateEntry.from_report(
            str(row.id),
            text,
            vector,
            row.created_at.to_pydatetime(),
            lat=_optional(row.lat),
            lon=_optional(row.lon),
            kelurahan=_optional(row.kelurahan),
            category=_optional(row.category),
            category_probabilities=distribution,
            problem_vector=problem_vector,
            problem_pooling=None if pooling is None else pooling.digest,
        )
        for row, text, vector, distribution, problem_vector in zip(
            frame.itertuples(index=False), texts, vectors, predicted, problem_vectors
        )
    ]
    order = sorted(range(len(entries)), key=lambda i: (entries[i].created_at, i))
    return [entries[i] for i in order]


def exact_resubmissions(name: str, settings: Settings) -> dict[str, set[str]]:
    """Later copy -> ids of its earlier identical copies (normalised text of at least EXACT_MIN_WORDS distinct
    words, the index's own rule for a resubmission)."""
    frame = load_dataset(name, settings)
    order = frame.assign(_n=_texts(frame)).sort_values("created_at", kind="stable")
    seen: dict[str, list[str]] = {}
    queries: dict[str, set[str]] = {}
    for report_id, text in zip(order["id"], order["_n"]):
        words = normalized_text(text)
        if len(set(words.split())) < EXACT_MIN_WORDS:
            continue
        if words in seen:
            queries[str(report_id)] = set(seen[words])
        seen.setdefault(words, []).append(str(report_id))
    return queries


# ---------------------------------------------------------------------------- replay


@dataclass
class Replay:
    """What the index answered for each query, and its verdict on each annotated pair."""

    top: dict[str, list[DuplicateCandidate]] = field(default_factory=dict)
    pairs: dict[tuple[str, str], DuplicateCandidate | None] = field(default_factory=dict)


def replay(
    entries: Iterable[DuplicateEntry],
    index: DuplicateIndex,
    queries: set[str],
    pairs: Iterable[tuple[str, str]] = (),
    k: int = 5,
    on_query: Callable[[DuplicateIndex, DuplicateEntry], None] | None = None,
) -> Replay:
    """Add `entries` in their order; each query is searched against the reports before it, then added.

    A pair whose candidate comes after its query (both filed in the same minute, the export order putting
    the candidate second) is judged once the candidate is in.
    """
    pairs_of: dict[str, list[str]] = {}
    for query_id, candidate_id in pairs:
        pairs_of.setdefault(query_id, []).append(candidate_id)
    result = Replay()
    pending: list[DuplicateEntry] = []
    waiting: dict[str, list[DuplicateEntry]] = {}  # candidate id -> queries that came before it
    for entry in entries:
        if entry.id in queries or entry.id in pairs_of or entry.id in waiting:
            index.add(pending)
            pending = []
        if entry.id in queries:
            result.top[entry.id] = index.search(entry, k)
            if on_query is not None:
                on_query(index, entry)
        for candidate_id in pairs_of.get(entry.id, ()):
            if candidate_id in index:
                result.pairs[entry.id, candidate_id] = index.compare(entry, candidate_id)
            else:
                waiting.setdefault(candidate_id, []).append(entry)
        pending.append(entry)
        if entry.id in waiting:
            index.add(pending)
            pending = []
            for query in waiting.pop(entry.id):
                result.pairs[query.id, entry.id] = index.compare(query, entry.id)
    index.add(pending)
    return result


UNLABELLED_WEIGHT = 0.02
"""Weight of the other candidates in a dev query's pool, taken as negatives. Most are unrelated reports,
but in a flood some are unannotated duplicates too, so together (about 20,000) they weigh about as much
as the 250 annotated pairs."""


def candidate_features(settings: Settings, part: str = "dev") -> pd.DataFrame:
    """One row per (query, candidate) of the annotated `part` queries: every candidate of the query's search
    pool and every annotated pair within the window and radius, with the evidence features.

    Columns: query_id, candidate_id, source, label (1 duplicate, 0 not, NaN unannotated), in_pool, and one
    column per name in FEATURES.
    """
    gold = load_gold(settings)
    present = set(available_datasets(settings))
    gold = gold[(gold["part"] == part) & gold["source"].isin([s for s in SOURCES if s in present])]
    if gold.empty:
        raise DuplicatesUnavailableError(f"no annotated '{part}' pairs for the exports present")
    labels = {
        (q, c): float(label == "duplicate")
        for q, c, label in gold[["query_id", "candidate_id", "label"]].itertuples(index=False)
    }
    annotated: dict[str, list[str]] = {}
    for q, c in labels:
        annotated.setdefault(q, []).append(c)
    rows: list[dict] = []

    def collect(index: DuplicateIndex, entry: DuplicateEntry) -> None:
        ids, features = index.pool_features(entry)
        found = [(candidate_id, x, True) for candidate_id, x in zip(ids, features)]
        pooled = set(ids)
        for candidate_id in annotated[entry.id]:
            if candidate_id not in pooled and candidate_id in index:
                x = index.pair_features(entry, candidate_id)
                if x is not None:  # None: outside the window or radius, never a candidate
                    found.append((candidate_id, x, False))
        for candidate_id, x, in_pool in found:
            label = labels.get((entry.id, candidate_id), np.nan)
            rows.append(
                {
                    "query_id": entry.id,
                    "candidate_id": candidate_id,
                    "source": source,
                    "label": label,
                    "in_pool": in_pool,
                }
                | dict(zip(FEATURES, x))
            )

    for source in gold["source"].unique():
        source_gold = gold[gold["source"] == source]
        replay(dataset_entries(source, settings), make_index(settings), set(source_gold["query_id"]), on_query=collect)
    return pd.DataFrame(rows)


def threshold_for_precision(scores: np.ndarray, labels: np.ndarray, target: float) -> float:
    """The lowest score threshold whose precision on (scores, labels) reaches `target` (1.0 if none does)."""
    order = np.argsort(-scores, kind="stable")
    precision = np.cumsum(labels[order]) / np.arange(1, len(order) + 1)
    return _lowest_score_where(scores[order], precision >= target)


def threshold_for_precision_bound(
    scores: np.ndarray,
    labels: np.ndarray,
    groups: np.ndarray,
    target: float,
    confidence: float = 0.95,
    n_resamples: int = 1000,
    random_state: int = 0,
) -> float:
    """The lowest score threshold whose precision reaches `target` at the lower end of a one-sided
    `confidence` bootstrap interval (1.0 if none does).

    The bootstrap draws whole `groups` (queries): the pairs of one query share its text, so they are not
    independent evidence. A threshold whose point estimate just reaches the target misses it on fresh pairs
    about half the time; this one leaves a margin for the estimation error."""
    order = np.argsort(-scores, kind="stable")
    _, group_of = np.unique(np.asarray(groups)[order], return_inverse=True)
    n_groups = group_of.max() + 1 if len(group_of) else 0
    rng = np.random.default_rng(random_state)
    draws = rng.multinomial(n_groups, np.full(n_groups, 1 / max(n_groups, 1)), size=n_resamples)[:, group_of]
    flagged = np.cumsum(draws, axis=1)
    hits = np.cumsum(draws * labels[order], axis=1)
    precision = np.where(flagged > 0, hits / np.maximum(flagged, 1), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a top pair no resample drew: all NaN, never passes
        lower = np.nanquantile(precision, 1 - confidence, axis=0)
    return _lowest_score_where(scores[order], lower >= target)


def _lowest_score_where(sorted_scores: np.ndarray, passing: np.ndarray) -> float:
    ok = np.nonzero(passing)[0]
    return float(sorted_scores[ok[-1]]) if len(ok) else 1.0


def ranking_recall(frame: pd.DataFrame, scores: np.ndarray, k: int) -> float:
    """Share of queries with an annotated duplicate among their candidates that have one in their top k."""
    ranked = frame.assign(_score=scores).sort_values(["query_id", "_score"], ascending=[True, False])
    top = ranked.groupby("query_id").head(k)
    with_duplicate = set(frame.loc[frame["label"] == 1, "query_id"])
    found = set(top.loc[top["label"] == 1, "query_id"])
    return len(found) / max(len(with_duplicate), 1)


def _training_mask(frame: pd.DataFrame, near_exact_threshold: float) -> np.ndarray:
    annotated = frame["label"].notna().to_numpy()
    # A near-exact copy nobody annotated is no evidence of a non-duplicate.
    near_exact = frame["lexical_similarity"].to_numpy() >= near_exact_threshold
    return annotated | ~near_exact


def _fit(frame: pd.DataFrame, C: float) -> DuplicateScorer:
    annotated = frame["label"].notna().to_numpy()
    return DuplicateScorer(C=C).fit(
        frame[list(FEATURES)].to_numpy(),
        frame["label"].fillna(0).to_numpy(),
        sample_weight=np.where(annotated, 1.0, UNLABELLED_WEIGHT),
    )


def fit_duplicate_scorer(
    settings: Settings | None = None,
    C: float = 1.0,
    folds: int = 5,
    confidence: float = 0.95,
    log_to_mlflow: bool = True,
) -> dict:
    """Fit the scorer on the dev part and choose the likely-duplicate threshold there.

    The threshold is the lowest score at which the precision on the annotated dev pairs reaches the target
    precision with `confidence` (:func:`threshold_for_precision_bound`), judged on out-of-fold scores (folds
    grouped by query), so it is not tuned on pairs the model was fitted on. Returns the coefficients, the
    threshold (and the lower one where the point estimate alone reaches the target) and the out-of-fold dev
    figures at the threshold.
    """
    from sklearn.model_selection import GroupKFold

    settings = settings or get_settings()
    frame = candidate_features(settings, "dev")
    trainable = _training_mask(frame, settings.duplicate_near_exact_threshold)
    out_of_fold = np.zeros(len(frame))
    for train, test in GroupKFold(folds).split(frame, groups=frame["query_id"]):
        scorer = _fit(frame.iloc[train[trainable[train]]], C)
        out_of_fold[test] = scorer.probability(frame.iloc[test][list(FEATURES)].to_numpy())
    annotated = frame["label"].notna().to_numpy()
    truth = frame["label"].to_numpy()[annotated] == 1
    target = settings.duplicate_target_precision
    threshold = threshold_for_precision_bound(
        out_of_fold[annotated], truth, frame["query_id"].to_numpy()[annotated], target, confidence
    )
    likely = out_of_fold[annotated] >= threshold
    scorer = _fit(frame[trainable], C)
    result = {
        **scorer.to_dict(),
        "threshold": round(threshold, 4),
        "threshold_point_estimate": round(threshold_for_precision(out_of_fold[annotated], truth, target), 4),
        "dev_precision": float((likely & truth).sum() / max(likely.sum(), 1)),
        "dev_recall": float((likely & truth).sum() / max(truth.sum(), 1)),
        "dev_recall_at_1": ranking_recall(frame, out_of_fold, 1),
        "dev_recall_at_5": ranking_recall(frame, out_of_fold, 5),
        "n_annotated": int(annotated.sum()),
        "n_unlabelled": int((trainable & ~annotated).sum()),
        "n_queries": int(frame["query_id"].nunique()),
    }
    if log_to_mlflow:
        registry.configure(settings)
        with mlflow.start_run(run_name="duplicates-scorer"):
            mlflow.set_tags({"stage": "duplicates"})
            mlflow.log_params(
                {
                    "C": C,
                    "folds": folds,
                    "unlabelled_weight": UNLABELLED_WEIGHT,
                    "features": ",".join(FEATURES),
                    "target_precision": target,
                    "threshold_confidence": confidence,
                    "near_exact_threshold": settings.duplicate_near_exact_threshold,
                }
            )
            mlflow.log_metrics({k: v for k, v in result.items() if k.startswith(("dev_", "n_", "threshold"))})
            mlflow.log_dict(result, "duplicate_scorer.json")
    return result


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        print(json.dumps(fit_duplicate_scorer(), indent=2))
    except (DuplicatesUnavailableError, DatasetUnavailableError) as error:
        raise SystemExit(f"duplicate scorer not fitted: {error}") from None


if __name__ == "__main__":
    main()
