"""Triage logic: run the served model on reports and shape its answer."""

from collections.abc import Sequence

from models.report import Report
from models.triage import TriageModel
from service.triage.models import CategoryCandidate, CategoryResult, ModelInfo, TriageResult
from training.registry import RegisteredModel


def triage(served: RegisteredModel, reports: Sequence[Report], top_k: int) -> list[TriageResult]:
    model: TriageModel = served.model
    info = ModelInfo(name=served.name, version=served.version)
    return [
        TriageResult(
            report_id=prediction.report_id,
            category=CategoryResult(
                predicted=prediction.category.predicted,
                confidence=prediction.category.confidence,
                top_k=[CategoryCandidate(category=c, probability=p) for c, p in prediction.category.top_k],
                citizen_category=prediction.category.citizen_category,
                agrees_with_citizen=prediction.category.agrees_with_citizen,
            ),
            model=info,
        )
        for prediction in model.predict(reports, top_k=top_k)
    ]
