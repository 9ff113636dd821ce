"""The mismatch verdict and how its thresholds are chosen."""

import numpy as np
import pytest

from models.mismatch import MismatchRule, Verdict
from training.mismatch import (
    confusable_categories,
    curve_summary,
    fit_rule,
    precision_recall_curve,
    score,
    simulate_claims,
)

CLASSES = np.array(["Jalan", "PJU", "Sampah", "Pohon"], dtype=object)
AGENCY_OF = {"Jalan": "DSDABM", "PJU": "Dishub", "Sampah": "DLH", "Pohon": "DLH"}


CONFUSABLE = confusable_categories(list(CLASSES), AGENCY_OF)


def test_verdicts():
    rule = MismatchRule(suggest_threshold=0.6, mistake_threshold=0.5, confusable=CONFUSABLE)
    confident_pju = np.array([0.02, 0.9, 0.05, 0.03])
    assert rule.decide(confident_pju, CLASSES, "pju") == (Verdict.AGREE, None)
    assert rule.decide(confident_pju, CLASSES, "Jalan") == (Verdict.SUGGEST_CHANGE, "PJU")
    assert rule.decide(confident_pju, CLASSES, "Sampah") == (Verdict.SUGGEST_CHANGE, "PJU")
    unsure = np.array([0.3, 0.4, 0.2, 0.1])
    assert rule.decide(unsure, CLASSES, "Jalan") == (Verdict.NEEDS_REVIEW, None)
    assert rule.decide(confident_pju, CLASSES, "Kategori Baru") == (Verdict.NEEDS_REVIEW, None)


def test_a_category_nobody_confuses_with_the_likely_ones_is_weaker_evidence_of_a_mistake():
    assert CONFUSABLE == {"Jalan": (), "PJU": (), "Sampah": ("Pohon",), "Pohon": ("Sampah",)}
    rule = MismatchRule(error_rate=0.15, confusable=CONFUSABLE)
    sampah = np.array([[0.01, 0.01, 0.95, 0.03]])
    to_pohon, to_pju = rule.mistake_probability(np.vstack([sampah, sampah]), CLASSES, ["Pohon", "PJU"])
    # Both claims have low probability, but only Pohon is what a citizen who errs on Sampah picks;
    # Jalan and PJU have no sibling, so their errors spread over the three others.
    wrong_pick = 0.15 * (0.95 + 0.01 / 3 + 0.01 / 3)
    expected_pohon = wrong_pick / (wrong_pick + 0.85 * 0.03)
    assert to_pohon == pytest.approx(expected_pohon)
    assert to_pju < 0.5 < to_pohon
    assert np.isnan(rule.mistake_probability(sampah, CLASSES, ["Kategori Baru"])[0])


def test_simulated_errors_prefer_categories_of_the_same_agency():
    truth = np.array(["Sampah"] * 2000, dtype=object)
    simulated = simulate_claims(truth, list(CLASSES), AGENCY_OF, error_rate=0.15, seed=3)
    assert 0.12 < simulated.corrupted.mean() < 0.18
    assert set(simulated.claimed[simulated.corrupted]) == {"Pohon"}  # the only sibling at DLH
    assert (simulated.claimed[~simulated.corrupted] == "Sampah").all()


def test_thresholds_reach_the_target_precision_on_separable_probabilities():
    rng = np.random.default_rng(0)
    truth_index = rng.integers(0, 4, size=1500)
    proba = np.full((1500, 4), 0.01)
    proba[np.arange(1500), truth_index] = 0.97
    noisy = rng.random(1500) < 0.2  # a fifth of reports the model is unsure about
    proba[noisy] = 0.25
    truth = CLASSES[truth_index]
    rule, figures = fit_rule(proba, CLASSES, truth, AGENCY_OF, target_precision=0.9)
    assert figures["precision"] >= 0.9
    assert figures["recall"] > 0.7
    simulated = simulate_claims(truth, list(CLASSES), AGENCY_OF, seed=11)
    held_out = score(rule, proba, CLASSES, truth, simulated)
    assert held_out["precision"] >= 0.9 and held_out["suggestion_accuracy"] == 1.0


def test_the_precision_recall_curve_ranks_by_the_mistake_probability():
    truth = CLASSES[np.arange(400) % 4]
    proba = np.full((400, 4), 0.02)
    proba[np.arange(400), np.arange(400) % 4] = 0.94
    simulated = simulate_claims(truth, list(CLASSES), AGENCY_OF, seed=5)
    rule = MismatchRule(confusable=CONFUSABLE)
    curve = precision_recall_curve(rule, proba, CLASSES, simulated)
    assert curve[-1]["recall"] == 1.0  # every wrong claim is not the model's first choice here
    assert all(a["threshold"] > b["threshold"] for a, b in zip(curve, curve[1:]))
    assert curve_summary(curve) == {"curve_precision_at_recall_80": 1.0, "curve_recall_at_precision_90": 1.0}


def test_a_share_of_mistakes_across_agencies_lets_a_sure_model_catch_them():
    sampah_filed_as_jalan = np.array([[0.01, 0.01, 0.95, 0.03]])
    same_agency_only = MismatchRule(confusable=CONFUSABLE)
    with_cross_agency = MismatchRule(confusable=CONFUSABLE, cross_agency_share=0.2)
    (never,) = same_agency_only.mistake_probability(sampah_filed_as_jalan, CLASSES, ["Jalan"])
    (caught,) = with_cross_agency.mistake_probability(sampah_filed_as_jalan, CLASSES, ["Jalan"])
    assert never < 0.1 < 0.5 < caught
    # The error model stays a distribution over wrong picks.
    q = with_cross_agency._error_model(CLASSES)
    assert np.allclose(q.sum(axis=1), 1.0) and np.allclose(np.diag(q), 0.0)
