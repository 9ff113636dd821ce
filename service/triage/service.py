"""Triage logic: run the served model on reports and shape its answer."""

from collections.abc import Sequence
from dataclasses import asdict

from models.location.checker import LocationChecker
from models.mismatch import Verdict
from models.registry import RegisteredModel
from models.report import Report
from models.triage import Suggestion, TriageModel
from service.triage.models import (
    Candidate,
    CategoryResult,
    Evidence,
    LocationResult,
    ModelInfo,
    SuggestionResult,
    TriageResult,
)


def _fields(suggestion: Suggestion) -> dict:
    return {
        "predicted": suggestion.predicted,
        "confidence": suggestion.confidence,
        "top_k": [Candidate(label=label, probability=p) for label, p in suggestion.top_k],
        "evidence": [Evidence(phrase=phrase, weight=w) for phrase, w in suggestion.evidence],
    }


def check_location(checker: LocationChecker, report: Report) -> LocationResult:
    verdict = checker.check(report)
    return LocationResult(
        verdict=verdict.verdict,
        located=asdict(verdict.located) if verdict.located else None,
        claimed=asdict(verdict.claimed) if verdict.claimed else None,
        suggested=asdict(verdict.suggested) if verdict.suggested else None,
        boundary_distance_m=verdict.boundary_distance_m,
        text_mentions=[asdict(m) for m in verdict.text_mentions],
        text_mismatch=verdict.text_mismatch,
    )


def triage(
    served: RegisteredModel,
    reports: Sequence[Report],
    texts: Sequence[str],
    top_k: int,
    locations: LocationChecker | None = None,
) -> list[TriageResult]:
    """`texts`: the reports' masked `models.triage.report_text`."""
    model: TriageModel = served.model
    info = ModelInfo(name=served.name, version=served.version)
    results = []
    for report, prediction in zip(reports, model.predict(reports, top_k=top_k, texts=texts)):
        category = prediction.category
        results.append(
            TriageResult(
                report_id=prediction.report_id,
                category=CategoryResult(
                    **_fields(category),
                    citizen_category=category.citizen_category,
                    agrees_with_citizen=None if category.verdict is None else category.verdict == Verdict.AGREE,
                    verdict=category.verdict,
                    suggested=category.suggested,
                    citizen_probability=category.citizen_probability,
                    citizen_category_known=category.citizen_category_known,
                    error_model=category.error_model,
                ),
                agency=SuggestionResult(**_fields(prediction.agency)) if prediction.agency else None,
                location=check_location(locations, report) if locations else None,
                model=info,
            )
        )
    return results
