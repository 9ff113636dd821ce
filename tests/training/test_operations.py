"""The operations replay: which reports need no person, and how much of the rest no threshold can pass."""

import numpy as np
import pytest

from models.autoaccept import AutoAcceptPolicy
from models.mismatch import MismatchRule
from training.operations import Replay, replay_scenario

CLASSES = np.array(["Jalan", "PJU", "Sampah"], dtype=object)


def test_automation_counts_reports_whose_every_suggestion_passes_and_the_ceiling_those_no_threshold_holds():
    proba = np.array(
        [
            [0.90, 0.05, 0.05],  # sure and agreed: passes
            [0.50, 0.30, 0.20],  # agreed but unsure: low confidence, a threshold's doing
            [0.50, 0.40, 0.10],  # the model prefers Jalan, the citizen said PJU: needs review
            [0.90, 0.05, 0.05],  # sure and agreed, but vague
        ]
    )
    replay = Replay(
        ids=["a", "b", "c", "d"],
        proba=proba,
        classes=CLASSES,
        truth=np.array(["Jalan", "Jalan", "PJU", "Jalan"], dtype=object),
        agency_proba=None,
        agency_classes=None,
        agency_truth=np.full(4, None, dtype=object),
        vague=np.array([False, False, False, True]),
    )
    rule = MismatchRule(suggest_threshold=0.9, same_agency_odds=50, other_agency_odds=50)
    policy = AutoAcceptPolicy({"category_agree": 0.8, "category_predicted": 0.95})
    row = replay_scenario(replay, rule, policy, ["Jalan", "Jalan", "PJU", "Jalan"], spot_check_rate=0.0)
    assert row["automation_rate"] == pytest.approx(0.25)
    assert row["automation_ceiling"] == pytest.approx(0.5)
    assert row["queue_share"] == {"low_confidence": 0.25, "needs_review": 0.25, "vague": 0.25}
    assert row["auto_error_rate"] == 0.0
    lenient = AutoAcceptPolicy({"category_agree": 0.4})
    assert replay_scenario(replay, rule, lenient, ["Jalan"] * 2 + ["PJU", "Jalan"], 0.0)["automation_rate"] == 0.5
