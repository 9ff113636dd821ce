"""The hand-written Jakarta duplicate pairs: loading them, indexing them as the service would, and their figures.

``data/annotations/duplicates_handwritten.jsonl`` (format and provenance in ``duplicates_guidelines.md``) holds
pairs of made-up Jakarta reports with points, times, kelurahan, citizen category and reporter reference, of five
kinds: ``same_place_other_problem``, ``paraphrase_same_problem``, ``retyped_resubmission``,
``same_problem_other_place`` and ``nearby_unrelated``. A part's reports are indexed in time order, as the service
would receive them: each is masked (:func:`models.triage.report_text`), embedded, given the category model's
predicted distribution (the served top labels) and the keyed hash of its reporter reference (an evaluation key:
the index sees hashes only), searched among the reports before it, then added.

Figures per part (:func:`handwritten_figures`):

- per kind: ``likely_rate`` (share of pairs whose later report the index calls a likely duplicate of the
  earlier), ``recall_at_5`` (the earlier report among the later one's top 5), ``resubmission_rate``;
- ``same_place_other_problem.false_duplicate_rate`` (= its likely_rate; target at most 0.05);
- ``paraphrase_same_problem.recall_at_5`` and ``.precision``: the likely-duplicate precision on the
  paraphrases and every not_duplicate pair of the part (resubmissions left out, so they cannot pad it);
- ``retyped_resubmission.recall``: share of resubmissions flagged as resubmissions;
- overall ``precision``/``recall`` of the likely flag over every pair of the part.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import mlflow
import numpy as np

from models.duplicates import DuplicateCandidate, DuplicateEntry, duplicate_text, embed_problems
from models.report import Report
from models.settings import Settings
from models.triage import report_text
from training import registry
from training.duplicates import make_index, problem_pooling_of, replay, scored_as

log = logging.getLogger(__name__)

HANDWRITTEN = Path("annotations") / "duplicates_handwritten.jsonl"
KINDS = (
    "same_place_other_problem",
    "paraphrase_same_problem",
    "retyped_resubmission",
    "same_problem_other_place",
    "nearby_unrelated",
)
SIDES = ("earlier", "later")
EVALUATION_KEY = b"triase-handwritten-evaluation"
"""HMAC key for the reporter references of the hand-written pairs (the service keeps its own key)."""
SERVED_TOP_K = 3
"""Predicted labels kept per report when the settings name none: the service's default `top_k`."""


class HandwrittenUnavailableError(FileNotFoundError):
    """No hand-written pairs file, or none of its pairs in the part asked for."""


def default_path(settings: Settings) -> Path:
    return Path(settings.assets_dir) / HANDWRITTEN


def load_pairs(path: Path | str, part: str | None = None) -> list[dict]:
    """The pairs of `path` (JSONL), those of `part` only when given; raises ValueError naming a bad line."""
    path = Path(path)
    if not path.is_file():
        raise HandwrittenUnavailableError(f"no hand-written duplicate pairs at {path}")
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            pair = json.loads(line)
            for key in ("pair_id", "part", "kind", "label", *SIDES):
                pair[key]  # noqa: B018 - a missing field is a KeyError naming it
            for side in SIDES:
                for key in ("id", "text", "created_at", "lat", "lon"):
                    pair[side][key]  # noqa: B018
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}:{number}: not a hand-written pair ({error!r})") from None
        if pair["kind"] not in KINDS or pair["label"] not in ("duplicate", "not_duplicate"):
            raise ValueError(f"{path}:{number}: unknown kind {pair['kind']!r} or label {pair['label']!r}")
        if part is None or pair["part"] == part:
            pairs.append(pair)
    if not pairs:
        raise HandwrittenUnavailableError(f"no hand-written pairs of part {part!r} in {path}")
    return pairs


def side_report(side: dict) -> Report:
    return Report(
        id=side["id"],
        text=side["text"],
        category=side.get("category"),
        created_at=datetime.fromisoformat(side["created_at"]),
        lat=side["lat"],
        lon=side["lon"],
        kelurahan=side.get("kelurahan"),
        reporter_ref=side.get("reporter_ref"),
    )


@contextmanager
def _tracking(uri: str):
    """Read another MLflow store without leaving the process pointed at it (later runs log to the usual one)."""
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(uri)
    try:
        yield
    finally:
        mlflow.set_tracking_uri(previous)


def load_category_model(settings: Settings, model_home: Path | str | None = None):
    """The champion triage model of `model_home`'s MLflow store (default: the settings' home), read-only."""
    home = Path(model_home) if model_home is not None else settings.home
    uri = f"sqlite:///{home / 'mlflow.db'}" if model_home is not None else settings.tracking_uri
    with _tracking(uri):
        client = mlflow.MlflowClient(tracking_uri=uri)
        return registry.load_champion(client, settings.model_name, settings.embedder_dir)


