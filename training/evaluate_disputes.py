"""`suggest_change` against a blind reading of the disputed reports, where the Surabaya labels are noisy.

The `mismatch` section scores the verdict on simulated citizens' categories: a change suggested
where the citizen's category is the official label counts as a false alarm. Often the label is
what is wrong (`category_errors.jsonl`: in more than half of the model's disagreements with the
labels its choice fits too). `category_disputes.jsonl` holds an annotator's blind reading of
every such false alarm of the `other_agency` simulation at several odds, and of a sample of the
changes suggested for simulated wrong picks: the text with the two categories in random order,
each judged fits or not, never knowing which was the label or what the scorer said. A false alarm
whose recorded category does not fit is a catch; a simulated wrong pick that fits is not a mistake.

Run: .venv/bin/python -m training.evaluate_disputes [--odds 500 300 200]
"""

import argparse
import json
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from models.settings import Settings
from models.triage import TriageModel
from training.data import CATEGORY, texts_of
from training.disputes import load_disputes
from training.evaluate import TEST_SIMULATION_SEED, champion_split
from training.mismatch import ErrorModel, category_agencies, simulate_claims


def evaluate_disputes(
    model: TriageModel, split_test: pd.DataFrame, agency_of: dict[str, str], disputes: pd.DataFrame, odds: list[float]
) -> list[dict[str, Any]]:
    """Per least other-agency odds: precision and recall by the labels (the same simulated claims as the
    `mismatch` section), and precision by the blind reading."""
    classes = np.asarray(model.category_classifier.classes_, dtype=object)
    truth = split_test[CATEGORY].to_numpy()
    ids = split_test["id"].to_numpy()
    proba = model.category_classifier.predict_proba(texts_of(split_test))
    claims = simulate_claims(truth, classes, agency_of, ErrorModel("other_agency"), seed=TEST_SIMULATION_SEED).claimed
    claims = np.asarray(claims, dtype=object)
    wrong = claims != truth
    sampled = disputes[disputes["sample"] == "simulated_wrong_pick"]
    pick_fits = float(sampled["citizen_fits"].mean()) if len(sampled) else 0.0
    rows = []
    for least in odds:
        rule = replace(model.mismatch_rule, other_agency_odds=float(least))
        verdicts, _ = rule.decide_many(proba, classes, list(claims))
        flagged = verdicts == "suggest_change"
        hits, false_alarms = int((flagged & wrong).sum()), ids[flagged & ~wrong]
        read = disputes.reindex(false_alarms)
        label_errors = int(read["citizen_fits"].eq(False).sum())  # NaN (not read) is neither
        # A simulated wrong pick that fits the report is no mistake: discount the hits by the sampled share.
        catches = hits * (1 - pick_fits) + label_errors
        rows.append(
            {
                "other_agency_odds": float(least),
                "label_precision": hits / max(1, int(flagged.sum())),
                "label_recall": hits / max(1, int(wrong.sum())),
                "false_alarms_by_labels": len(false_alarms),
                "not_read": int(read["citizen_fits"].isna().sum()),
                "recorded_category_does_not_fit": label_errors,
                "read_precision": catches / max(1, int(flagged.sum())),
            }
        )
    return rows


def main() -> None:
    from models import registry

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--odds", type=float, nargs="+", default=None, help="Least other-agency odds to score.")
    args = parser.parse_args()
    settings = Settings()
    champion = registry.load_champion(registry.configure(settings), settings.model_name, settings.embedder_dir)
    model = champion.model
    split = champion_split(settings, model, champion.label)
    odds = args.odds or [model.mismatch_rule.other_agency_odds, 300.0, 200.0]
    rows = evaluate_disputes(model, split.test, category_agencies(split.train), load_disputes(settings), odds)
    print(json.dumps({"model": champion.label, "other_agency": rows}, indent=2))


if __name__ == "__main__":
    main()
