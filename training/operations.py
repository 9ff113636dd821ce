"""The operating curve: how many reports need no person, and how wrong those are, replayed on the test split.

The test reports are replayed in time order through the served decision layer: the mismatch
verdict, the auto-accept policy, spot checks and, when given, the vagueness flag. Citizens'
categories are simulated under each error model of `training.mismatch` (15 % wrong) and once
with no citizen category at all. A report needs no person when every suggestion it gets passes
(`automation_rate`); among those, `auto_error_rate` and `auto_agency_error_rate` count the ones
whose accepted category or agency differs from the official label; `automation_ceiling` is the share no
threshold keeps from a person (reports queued only for low confidence or a spot check count as automatable),
so it says how much of the gap the thresholds can close at all. The headline figures are the
worst over the three error patterns, that is over reports that carry a citizen's category (in
JAKI choosing one is part of filing); reports without one are the `no_category` scenario, given
beside them.

Duplicates and location checks are not replayed: the Surabaya export has no points, and its
test split is de-duplicated by text first.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.autoaccept import AutoAcceptPolicy, AutoAcceptType
from models.mismatch import MismatchRule, Verdict
from models.routing import CategoryRouting
from training.autoaccept import fit_policy
from training.mismatch import ErrorModel, SimulatedClaims, default_error_models
from training.validation import Validation

NO_CATEGORY = "no_category"
THRESHOLD_REASONS = frozenset({"low_confidence", "spot_check"})
"""Review reasons the auto-accept thresholds and the spot-check rate decide; the others no threshold removes."""
CURVE_TARGETS = (0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99)
"""Target precisions of the auto-accept policy the curve re-fits it for."""


@dataclass(frozen=True)
class Replay:
    """What the decision layer sees of the test reports, and their official labels."""

    ids: Sequence[str]
    proba: np.ndarray
    classes: np.ndarray
    truth: np.ndarray
    agency_proba: np.ndarray | None
    """The agency classifier's, before routing."""
    agency_classes: np.ndarray | None
    agency_truth: np.ndarray
    """Official agency per report; None where the export has none."""
    vague: np.ndarray | None
    """Whether the vagueness flag queues each report; None when it is not replayed."""


def replay_scenario(
    replay: Replay,
    rule: MismatchRule,
    policy: AutoAcceptPolicy,
    claims: Sequence[str | None],
    spot_check_rate: float,
    routing: CategoryRouting | None = None,
) -> dict[str, Any]:
    """Route every test report as the service would, given citizens' categories `claims`."""
    n = len(replay.ids)
    classes = replay.classes
    top = replay.proba.argmax(axis=1)
    top_probability = replay.proba.max(axis=1)
    with_claim = [i for i, c in enumerate(claims) if c is not None]
    verdicts = np.full(n, None, dtype=object)
    if with_claim:
        found, _ = rule.decide_many(replay.proba[with_claim], classes, [claims[i] for i in with_claim])
        verdicts[with_claim] = found

    reasons: list[set[str]] = [set() for _ in range(n)]
    category = classes[top].copy()
    for i in range(n):
        if verdicts[i] is None:
            kind = AutoAcceptType.CATEGORY_PREDICTED
        elif verdicts[i] == Verdict.AGREE.value:
            kind = AutoAcceptType.CATEGORY_AGREE
        else:
            reasons[i].add(verdicts[i])
            continue
        reason = policy.review_reason(kind, top_probability[i], replay.ids[i], "category", spot_check_rate)
        reasons[i] |= _reason(reason)
    agency = np.full(n, None, dtype=object)
    if replay.agency_proba is not None:
        served = replay.agency_proba
        if routing is not None:
            settled = [claims[i] if verdicts[i] == Verdict.AGREE.value else None for i in range(n)]
            served = routing.combine(served, replay.proba, settled)
        agency = replay.agency_classes[served.argmax(axis=1)]
        agency_probability = served.max(axis=1)
        for i in range(n):
            reason = policy.review_reason(
                AutoAcceptType.AGENCY, agency_probability[i], replay.ids[i], "agency", spot_check_rate
            )
            reasons[i] |= _reason(reason)
    if replay.vague is not None:
        for i in np.flatnonzero(replay.vague):
            reasons[i].add("vague")

    automated = np.array([not r for r in reasons])
    # What no threshold can pass: a disagreement with the citizen, a change to suggest, a vague report.
    ceiling = np.array([not (r - THRESHOLD_REASONS) for r in reasons])
    before_spot_checks = np.array([not (r - {"spot_check"}) for r in reasons])
    labelled_agency = np.array([a is not None for a in replay.agency_truth])
    wrong_category = category != replay.truth
    wrong_agency = labelled_agency & (agency != replay.agency_truth)
    automated_with_agency = automated & labelled_agency
    counts = Counter(reason for r in reasons for reason in r)
    return {
        "automation_rate": float(automated.mean()),
        "automation_rate_before_spot_checks": float(before_spot_checks.mean()),
        "automation_ceiling": float(ceiling.mean()),
        "auto_error_rate": _share(wrong_category, automated),
        "auto_agency_error_rate": _share(wrong_agency, automated_with_agency),
        "queue_share": {reason: counts[reason] / n for reason in sorted(counts)},
        "n_reports": n,
    }


