"""Which suggestions a person must see: the served model's thresholds, their overrides, and the page's words."""

import pytest

from models.autoaccept import AutoAcceptPolicy
from service.config import ServiceSettings
from service.reports.models import SuggestionKind, SuggestionStatus
from service.reports.policy import SuggestionDraft, route
from service.web.labels import category_explanation

POLICY = AutoAcceptPolicy({"category_agree": 0.4, "category_predicted": 0.8, "agency": 0.7}, target_precision=0.95)


def _draft(kind: SuggestionKind, reason: str, score: float, auto_acceptable: bool = True) -> SuggestionDraft:
    return SuggestionDraft(kind, "PJU", None, score, reason, auto_acceptable)


def _route(draft: SuggestionDraft, **overrides) -> tuple[SuggestionStatus, str]:
    settings = ServiceSettings(spot_check_rate=0.0, **overrides)
    routed = route(draft, settings, POLICY, closed_gates=set(), model_version="3", report_id="r-1")
    return routed.status, routed.reason


@pytest.mark.parametrize(
    ("reason", "score", "expected"),
    [
        ("agrees_with_citizen", 0.5, SuggestionStatus.AUTO_ACCEPTED),  # the citizen agrees: 0.4 is enough
        ("agrees_with_citizen", 0.3, SuggestionStatus.IN_REVIEW),
        ("no_citizen_category", 0.5, SuggestionStatus.IN_REVIEW),  # the model alone must reach 0.8
        ("no_citizen_category", 0.85, SuggestionStatus.AUTO_ACCEPTED),
    ],
)
def test_each_category_type_has_the_served_models_own_threshold(reason, score, expected):
    status, routed_reason = _route(_draft(SuggestionKind.CATEGORY, reason, score))
    assert status == expected
    assert routed_reason == (reason if expected == SuggestionStatus.AUTO_ACCEPTED else "low_confidence")


def test_agency_threshold_and_overrides():
    assert _route(_draft(SuggestionKind.AGENCY, "routing", 0.75))[0] == SuggestionStatus.AUTO_ACCEPTED
    assert _route(_draft(SuggestionKind.AGENCY, "routing", 0.75), auto_accept_agency=0.9)[0] == (
        SuggestionStatus.IN_REVIEW
    )
    agree = _draft(SuggestionKind.CATEGORY, "agrees_with_citizen", 0.5)
    assert _route(agree, auto_accept_category=1.0) == (SuggestionStatus.IN_REVIEW, "low_confidence")


def test_a_change_to_what_the_citizen_said_is_never_auto_accepted():
    change = _draft(SuggestionKind.CATEGORY, "suggest_change", 0.99, auto_acceptable=False)
    assert _route(change, auto_accept_category=0.0) == (SuggestionStatus.IN_REVIEW, "suggest_change")


def test_spot_checks_and_closed_gates_still_apply():
    draft = _draft(SuggestionKind.AGENCY, "routing", 0.99)
    settings = ServiceSettings(spot_check_rate=1.0)
    assert route(draft, settings, POLICY, set(), "3", "r-1").status == SuggestionStatus.SPOT_CHECK
    closed = {(SuggestionKind.AGENCY, "3")}
    assert route(draft, settings, POLICY, closed, "3", "r-1").reason == "quality_gate"


def test_the_page_says_a_sure_disagreement_is_one_and_doubt_only_where_there_is_doubt():
    sure = {"predicted": "PJU", "confidence": 0.99, "citizen_category": "Jalan Rusak", "citizen_probability": 0.002}
    assert category_explanation("suggest_change", sure) == "Model yakin PJU (99%); warga memilih Jalan Rusak (<1%)."
    leaning = sure | {"confidence": 0.85, "citizen_probability": 0.1}
    assert category_explanation("needs_review", leaning).startswith("Model cenderung ke PJU (85%)")
    unsure = sure | {"confidence": 0.45, "citizen_probability": 0.3}
    assert category_explanation("needs_review", unsure).startswith("Model ragu")
    assert category_explanation("low_confidence", sure | {"confidence": 0.95}) == "Model yakin PJU (95%)."
