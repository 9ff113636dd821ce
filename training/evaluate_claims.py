"""The verdict on hand-written reports filed under realistic wrong categories: an error model nobody simulated.

`data/annotations/category_claims_handwritten.jsonl` holds 160 Surabaya-style reports written
by an annotator who never saw the model or its code, each with the category an officer would
file it under and a wrong category a real citizen might plausibly pick (`same_agency` or
`other_agency` by the category table of the Surabaya export; see the guidelines beside it).
Every report is judged twice, once with the wrong pick and once with the right category, as
the intake pipeline would send it. The file uses the Surabaya categories, so the section
applies to a model trained on them.

    python -m training.evaluate_claims        # the champion's figures as JSON
"""

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from models.autoaccept import AutoAcceptType
from models.mismatch import Verdict
from models.report import Report
from models.settings import Settings
from models.triage import TriageModel

CASES_FILE = "annotations/category_claims_handwritten.jsonl"
KINDS = ("same_agency", "other_agency")


def load_cases(settings: Settings) -> pd.DataFrame:
    with open(settings.assets_dir / CASES_FILE, encoding="utf-8") as handle:
        return pd.DataFrame([json.loads(line) for line in handle if line.strip()])


def applies_to(model: TriageModel, cases: pd.DataFrame) -> bool:
    """Whether the model knows every category the cases use (it was trained on the Surabaya taxonomy)."""
    known = set(model.categories)
    return set(cases["true_category"]) <= known and set(cases["wrong_pick"]) <= known


def evaluate_claims(model: TriageModel, cases: pd.DataFrame) -> dict[str, Any]:
    """`suggest_change` precision and recall per kind of wrong pick, and what happens to the right picks."""
    wrong = _judge(model, cases, cases["wrong_pick"])
    right = _judge(model, cases, cases["true_category"])
    truth = cases["true_category"].to_numpy()
    flagged_wrong = wrong["verdict"] == Verdict.SUGGEST_CHANGE.value
    flagged_right = right["verdict"] == Verdict.SUGGEST_CHANGE.value
    section: dict[str, Any] = {}
    for kind in (*KINDS, "all"):
        rows = np.ones(len(cases), bool) if kind == "all" else (cases["wrong_pick_kind"] == kind).to_numpy()
        hits, false_alarms = int(flagged_wrong[rows].sum()), int(flagged_right[rows].sum())
        caught = rows & flagged_wrong
        section[kind] = {
            "precision": hits / (hits + false_alarms) if hits + false_alarms else 0.0,
            "recall": hits / int(rows.sum()),
            "suggestion_accuracy": float((wrong["suggested"][caught] == truth[caught]).mean()) if hits else 0.0,
            "queued_when_wrong": float(wrong["queued"][rows].mean()),
            "n": int(rows.sum()),
        }
    section["right_pick"] = {
        "suggest_change_rate": float(flagged_right.mean()),
        "agree_rate": float((right["verdict"] == Verdict.AGREE.value).mean()),
        "category_auto_accepted": float((~right["queued"]).mean()),
    }
    section["clear_only"] = _clear_only(cases, flagged_wrong, flagged_right)
    return section


def _judge(model: TriageModel, cases: pd.DataFrame, claims: Sequence[str]) -> dict[str, np.ndarray]:
    reports = [Report(id=i, text=t, category=c) for i, t, c in zip(cases["id"], cases["text"], claims)]
    predictions = model.predict(reports)
    verdict = np.array([p.category.verdict.value for p in predictions], dtype=object)
    suggested = np.array([p.category.suggested for p in predictions], dtype=object)
    passes = np.array(
        [
            p.category.verdict == Verdict.AGREE
            and model.auto_accept.passes(AutoAcceptType.CATEGORY_AGREE, p.category.confidence)
            for p in predictions
        ]
    )
    return {"verdict": verdict, "suggested": suggested, "queued": ~passes}


def _clear_only(cases: pd.DataFrame, flagged_wrong: np.ndarray, flagged_right: np.ndarray) -> dict[str, float]:
    clear = (cases["clarity"] == "clear").to_numpy()
    hits, false_alarms = int(flagged_wrong[clear].sum()), int(flagged_right[clear].sum())
    return {
        "precision": hits / (hits + false_alarms) if hits + false_alarms else 0.0,
        "recall": hits / max(1, int(clear.sum())),
        "n": int(clear.sum()),
    }


def main() -> None:
    from training import registry

    settings = Settings()
    champion = registry.load_champion(registry.configure(settings), settings.model_name, settings.embedder_dir)
    cases = load_cases(settings)
    if not applies_to(champion.model, cases):
        raise SystemExit(f"{champion.label} does not know the Surabaya categories the hand-written cases use")
    print(json.dumps({"model": champion.label, **evaluate_claims(champion.model, cases)}, indent=2))


if __name__ == "__main__":
    main()