def entries(pairs: list[dict], settings: Settings, category_model=None) -> list[DuplicateEntry]:
    """Index entries of every report of `pairs`, in time order; without a category model, no predicted
    distribution (the problem evidence then rests on the problem words); the problem vectors of a registered
    model's bundle, where it has them."""
    model = getattr(category_model, "model", category_model)  # a RegisteredModel or the TriageModel itself
    pooling = problem_pooling_of(category_model)
    reports = [side_report(pair[side]) for pair in pairs for side in SIDES]
    texts = [report_text(r) for r in reports]
    vectors, problem_vectors = embed_problems([duplicate_text(None, t) for t in texts], settings.embedder_dir, pooling)
    problem_vectors = problem_vectors if problem_vectors is not None else [None] * len(reports)
    predicted: list = [None] * len(reports)
    if model is not None:
        top_k = getattr(settings, "top_k", SERVED_TOP_K)
        predictions = model.predict(reports, top_k=top_k, texts=texts)
        predicted = [p.category.top_k for p in predictions]
    built = [
        DuplicateEntry.from_report(
            r.id,
            text,
            vector,
            r.created_at,
            lat=r.lat,
            lon=r.lon,
            kelurahan=r.kelurahan,
            category=r.category,
            category_probabilities=distribution,
            reporter_hash=None
            if not r.reporter_ref
            else hmac.new(EVALUATION_KEY, r.reporter_ref.strip().encode(), hashlib.sha256).hexdigest(),
            problem_vector=problem_vector,
            problem_pooling=None if pooling is None else pooling.digest,
        )
        for r, text, vector, distribution, problem_vector in zip(reports, texts, vectors, predicted, problem_vectors)
    ]
    return sorted(built, key=lambda e: (e.created_at, e.id))


@dataclass
class Verdicts:
    """What the index said of each pair: the pair's candidate (None outside the window/radius) and the later
    report's top 5."""

    pair: dict[str, DuplicateCandidate | None]
    top: dict[str, list[DuplicateCandidate]]


def judge(pairs: list[dict], settings: Settings, category_model=None, index=None) -> Verdicts:
    """What the index says of each pair, replayed in time order; with a registered model, scored as its bundle
    scores (duplicate scorer, thresholds, problem vectors), as the service would."""
    found = replay(
        entries(pairs, settings, category_model),
        scored_as(index if index is not None else make_index(settings), category_model),
        queries={p["later"]["id"] for p in pairs},
        pairs=[(p["later"]["id"], p["earlier"]["id"]) for p in pairs],
    )
    return Verdicts(
        pair={p["pair_id"]: found.pairs.get((p["later"]["id"], p["earlier"]["id"])) for p in pairs},
        top={p["pair_id"]: found.top.get(p["later"]["id"], []) for p in pairs},
    )


def _share(flags: list[bool]) -> float:
    return float(np.mean(flags)) if flags else float("nan")


def _precision(pairs: list[dict], likely: dict[str, bool]) -> float:
    flagged = [p for p in pairs if likely[p["pair_id"]]]
    return _share([p["label"] == "duplicate" for p in flagged]) if flagged else float("nan")


def figures(pairs: list[dict], verdicts: Verdicts) -> dict:
    """The figures of the module docstring for `pairs` and what the index said of them."""
    likely = {pid: c is not None and c.likely_duplicate for pid, c in verdicts.pair.items()}
    resubmitted = {pid: c is not None and c.resubmission for pid, c in verdicts.pair.items()}
    in_top5 = {p["pair_id"]: any(c.id == p["earlier"]["id"] for c in verdicts.top[p["pair_id"]][:5]) for p in pairs}
    result: dict = {}
    for kind in KINDS:
        ids = [p["pair_id"] for p in pairs if p["kind"] == kind]
        result[kind] = {
            "n": len(ids),
            "likely_rate": _share([likely[i] for i in ids]),
            "recall_at_5": _share([in_top5[i] for i in ids]),
            "resubmission_rate": _share([resubmitted[i] for i in ids]),
        }
    result["same_place_other_problem"]["false_duplicate_rate"] = result["same_place_other_problem"]["likely_rate"]
    for kind in ("same_problem_other_place", "nearby_unrelated"):
        result[kind]["false_duplicate_rate"] = result[kind]["likely_rate"]
    without_resubmissions = [p for p in pairs if p["kind"] != "retyped_resubmission"]
    result["paraphrase_same_problem"]["precision"] = _precision(without_resubmissions, likely)
    result["paraphrase_same_problem"]["recall"] = result["paraphrase_same_problem"]["likely_rate"]
    result["retyped_resubmission"]["recall"] = result["retyped_resubmission"]["resubmission_rate"]
    duplicates = [p for p in pairs if p["label"] == "duplicate"]
    result["precision"] = _precision(pairs, likely)
    result["recall"] = _share([likely[p["pair_id"]] for p in duplicates])
    result["n_pairs"] = len(pairs)
    return result


def handwritten_figures(
    settings: Settings,
    path: Path | str | None = None,
    part: str = "heldout",
    category_model=None,
    model_metadata: dict | None = None,
) -> dict:
    """:func:`figures` on the `part` of the hand-written pairs at `path` (default: the project's file);
    `category_model`: a :class:`models.triage.TriageModel` (None: no predicted distributions)."""
    path = Path(path) if path is not None else default_path(settings)
    pairs = load_pairs(path, part)
    result = figures(pairs, judge(pairs, settings, category_model))
    result["part"] = part
    result["file"] = path.name
    result["category_model"] = None
    if category_model is not None:
        metadata = model_metadata or {}
        result["category_model"] = {key: metadata.get(key) for key in ("dataset", "trained_at") if key in metadata}
    return result