def operations_section(
    replay: Replay,
    validation: Validation,
    rule: MismatchRule,
    policy: AutoAcceptPolicy,
    agency_of: Mapping[str, str],
    spot_check_rate: float,
    simulated: Mapping[str, SimulatedClaims],
    routing: CategoryRouting | None = None,
    error_models: Sequence[ErrorModel] | None = None,
) -> dict[str, Any]:
    """Per scenario and in the worst case: automation, errors among the automated and queue shares;
    `curve`: the same as the auto-accept target moves.

    `simulated`: the test reports' citizens' categories under each error model (by name), the
    ones the `mismatch` section is scored on; `error_models` re-fit the policy along the curve.
    """
    error_models = list(error_models or default_error_models())
    claims: dict[str, list[str | None]] = {name: list(s.claimed) for name, s in simulated.items()}
    claims[NO_CATEGORY] = [None] * len(replay.ids)
    scenarios = {name: replay_scenario(replay, rule, policy, c, spot_check_rate, routing) for name, c in claims.items()}

    curve = []
    for target in CURVE_TARGETS:
        refitted = fit_policy(validation, agency_of, error_models, target)
        rows = {
            name: replay_scenario(replay, rule, refitted, c, spot_check_rate, routing) for name, c in claims.items()
        }
        curve.append(
            {
                "target_precision": target,
                **_worst([row for name, row in rows.items() if name != NO_CATEGORY]),
                "no_category_automation_rate": rows[NO_CATEGORY]["automation_rate"],
                "no_category_auto_error_rate": rows[NO_CATEGORY]["auto_error_rate"],
            }
        )
    with_category = [row for name, row in scenarios.items() if name != NO_CATEGORY]
    return {
        **_worst(with_category),
        "target_precision": policy.target_precision,
        "thresholds": dict(policy.thresholds),
        "spot_check_rate": spot_check_rate,
        "scenarios": scenarios,
        "curve": curve,
    }


def _worst(rows: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    return {
        "automation_rate": min(r["automation_rate"] for r in rows),
        "automation_ceiling": min(r["automation_ceiling"] for r in rows),
        "auto_error_rate": max(r["auto_error_rate"] for r in rows),
        "auto_agency_error_rate": max(r["auto_agency_error_rate"] for r in rows),
    }


def _reason(reason: str | None) -> set[str]:
    """A suggestion that passes adds no reason to its report."""
    return {reason} if reason else set()


def _share(events: np.ndarray, among: np.ndarray) -> float:
    return float(events[among].mean()) if among.any() else 0.0
