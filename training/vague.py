"""Fit the vagueness scorer (models/vagueness.py) on the hand annotation and log the run to MLflow.

The gold standard is ``<assets_dir>/annotations/vague.jsonl``: report ids, labels and reasons
only (guidelines in ``annotations/vague_guidelines.md``). The texts come from the real exports
at fit time, loaded (and PII-masked) by :func:`training.datasets.load_dataset`; where they are
absent, :class:`VagueDataUnavailableError` says so and the service falls back to the rules
(:func:`shipped_scorer`).

Two uses:

- the reported figure: fit on the ``dev`` part, score the ``heldout`` part
  (``fit_vague_scorer(settings, part="dev")``, also :mod:`training.evaluate_vague`);
- the shipped scorer: once that figure is measured, refit on all 650 labels
  (``part="all"``); its metrics are then only the fit on its own training data.

    python -m training.vague            # fit on dev, print the held-out figures, log a run
    python -m training.vague --all      # refit on every label (the shipped scorer), log a run
"""

import json
import logging
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Literal

import mlflow
import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_fscore_support

from models.vagueness import REASON_ORDER, VagueInput, VaguenessScorer
from training import registry
from training.datasets import DatasetUnavailableError, load_dataset
from training.settings import Settings, get_settings

__all__ = [
    "ANNOTATIONS",
    "VagueDataUnavailableError",
    "annotated_reports",
    "fit_vague_scorer",
    "load_vague_annotations",
    "resolved_mode",
    "score_vague",
    "shipped_scorer",
]

log = logging.getLogger(__name__)

ANNOTATIONS = Path("annotations") / "vague.jsonl"
DATASET_OF_PREFIX = {"sby-": "surabaya_mediacenter", "pb-": "petabencana_jakarta_flood_reports_2017"}
Part = Literal["dev", "heldout", "all"]


class VagueDataUnavailableError(DatasetUnavailableError):
    """The annotated reports cannot be loaded (the real exports are absent): no learned scorer, no figure."""


def load_vague_annotations(settings: Settings | None = None) -> pd.DataFrame:
    """The annotation as a frame: id, stratum, part ('dev'/'heldout'), label, reasons (list, empty if actionable)."""
    settings = settings or get_settings()
    with open(Path(settings.assets_dir) / ANNOTATIONS, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    frame = pd.DataFrame(rows)
    frame["reasons"] = [r if isinstance(r, list) else [] for r in frame.get("reasons", [None] * len(frame))]
    return frame


def annotated_reports(settings: Settings | None = None, part: Part = "all") -> pd.DataFrame:
    """The annotation (of ``part``, default all) joined with the (masked) reports it labels: text, title, lat, lon.

    Raises :class:`VagueDataUnavailableError` when an export it needs is absent or unreadable.
    """
    settings = settings or get_settings()
    gold = load_vague_annotations(settings)
    if part != "all":
        gold = gold[gold["part"] == part]
    needed = {name for prefix, name in DATASET_OF_PREFIX.items() if gold["id"].str.startswith(prefix).any()}
    frames = []
    for name in sorted(needed):
        try:
            frames.append(load_dataset(name, settings)[["id", "text", "title", "lat", "lon"]])
        except DatasetUnavailableError as exc:
            raise VagueDataUnavailableError(
                f"the vague annotation labels reports of {name!r}, which is not available: {exc}"
            ) from exc
    reports = pd.concat(frames, ignore_index=True).drop_duplicates("id")
    joined = gold.merge(reports, on="id", how="left", validate="one_to_one")
    missing = int(joined["text"].isna().sum())
    if missing:
        raise VagueDataUnavailableError(f"{missing} annotated report ids are not in the loaded exports")
    return joined.reset_index(drop=True)


def scorer_inputs(frame: pd.DataFrame) -> list[VagueInput]:
    return [
        VagueInput(
            text=str(row.text),
            title=row.title if isinstance(row.title, str) else None,
            has_point=bool(pd.notna(row.lat) and pd.notna(row.lon)),
        )
        for row in frame.itertuples(index=False)
    ]


def resolved_mode(settings: Settings) -> str:
    """'learned' or 'rules': what ``vague_mode='auto'`` means on this machine."""
    if settings.vague_mode != "auto":
        return settings.vague_mode
    try:
        annotated_reports(settings)
    except VagueDataUnavailableError:
        return "rules"
    return "learned"


def new_scorer(settings: Settings, mode: str | None = None) -> VaguenessScorer:
    return VaguenessScorer(
        mode=mode or resolved_mode(settings),
        threshold=settings.vague_threshold,
        C=settings.vague_regularization,
    )


def score_vague(scorer: VaguenessScorer, frame: pd.DataFrame) -> dict[str, Any]:
    """Precision, recall and F1 of the vague flag on ``frame``, and how each gold reason is handled.

    ``reason_flag_recall[r]``: share of the reports labelled with reason ``r`` that are flagged
    vague. ``reason_recall[r]``: share of them whose predicted reasons include ``r``.
    ``reason_precision[r]``: share of the flagged reports given ``r`` whose gold reasons include it.
    """
    truth = (frame["label"] == "vague").to_numpy()
    assessments = scorer.assess(scorer_inputs(frame))
    flagged = np.array([a.is_vague for a in assessments])
    precision, recall, f1, _ = precision_recall_fscore_support(truth, flagged, average="binary", zero_division=0)
    gold_n, flag_hit, reason_hit, given, given_ok = Counter(), Counter(), Counter(), Counter(), Counter()
    for gold_reasons, assessment in zip(frame["reasons"], assessments, strict=True):
        predicted = set(assessment.reason_codes)
        for code in gold_reasons:
            gold_n[code] += 1
            flag_hit[code] += assessment.is_vague
            reason_hit[code] += code in predicted
        for code in predicted:
            given[code] += 1
            given_ok[code] += code in gold_reasons

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    by_stratum = {}
    for stratum in sorted(frame["stratum"].unique()):
        mask = (frame["stratum"] == stratum).to_numpy()
        p, r, f, _ = precision_recall_fscore_support(truth[mask], flagged[mask], average="binary", zero_division=0)
        by_stratum[stratum] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "n": int(mask.sum())}
    return {
        "precision": round(float(precision), 4),
        "recall": round(float(recall), 4),
        "f1": round(float(f1), 4),
        "threshold": scorer.threshold,
        "mode": scorer.mode,
        "n": len(frame),
        "n_vague": int(truth.sum()),
        "n_flagged": int(flagged.sum()),
        "reason_flag_recall": {c: ratio(flag_hit[c], gold_n[c]) for c in REASON_ORDER},
        "reason_recall": {c: ratio(reason_hit[c], gold_n[c]) for c in REASON_ORDER},
        "reason_precision": {c: ratio(given_ok[c], given[c]) for c in REASON_ORDER},
        "by_stratum": by_stratum,
    }


