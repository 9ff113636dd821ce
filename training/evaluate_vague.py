"""How well the vague flag agrees with the hand annotation: the test part, development figures beside.

The scorer is fitted on the development parts (``training.vague.DEVELOPMENT_PARTS``) of
``<assets_dir>/annotations/vague.jsonl`` and scored on the test part (``training.vague.TEST_PART``), which
was drawn and labelled after the scorer was frozen (see :mod:`training.vague` and the guidelines). Beside it,
``development`` gives the stratified 5-fold cross-validated figures on the development parts,
where the cues were written (an optimistic figure). Nothing here prints or returns report text.
The configured mode (``TRIASE_VAGUE_MODE``, ``auto`` = learned where the real exports are
present) gives the top-level figures; the rules mode, the one a machine without the real data
runs, is always reported too under ``rules``.

    python -m training.evaluate_vague                 # JSON; exits with a message when the real data is absent
    python -m training.evaluate_vague --draw test5 2031   # the ids of a part as drawn (test3: 2029, train1: 3031)
"""

import argparse
import json
import re
from typing import Any

import numpy as np
import pandas as pd

from models.settings import Settings, get_settings
from training.datasets import load_dataset
from training.vague import (
    DATASET_OF_PREFIX,
    PARTS,
    VagueDataUnavailableError,
    annotated_reports,
    cross_validate_vague,
    fit_vague_scorer,
    load_vague_annotations,
)

__all__ = ["FRESH_PART_PLAN", "VagueDataUnavailableError", "draw_part_ids", "draw_vague_part", "evaluate_vague"]

SUMMARY = ("precision", "recall", "f1", "threshold", "mode")
DEVELOPMENT_SUMMARY = ("precision", "recall", "f1", "n", "n_vague", "folds", "parts")


def evaluate_vague(settings: Settings | None = None, log_run: bool = False) -> dict[str, Any]:
    """Test-part precision, recall and F1 of the vague flag, per reason and per stratum.

    Keys: ``precision``, ``recall``, ``f1``, ``threshold``, ``mode``, ``evaluated_on`` (the test part),
    ``n_test``, ``n_vague``, ``reason_flag_recall`` / ``reason_recall`` / ``reason_precision``
    (per reason code), ``by_stratum``, ``development`` (cross-validated figures on the
    development parts), and ``rules`` (the same figures of the rules mode). Raises
    :class:`VagueDataUnavailableError` (a ``DatasetUnavailableError``) when the annotated
    reports cannot be loaded.
    """
    settings = settings or get_settings()
    annotated = annotated_reports(settings)
    _, configured = fit_vague_scorer(settings, part="development", log_run=log_run, annotated=annotated)
    if configured["mode"] == "rules":
        rules = configured
    else:
        _, rules = fit_vague_scorer(settings, part="development", mode="rules", log_run=log_run, annotated=annotated)
    result = {key: configured[key] for key in SUMMARY}
    result["evaluated_on"] = configured["evaluated_on"]
    result["n_test"] = configured["n"]
    result["n_vague"] = configured["n_vague"]
    for key in ("reason_flag_recall", "reason_recall", "reason_precision", "by_stratum"):
        result[key] = configured[key]
    result["development"] = _development(settings, configured["mode"], annotated)
    result["rules"] = {key: rules[key] for key in (*SUMMARY, "reason_recall", "by_stratum")}
    result["rules"]["development"] = _development(settings, "rules", annotated)
    return result


def _development(settings: Settings, mode: str, annotated: pd.DataFrame) -> dict[str, Any]:
    figures = cross_validate_vague(settings, mode=mode, annotated=annotated)
    return {key: figures[key] for key in DEVELOPMENT_SUMMARY}


# --------------------------------------------------------------------------- drawing a fresh part

FRESH_PART_PLAN = (("pb_all", 80), ("sby_short", 100), ("sby_long", 80))
"""test2 to test5: reports per stratum, drawn in this order on one RandomState."""
SHORT_CHARACTERS = 80
"""A Surabaya report is short below this many characters of its loaded (masked, stripped) text."""


