"""Fit the vagueness scorer (models/vagueness/) on the hand annotation and log the run to MLflow.

The gold standard is ``<assets_dir>/annotations/vague.jsonl``: report ids, labels and reasons
only (guidelines in ``annotations/vague_guidelines.md``). The texts come from the real exports
at fit time, loaded (and PII-masked) by :func:`training.datasets.load_dataset`; where they are
absent, :class:`VagueDataUnavailableError` says so and the model bundle `triase train` registers
gets the rules instead (:func:`shipped_scorer`, called by ``training.bundle``; the bundle records which).

The annotation has eight parts. ``dev`` and ``heldout`` (650 reports) were read while the cues and
rules were first written; ``test`` (260 reports) was the held-out part of the second round,
``test2`` (260) that of the third, ``test3`` (260) that of the fourth and ``test4`` (260) that of the
fifth. Once scored, the errors of each up to ``test3`` were read for the next round; ``test4``'s were
not: it only chose between the cues alone and the sixth round's stacked text model. ``train1`` (260
reports) was labelled by an independent annotator as training data. Together these 1,950 reports are
the development data (:data:`DEVELOPMENT_PARTS`); ``test5`` (260 reports, drawn with a fresh seed
before ``train1`` and labelled by an annotator who never saw the scorer's cues or output) is the
held-out part (:data:`TEST_PART`). How each part was drawn is code:
:func:`training.evaluate_vague.draw_vague_part`, in the order of :data:`PARTS`.

Three uses:

- the reported figure: fit on the development parts, score the ``test5`` part
  (``fit_vague_scorer(settings, part="development")``, also :mod:`training.evaluate_vague`);
- the development figure beside it: stratified 5-fold cross-validation on the development parts
  (:func:`cross_validate_vague`); the cues were written while reading these reports, so it is
  an optimistic figure;
- the shipped scorer: once the test figure is measured, refit on every label (``part="all"``);
  its metrics are then only the fit on its own training labels.

    python -m training.vague            # fit on the development parts, print the test figures, log a run
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
from sklearn.model_selection import StratifiedKFold

from models.settings import Settings, get_settings
from models.vagueness.rules import REASON_ORDER
from models.vagueness.scorer import VagueInput, VaguenessScorer
from training import registry
from training.datasets import DatasetUnavailableError, load_dataset

__all__ = [
    "ANNOTATIONS",
    "VagueDataUnavailableError",
    "annotated_reports",
    "cross_validate_vague",
    "fit_vague_scorer",
    "load_vague_annotations",
    "resolved_mode",
    "score_vague",
    "shipped_scorer",
]

log = logging.getLogger(__name__)

ANNOTATIONS = Path("annotations") / "vague.jsonl"
DATASET_OF_PREFIX = {"sby-": "surabaya_mediacenter", "pb-": "petabencana_jakarta_flood_reports_2017"}
PARTS = ("dev", "heldout", "test", "test2", "test3", "test4", "test5", "train1")
"""Every part, in the order drawn (what :func:`training.evaluate_vague.draw_part_ids` excludes)."""
TEST_PART = "test5"
"""Annotation part drawn and labelled after the scorer was frozen: the held-out figures."""
DEVELOPMENT_PARTS = tuple(part for part in PARTS if part != TEST_PART)
"""Annotation parts read while the scorer was written, or labelled to train it: development data, never a test."""
CV_FOLDS = 5
CV_SEED = 0
Part = Literal["development", "all"]


class VagueDataUnavailableError(DatasetUnavailableError):
    """The annotated reports cannot be loaded (the real exports are absent): no learned scorer, no figure."""


def load_vague_annotations(settings: Settings | None = None) -> pd.DataFrame:
    """The annotation as a frame: id, stratum, part, label, reasons (list, empty if actionable).

    ``part`` is one of :data:`DEVELOPMENT_PARTS` (development data) or :data:`TEST_PART` (the held-out part)."""
    settings = settings or get_settings()
    with open(Path(settings.assets_dir) / ANNOTATIONS, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    frame = pd.DataFrame(rows)
    frame["reasons"] = [r if isinstance(r, list) else [] for r in frame.get("reasons", [None] * len(frame))]
    return frame


def annotated_reports(settings: Settings | None = None) -> pd.DataFrame:
    """The whole annotation joined with the (masked) reports it labels: text, title, lat, lon.

    Raises :class:`VagueDataUnavailableError` when an export it needs is absent or unreadable.
    """
    settings = settings or get_settings()
    gold = load_vague_annotations(settings)
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


def development_reports(annotated: pd.DataFrame) -> pd.DataFrame:
    return annotated[annotated["part"].isin(DEVELOPMENT_PARTS)].reset_index(drop=True)


def held_out_reports(annotated: pd.DataFrame) -> pd.DataFrame:
    return annotated[annotated["part"] == TEST_PART].reset_index(drop=True)


def fit_vague_scorer(
    settings: Settings | None = None,
    part: Part = "development",
    mode: str | None = None,
    log_run: bool = True,
    annotated: pd.DataFrame | None = None,
) -> tuple[VaguenessScorer, dict[str, Any]]:
    """Fit a scorer on the annotation's ``part`` ('development' or 'all') and measure it.

    With ``part='development'`` (the :data:`DEVELOPMENT_PARTS`) the metrics are the :data:`TEST_PART`
    figures (the reported ones); with ``part='all'`` (the shipped scorer) they are the fit on its own
    training labels, marked ``evaluated_on='training labels'``. ``mode`` overrides
    ``settings.vague_mode``. Logs one MLflow run (nested when a run is active) unless ``log_run``
    is false. ``annotated`` is the frame of :func:`annotated_reports`, when the caller has
    already loaded it.
    """
    if part not in {"development", "all"}:
        raise ValueError(f"part must be 'development' or 'all', not {part!r}")
    settings = settings or get_settings()
    reports = annotated_reports(settings) if annotated is None else annotated
    train = reports if part == "all" else development_reports(reports)
    evaluated = held_out_reports(reports) if part == "development" else train
    if evaluated.empty:
        raise ValueError(f"the annotation has no {TEST_PART!r} part to evaluate on")
    mode = _fitted_mode(settings, mode)
    scorer = new_scorer(settings, mode).fit(scorer_inputs(train), train["label"])
    metrics = score_vague(scorer, evaluated)
    metrics["evaluated_on"] = TEST_PART if part == "development" else "training labels"
    metrics["trained_on"] = part
    metrics["n_train"] = len(train)
    if log_run:
        _log_run(settings, scorer, metrics)
    return scorer, metrics


def cross_validate_vague(
    settings: Settings | None = None,
    mode: str | None = None,
    annotated: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Out-of-fold precision, recall and F1 of the vague flag on the development parts.

    Stratified :data:`CV_FOLDS`-fold split by stratum and label (seed :data:`CV_SEED`); each
    fold's scorer is fitted on the other folds, and the figures pool every out-of-fold flag. The
    rules mode fits nothing, but its lexicons were written while reading these reports: for both
    modes this is a development figure, not a test.
    """
    settings = settings or get_settings()
    reports = development_reports(annotated_reports(settings) if annotated is None else annotated)
    mode = _fitted_mode(settings, mode)
    inputs = scorer_inputs(reports)
    truth = (reports["label"] == "vague").to_numpy()
    flagged = np.zeros(len(reports), dtype=bool)
    folds = StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=CV_SEED)
    for train, held in folds.split(reports, reports["stratum"] + "/" + reports["label"]):
        scorer = new_scorer(settings, mode).fit([inputs[i] for i in train], reports["label"].iloc[train])
        flagged[held] = scorer.predict([inputs[i] for i in held]).astype(bool)
    precision, recall, f1, _ = precision_recall_fscore_support(truth, flagged, average="binary", zero_division=0)
    return {
        "precision": round(float(precision), 4),
        "recall": round(float(recall), 4),
        "f1": round(float(f1), 4),
        "mode": mode,
        "n": len(reports),
        "n_vague": int(truth.sum()),
        "folds": CV_FOLDS,
        "parts": list(DEVELOPMENT_PARTS),
    }