def fit_vague_scorer(
    settings: Settings | None = None,
    part: Part = "dev",
    mode: str | None = None,
    log_run: bool = True,
    annotated: pd.DataFrame | None = None,
) -> tuple[VaguenessScorer, dict[str, Any]]:
    """Fit a scorer on the annotation's ``part`` ('dev' or 'all') and measure it.

    With ``part='dev'`` the metrics are the held-out figures (the reported ones); with
    ``part='all'`` (the shipped scorer) they are the fit on its own training labels, marked
    ``evaluated_on='training labels'``. ``mode`` overrides ``settings.vague_mode``. Logs one
    MLflow run (nested when a run is active) unless ``log_run`` is false. ``annotated`` is the
    frame of :func:`annotated_reports`, when the caller has already loaded it.
    """
    if part not in {"dev", "all"}:
        raise ValueError(f"part must be 'dev' or 'all', not {part!r}")
    settings = settings or get_settings()
    reports = annotated_reports(settings) if annotated is None else annotated
    train = reports if part == "all" else reports[reports["part"] == "dev"]
    evaluated = reports[reports["part"] == "heldout"] if part == "dev" else train
    # the annotated reports loaded, so 'auto' means the learned scorer here
    mode = mode or ("learned" if settings.vague_mode == "auto" else settings.vague_mode)
    scorer = new_scorer(settings, mode).fit(scorer_inputs(train), train["label"])
    metrics = score_vague(scorer, evaluated)
    metrics["evaluated_on"] = "heldout" if part == "dev" else "training labels"
    metrics["trained_on"] = part
    metrics["n_train"] = len(train)
    if log_run:
        _log_run(settings, scorer, metrics)
    return scorer, metrics


def shipped_scorer(settings: Settings | None = None) -> tuple[VaguenessScorer, dict[str, Any]]:
    """The scorer to bundle with a triage model, and what it is.

    Learned mode (where the annotated reports load and ``vague_mode`` allows it): fitted on all
    650 labels; the metadata carries the held-out figure measured by a dev-only fit first.
    Rules mode otherwise: no data needed, metadata says so.
    """
    settings = settings or get_settings()
    annotated = None
    if settings.vague_mode != "rules":
        try:
            annotated = annotated_reports(settings)
        except VagueDataUnavailableError:
            if settings.vague_mode == "learned":
                raise
    if annotated is None:
        scorer = new_scorer(settings, "rules").fit([], [])
        return scorer, {"mode": "rules", "trained_on": "nothing (hand-set rules)", "threshold": scorer.threshold}
    mode = "learned"
    _, heldout = fit_vague_scorer(settings, part="dev", mode=mode, log_run=False, annotated=annotated)
    scorer, _ = fit_vague_scorer(settings, part="all", mode=mode, log_run=False, annotated=annotated)
    metadata = {
        "mode": mode,
        "trained_on": "all annotated reports (dev + heldout)",
        "threshold": scorer.threshold,
        "heldout_of_dev_fit": {k: heldout[k] for k in ("precision", "recall", "f1", "n")},
    }
    return scorer, metadata


def _log_run(settings: Settings, scorer: VaguenessScorer, metrics: dict[str, Any]) -> None:
    registry.configure(settings)
    nested = mlflow.active_run() is not None
    with mlflow.start_run(run_name=f"vague-{scorer.mode}-{metrics['trained_on']}", nested=nested):
        mlflow.log_params({f"vague.{k}": v for k, v in scorer.get_params().items()})
        mlflow.log_params({"vague.trained_on": metrics["trained_on"], "vague.n_train": metrics["n_train"]})
        prefix = "vague.heldout" if metrics["evaluated_on"] == "heldout" else "vague.train"
        mlflow.log_metrics({f"{prefix}.{k}": metrics[k] for k in ("precision", "recall", "f1")})
        mlflow.log_metrics(
            {f"{prefix}.reason_recall.{c}": v for c, v in metrics["reason_recall"].items() if v is not None}
        )
        mlflow.log_dict(metrics, "vague_metrics.json")
        mlflow.set_tag("annotation", str(ANNOTATIONS))


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    part: Part = "all" if "--all" in argv else "dev"
    mode = "rules" if "--rules" in argv else "learned" if "--learned" in argv else None
    try:
        _, metrics = fit_vague_scorer(get_settings(), part=part, mode=mode)
    except VagueDataUnavailableError as exc:
        raise SystemExit(f"cannot fit the vagueness scorer: {exc}") from None
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
