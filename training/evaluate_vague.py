"""How well the vague flag agrees with the hand annotation: the test part, development figures beside.

The scorer is fitted on the development parts (``training.vague.DEVELOPMENT_PARTS``) of
``<assets_dir>/annotations/vague.jsonl`` and scored on the test part (``training.vague.TEST_PART``), which
was drawn and labelled after the scorer was frozen (see :mod:`training.vague` and the guidelines). Beside it,
``development`` gives the stratified 5-fold cross-validated figures on the development parts,
where the cues were written (an optimistic figure). Nothing here prints or returns report text.
The configured mode (``TRIASE_VAGUE_MODE``, ``auto`` = learned where the real exports are
present) gives the top-level figures; the rules mode, the one a machine without the real data
runs, is always reported too under ``rules``.

    python -m training.evaluate_vague      # JSON; exits with a message when the real data is absent
"""

import json
from typing import Any

import pandas as pd

from training.settings import Settings, get_settings
from training.vague import VagueDataUnavailableError, annotated_reports, cross_validate_vague, fit_vague_scorer

__all__ = ["VagueDataUnavailableError", "evaluate_vague"]

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


def main() -> None:
    try:
        result = evaluate_vague(get_settings())
    except VagueDataUnavailableError as exc:
        raise SystemExit(f"vague evaluation skipped: {exc}") from None
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