def _fitted_mode(settings: Settings, mode: str | None) -> str:
    # the annotated reports loaded, so 'auto' means the learned scorer here
    return mode or ("learned" if settings.vague_mode == "auto" else settings.vague_mode)


def shipped_scorer(settings: Settings | None = None, measure: bool = True) -> tuple[VaguenessScorer, dict[str, Any]]:
    """The scorer to serve, and what it is.

    Learned mode (where the annotated reports load and ``vague_mode`` allows it): fitted on every
    label; with ``measure`` the metadata also carries the test figure of a fit on the development
    parts first (a second fit, which `triase train` skips). Rules mode otherwise: no data
    needed, metadata says so.
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
    scorer, _ = fit_vague_scorer(settings, part="all", mode=mode, log_run=False, annotated=annotated)
    metadata: dict[str, Any] = {
        "mode": mode,
        "trained_on": f"all annotated reports ({' + '.join(PARTS)})",
        "threshold": scorer.threshold,
    }
    if measure:
        _, tested = fit_vague_scorer(settings, part="development", mode=mode, log_run=False, annotated=annotated)
        metadata["test_of_development_fit"] = {k: tested[k] for k in ("precision", "recall", "f1", "n")}
    return scorer, metadata


def _log_run(settings: Settings, scorer: VaguenessScorer, metrics: dict[str, Any]) -> None:
    registry.configure(settings)
    nested = mlflow.active_run() is not None
    with mlflow.start_run(run_name=f"vague-{scorer.mode}-{metrics['trained_on']}", nested=nested):
        mlflow.log_params({f"vague.{k}": v for k, v in scorer.get_params().items()})
        mlflow.log_params({"vague.trained_on": metrics["trained_on"], "vague.n_train": metrics["n_train"]})
        prefix = "vague.test" if metrics["evaluated_on"] == TEST_PART else "vague.train"
        mlflow.log_metrics({f"{prefix}.{k}": metrics[k] for k in ("precision", "recall", "f1")})
        mlflow.log_metrics(
            {f"{prefix}.reason_recall.{c}": v for c, v in metrics["reason_recall"].items() if v is not None}
        )
        mlflow.log_dict(metrics, "vague_metrics.json")
        mlflow.set_tag("annotation", str(ANNOTATIONS))


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    part: Part = "all" if "--all" in argv else "development"
    mode = "rules" if "--rules" in argv else "learned" if "--learned" in argv else None
    try:
        _, metrics = fit_vague_scorer(get_settings(), part=part, mode=mode)
    except VagueDataUnavailableError as exc:
        raise SystemExit(f"cannot fit the vagueness scorer: {exc}") from None
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
