"""Fit the duplicate check's learned problem vectors (`models.duplicates.problem_vectors`) and their threshold.

The pairs are the hand-written Jakarta pairs of ``data/annotations/duplicates_handwritten.jsonl`` (every part in
the file: each was written by another blind writer; sealed test parts stay outside the repository). A pair is
about the same problem when one handling would resolve both problems, wherever they are: paraphrases,
resubmissions and one kind of problem at two places are; two problems at one place and unrelated neighbours are
not. Each report is read as the service reads it: masked (`models.triage.report_text`), as its duplicate text.

The threshold is set out of fold by writer: the pooling is fitted on half of the parts and scores the other half,
then the other way round, and the threshold keeps ``duplicate_problem_vector_recall`` of the same-problem pairs
above it. The bundle's pooling is then fitted on every pair.
"""

import hashlib
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from models.duplicates import duplicate_text
from models.duplicates.problem_vectors import ProblemPooling, similarity
from models.sentence_vectors import token_states
from models.settings import Settings
from models.triage import report_text
from training.duplicates_handwritten import SIDES, default_path, load_pairs, side_report

log = logging.getLogger(__name__)

SAME_PROBLEM_KINDS = frozenset({"paraphrase_same_problem", "retyped_resubmission", "same_problem_other_place"})


def fit_problem_pooling(settings: Settings) -> tuple[ProblemPooling, float, dict[str, Any]] | None:
    """(pooling fitted on every hand-written pair, threshold, what the fit measured); None without the pairs."""
    path = default_path(settings)
    if not path.is_file():
        log.warning("no hand-written duplicate pairs at %s: the bundle has no problem vectors", path)
        return None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return _fit(path, digest, str(settings.embedder_dir), settings.duplicate_problem_vector_recall)


@lru_cache(maxsize=2)
def _fit(path: Path, digest: str, embedder_dir: str, recall: float) -> tuple[ProblemPooling, float, dict[str, Any]]:
    # Cached per process (keyed by the file's sha256): encoding two thousand texts and fitting take a minute,
    # and a bundle only reads the result.
    pairs = load_pairs(path)
    earlier, later = pair_states(pairs, embedder_dir)
    return fit_on_pairs(pairs, earlier, later, recall)


def pair_states(pairs: list[dict], embedder_dir: str) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The final token states of each pair's earlier and later report, read as the service reads them."""
    texts = [duplicate_text(None, report_text(side_report(pair[side]))) for pair in pairs for side in SIDES]
    states = token_states(texts, embedder_dir)
    return states[0::2], states[1::2]


def fit_on_pairs(
    pairs: list[dict], earlier: list[np.ndarray], later: list[np.ndarray], recall: float
) -> tuple[ProblemPooling, float, dict[str, Any]]:
    """(pooling fitted on every pair, the threshold set out of fold by halves of the parts, what was measured)."""
    same = np.array([pair["kind"] in SAME_PROBLEM_KINDS for pair in pairs])
    kinds = np.array([pair["kind"] for pair in pairs])
    parts = np.array([pair["part"] for pair in pairs])
    halves = np.isin(parts, sorted(set(parts))[0::2])
    out_of_fold = np.zeros(len(pairs))
    for held in (halves, ~halves):
        pooling = ProblemPooling().fit(_rows(earlier, ~held), _rows(later, ~held), same[~held])
        out_of_fold[held] = similarity(pooling.transform(_rows(earlier, held)), pooling.transform(_rows(later, held)))
    threshold = float(np.quantile(out_of_fold[same], 1.0 - recall))
    other_problem = kinds == "same_place_other_problem"
    measured = {
        "pairs": len(pairs),
        "parts": sorted(map(str, set(parts))),
        "threshold": round(threshold, 4),
        "out_of_fold_same_problem_kept": round(float(np.mean(out_of_fold[same] >= threshold)), 4),
        "out_of_fold_same_place_other_problem_kept": round(float(np.mean(out_of_fold[other_problem] >= threshold)), 4),
    }
    log.info("problem vectors: %s", measured)
    return ProblemPooling().fit(earlier, later, same), threshold, measured


def _rows(states: list[np.ndarray], keep: np.ndarray) -> list[np.ndarray]:
    return [s for s, kept in zip(states, keep) if kept]
