"""Triage logic: run the served model on reports and shape its answer."""

from collections.abc import Sequence

from models.report import Report
from models.triage import Suggestion, TriageModel
from service.triage.models import Candidate, CategoryResult, Evidence, ModelInfo, SuggestionResult, TriageResult
from training.registry import RegisteredModel


def _fields(suggestion: Suggestion) -> dict:
    return {
        "predicted": suggestion.predicted,
        "confidence": suggestion.confidence,
        "top_k": [Candidate(label=label, probability=p) for label, p in suggestion.top_k],
        "evidence": [Evidence(phrase=phrase, weight=w) for phrase, w in suggestion.evidence],
    }


def triage(served: RegisteredModel, reports: Sequence[Report], top_k: int) -> list[TriageResult]:
    model: TriageModel = served.model
    info = ModelInfo(name=served.name, version=served.version)
    results = []
    for prediction in model.predict(reports, top_k=top_k):
        category = prediction.category
        results.append(
            TriageResult(
                report_id=prediction.report_id,
                category=CategoryResult(
                    **_fields(category),
                    citizen_category=category.citizen_category,
                    agrees_with_citizen=None
                    if category.citizen_category is None
                    else category.predicted.casefold() == category.citizen_category.strip().casefold(),
                    verdict=category.verdict,
                    suggested=category.suggested,
                ),
                agency=SuggestionResult(**_fields(prediction.agency)) if prediction.agency else None,
                model=info,
            )
        )
    return results
