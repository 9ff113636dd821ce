"""How well the duplicate index finds the earlier report a new one repeats.

Two ground truths, both replayed in time order (every report is searched against all reports of its source
filed at or before it, then added, as the service would see them):

- ``duplicates``: the hand-annotated pairs ``<assets_dir>/annotations/duplicates.jsonl`` (ids and labels
  only; format and guidelines beside it). recall@k: share of queries with an annotated duplicate that have
  one in the top k. precision/recall: the likely-duplicate decision on every annotated pair (a pair outside
  the window or radius is "not likely"). Reported on the ``heldout`` part; the scorer was fitted on ``dev``.
- ``duplicates_exact``: natural identical resubmissions: a report whose normalised text (at least
  ``EXACT_MIN_WORDS`` distinct words; shorter texts such as "pju padam" recur from different people) equals an
  earlier one's. recall@k: an earlier copy is in the top k. precision: share of queries whose top candidate
  is flagged likely where that candidate is a copy; recall: share whose top candidate is a copy and flagged.

The ``duplicates`` section also holds the figures of the hand-written Jakarta pairs
(:mod:`training.duplicates_handwritten`; a part of ``data/annotations/duplicates_handwritten.jsonl`` or of
another file of that format): ``same_place_other_problem.false_duplicate_rate``,
``paraphrase_same_problem.recall_at_5`` and ``.precision``, ``retyped_resubmission.recall``, the other kinds'
rates, and ``handwritten`` (overall precision/recall, part, file, category model). The reports of both ground
truths get the category model's predicted distribution (the champion of ``--model-home``'s MLflow store, read
only; default the settings' home; none found: the problem evidence rests on the problem words).

Embeddings of the datasets take minutes on two cores, so they are cached under ``home``/cache/duplicates,
keyed by a digest of the embedded (masked) texts, the embedder's weights and the encoding settings. Nothing
here prints text.

    python -m training.evaluate_duplicates          # JSON with both sections, heldout parts
    python -m training.evaluate_duplicates --part dev --handwritten-part dev --model-home /work/cache/home-sby
    python -m training.evaluate_duplicates --handwritten /path/test.jsonl --handwritten-part test --skip-real
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from models.duplicates import DuplicateCandidate, DuplicateIndex
from models.settings import Settings, get_settings
from training.datasets import DatasetUnavailableError, available_datasets
from training.duplicates import (
    SOURCES,
    DuplicatesUnavailableError,
    Replay,
    dataset_entries,
    exact_resubmissions,
    load_gold,
    make_index,
    replay,
    scored_as,
)
from training.duplicates_handwritten import HandwrittenUnavailableError, handwritten_figures, load_category_model
from training.registry import RegistryError

log = logging.getLogger(__name__)

__all__ = ["evaluate_duplicates"]


def _recall_at(top: dict[str, list[DuplicateCandidate]], truth: dict[str, set[str]], k: int) -> float:
    hits = [any(c.id in truth[q] for c in top.get(q, [])[:k]) for q in truth]
    return float(np.mean(hits)) if hits else float("nan")


def _pair_scores(result: Replay, gold: pd.DataFrame) -> dict[str, float]:
    verdicts = [result.pairs.get(pair) for pair in zip(gold["query_id"], gold["candidate_id"])]
    likely = np.array([c is not None and c.likely_duplicate for c in verdicts], dtype=bool)
    truth = (gold["label"] == "duplicate").to_numpy()
    true_positives = int((likely & truth).sum())
    return {
        "precision": true_positives / max(int(likely.sum()), 1),
        "recall": true_positives / max(int(truth.sum()), 1),
    }


def _top1_scores(top: dict[str, list[DuplicateCandidate]], truth: dict[str, set[str]]) -> dict[str, float]:
    flagged = [q for q in truth if top.get(q) and top[q][0].likely_duplicate]
    correct = [q for q in flagged if top[q][0].id in truth[q]]
    return {"precision": len(correct) / max(len(flagged), 1), "recall": len(correct) / max(len(truth), 1)}


@dataclass
class _Answers:
    """What the index answered on one part of the ground truth (one source, or all)."""

    gold: pd.DataFrame
    annotated: dict[str, set[str]] = field(default_factory=dict)
    annotated_top: dict[str, list[DuplicateCandidate]] = field(default_factory=dict)
    pairs: dict[tuple[str, str], DuplicateCandidate | None] = field(default_factory=dict)
    exact: dict[str, set[str]] = field(default_factory=dict)
    exact_top: dict[str, list[DuplicateCandidate]] = field(default_factory=dict)

    def merge(self, other: _Answers) -> None:
        self.gold = pd.concat([self.gold, other.gold])
        for name in ("annotated", "annotated_top", "pairs", "exact", "exact_top"):
            getattr(self, name).update(getattr(other, name))

    def duplicates(self) -> dict:
        return {
            "recall_at_1": _recall_at(self.annotated_top, self.annotated, 1),
            "recall_at_5": _recall_at(self.annotated_top, self.annotated, 5),
            **_pair_scores(Replay(pairs=self.pairs), self.gold),
            "n_pairs": len(self.gold),
            "n_queries": len(self.annotated),
        }

    def duplicates_exact(self) -> dict:
        return {
            "recall_at_1": _recall_at(self.exact_top, self.exact, 1),
            "recall_at_5": _recall_at(self.exact_top, self.exact, 5),
            **_top1_scores(self.exact_top, self.exact),
            "n": len(self.exact),
        }


def _answers(
    source: str, gold: pd.DataFrame, index: DuplicateIndex, settings: Settings, category_model=None
) -> _Answers:
    answers = _Answers(gold=gold[gold["source"] == source])
    for q, c in answers.gold.loc[answers.gold["label"] == "duplicate", ["query_id", "candidate_id"]].itertuples(
        index=False
    ):
        answers.annotated.setdefault(q, set()).add(c)
    answers.exact = exact_resubmissions(source, settings)
    result = replay(
        dataset_entries(source, settings, category_model),
        index,
        queries=set(answers.gold["query_id"]) | set(answers.exact),
        pairs=zip(answers.gold["query_id"], answers.gold["candidate_id"]),
    )
    answers.annotated_top = {q: result.top[q] for q in answers.annotated}
    answers.exact_top = {q: result.top[q] for q in answers.exact}
    answers.pairs = result.pairs
    return answers


def _category_model(settings: Settings, model_home: Path | str | None):
    """The registered champion (read-only): its predicted distributions and problem vectors go to the index, which
    scores as its bundle does; None without one."""
    try:
        return load_category_model(settings, model_home)
    except (RegistryError, OSError) as error:
        log.warning("no category model (%s): the problem evidence rests on the problem words", error)
        return None


def evaluate_duplicates(
    settings: Settings | None = None,
    part: str = "heldout",
    index_factory: Callable[[], DuplicateIndex] | None = None,
    handwritten: Path | str | None = None,
    handwritten_part: str | None = None,
    model_home: Path | str | None = None,
    real: bool = True,
    category_model=None,
) -> dict[str, dict]:
    """Both sections on the `part` of the annotated pairs, each with the same figures per source under
    ``by_source``, and the hand-written pairs' figures (file `handwritten`, default the project's; part
    `handwritten_part`, default `part`) in the ``duplicates`` section. `real=False` leaves out the real pairs.
    Raises DuplicatesUnavailableError (a FileNotFoundError) when neither ground truth is available."""
    settings = settings or get_settings()
    if category_model is None:
        category_model = _category_model(settings, model_home)
    try:
        hand = handwritten_figures(
            settings,
            handwritten,
            handwritten_part or part,
            category_model,
            getattr(getattr(category_model, "model", category_model), "metadata", None),
        )
    except HandwrittenUnavailableError as error:
        if handwritten is not None:
            raise
        log.warning("hand-written duplicate pairs skipped: %s", error)
        hand = None
    if not real:
        if hand is None:
            raise DuplicatesUnavailableError("no hand-written pairs and the real pairs left out")
        return {"duplicates": _with_handwritten({}, hand)}
    try:
        sections = _real_sections(settings, part, index_factory, category_model)
    except DuplicatesUnavailableError:
        if hand is None:
            raise
        log.warning("real annotated pairs unavailable: the duplicates section holds the hand-written pairs only")
        return {"duplicates": _with_handwritten({}, hand)}
    sections["duplicates"] = _with_handwritten(sections["duplicates"], hand)
    return sections


_HANDWRITTEN_SUMMARY = ("precision", "recall", "n_pairs", "part", "file", "category_model")


def _with_handwritten(section: dict, hand: dict | None) -> dict:
    if hand is None:
        return section
    kinds = {key: value for key, value in hand.items() if key not in _HANDWRITTEN_SUMMARY}
    return {**section, **kinds, "handwritten": {key: hand[key] for key in _HANDWRITTEN_SUMMARY}}


def _real_sections(
    settings: Settings, part: str, index_factory: Callable[[], DuplicateIndex] | None, category_model
) -> dict[str, dict]:
    gold = load_gold(settings)
    present = set(available_datasets(settings))
    sources = [s for s in SOURCES if s in present]
    if not sources:
        raise DuplicatesUnavailableError("none of the annotated exports is present under TRIASE_DATA_DIR")
    index_factory = index_factory or (lambda: make_index(settings))
    gold = gold[gold["part"] == part]
    per_source = {
        source: _answers(source, gold, scored_as(index_factory(), category_model), settings, category_model)
        for source in sources
    }
    total = _Answers(gold=gold.iloc[:0])
    for answers in per_source.values():
        total.merge(answers)
    common = {"threshold": index_factory().likely_threshold}
    return {
        "duplicates": {
            **total.duplicates(),
            **common,
            "part": part,
            "by_source": {source: answers.duplicates() for source, answers in per_source.items()},
        },
        "duplicates_exact": {
            **total.duplicates_exact(),
            **common,
            "by_source": {source: answers.duplicates_exact() for source, answers in per_source.items()},
        },
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Duplicate figures on the annotated and hand-written pairs (JSON).")
    parser.add_argument("--part", default="heldout", help="Part of the real annotated pairs (dev or heldout).")
    parser.add_argument("--handwritten", type=Path, help="Hand-written pairs file (default: the project's).")
    parser.add_argument("--handwritten-part", help="Part of the hand-written pairs (default: --part), e.g. test.")
    parser.add_argument(
        "--model-home", type=Path, help="TRIASE_HOME whose champion predicts the categories (read only)."
    )
    parser.add_argument("--skip-real", action="store_true", help="Only the hand-written pairs.")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        result = evaluate_duplicates(
            part=args.part,
            handwritten=args.handwritten,
            handwritten_part=args.handwritten_part,
            model_home=args.model_home,
            real=not args.skip_real,
        )
    except (DuplicatesUnavailableError, DatasetUnavailableError) as error:
        raise SystemExit(f"duplicates evaluation skipped: {error}") from None
    except ValueError as error:
        raise SystemExit(f"duplicates evaluation failed: {error}") from None
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