def _collapse_key(title: Any, text: Any) -> str:
    joined = f"{title} {text}" if isinstance(title, str) and title.strip() else str(text)
    return re.sub(r"\s+", " ", joined.lower()).strip()


def draw_vague_part(
    reports: pd.DataFrame,
    exclude: set[str],
    seed: int,
    plan: tuple[tuple[str, int], ...] = FRESH_PART_PLAN,
) -> dict[str, str]:
    """Report id -> stratum of a fresh part, as the guidelines' "Sample design" describes it.

    ``reports`` has ``id`` (``sby-``/``pb-`` prefixed), ``title``, ``text`` and ``created_at``. Identical
    reports (same lower-cased title and text, whitespace collapsed) collapse to one survivor: the smallest
    numeric id in Surabaya, the earliest report (then smallest id) in PetaBencana; PetaBencana reports with
    an empty text are dropped. Reports in ``exclude``, and those identical to one of them, are left out.
    Each stratum's pool is sorted as strings and drawn from without replacement, in ``plan`` order, with
    one ``numpy.random.RandomState(seed)``.
    """
    frame = reports.assign(key=[_collapse_key(t, x) for t, x in zip(reports["title"], reports["text"], strict=True)])
    frame = frame.assign(
        source=np.where(frame["id"].str.startswith("pb-"), "pb", "sby"),
        number=pd.to_numeric(frame["id"].str.removeprefix("sby-"), errors="coerce"),
    )
    frame = frame[~((frame["source"] == "pb") & (frame["text"].fillna("").str.strip() == ""))]
    survivors = pd.concat(
        [
            frame[frame["source"] == "sby"].sort_values("number").drop_duplicates("key"),
            frame[frame["source"] == "pb"].sort_values(["created_at", "id"]).drop_duplicates("key"),
        ]
    )
    excluded_keys = set(frame.loc[frame["id"].isin(exclude), "key"])
    survivors = survivors[~survivors["id"].isin(exclude) & ~survivors["key"].isin(excluded_keys)]
    short = survivors["text"].fillna("").str.strip().str.len() < SHORT_CHARACTERS
    pools = {
        "pb_all": survivors["source"] == "pb",
        "sby_short": (survivors["source"] == "sby") & short,
        "sby_long": (survivors["source"] == "sby") & ~short,
    }
    rng = np.random.RandomState(seed)
    drawn: dict[str, str] = {}
    for stratum, size in plan:
        pool = sorted(survivors.loc[pools[stratum], "id"])
        drawn |= {str(rid): stratum for rid in rng.choice(pool, size=size, replace=False)}
    return drawn


def draw_part_ids(part: str, seed: int, settings: Settings | None = None) -> dict[str, str]:
    """The ids and strata of part ``part`` as drawn from the loaded exports, excluding every report of the
    parts drawn before it (those before it in ``training.vague.PARTS``; every annotated part for a part not
    yet there). Ids only: nothing here returns text."""
    settings = settings or get_settings()
    frames = [
        load_dataset(name, settings)[["id", "title", "text", "created_at"]] for name in DATASET_OF_PREFIX.values()
    ]
    gold = load_vague_annotations(settings)
    earlier = PARTS[: PARTS.index(part)] if part in PARTS else PARTS
    exclude = set(gold.loc[gold["part"].isin(earlier), "id"])
    return draw_vague_part(pd.concat(frames, ignore_index=True), exclude, seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draw", nargs=2, metavar=("PART", "SEED"), help="print the ids and strata of a part as drawn")
    args = parser.parse_args()
    if args.draw:
        print(json.dumps(draw_part_ids(args.draw[0], int(args.draw[1]))))
        return
    try:
        result = evaluate_vague(get_settings())
    except VagueDataUnavailableError as exc:
        raise SystemExit(f"vague evaluation skipped: {exc}") from None
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
