"""How well the vague flag agrees with the hand annotation, on its held-out part.

The scorer is fitted on the ``dev`` part of ``<assets_dir>/annotations/vague.jsonl`` and
scored on the ``heldout`` part (see :mod:`training.vague`); nothing here prints or returns
report text. The configured mode (``TRIASE_VAGUE_MODE``, ``auto`` = learned where the real
exports are present) gives the top-level figures; the rules mode, the one a machine without
the real data runs, is always reported too under ``rules``.

    python -m training.evaluate_vague      # JSON; exits with a message when the real data is absent
"""

import json
from typing import Any

from training.settings import Settings, get_settings
from training.vague import VagueDataUnavailableError, annotated_reports, fit_vague_scorer

__all__ = ["VagueDataUnavailableError", "evaluate_vague"]

SUMMARY = ("precision", "recall", "f1", "threshold", "mode")


def evaluate_vague(settings: Settings | None = None, log_run: bool = False) -> dict[str, Any]:
    """Held-out precision, recall and F1 of the vague flag, per reason and per stratum.

    Keys: ``precision``, ``recall``, ``f1``, ``threshold``, ``mode``, ``n_heldout``,
    ``reason_flag_recall`` / ``reason_recall`` / ``reason_precision`` (per reason code),
    ``by_stratum``, and ``rules`` (the same figures of the rules mode). Raises
    :class:`VagueDataUnavailableError` (a ``DatasetUnavailableError``) when the annotated
    reports cannot be loaded.
    """
    settings = settings or get_settings()
    annotated = annotated_reports(settings)
    _, configured = fit_vague_scorer(settings, part="dev", log_run=log_run, annotated=annotated)
    if configured["mode"] == "rules":
        rules = configured
    else:
        _, rules = fit_vague_scorer(settings, part="dev", mode="rules", log_run=log_run, annotated=annotated)
    result = {key: configured[key] for key in SUMMARY}
    result["n_heldout"] = configured["n"]
    result["n_vague"] = configured["n_vague"]
    for key in ("reason_flag_recall", "reason_recall", "reason_precision", "by_stratum"):
        result[key] = configured[key]
    result["rules"] = {key: rules[key] for key in (*SUMMARY, "reason_recall", "by_stratum")}
    return result


def main() -> None:
    try:
        result = evaluate_vague(get_settings())
    except VagueDataUnavailableError as exc:
        raise SystemExit(f"vague evaluation skipped: {exc}") from None
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
