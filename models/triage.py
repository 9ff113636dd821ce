"""The triage model: everything the service asks about one report, bundled as one artifact."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from models.category import TextClassifier
from models.report import Report


@dataclass(frozen=True)
class CategorySuggestion:
    predicted: str
    confidence: float
    top_k: list[tuple[str, float]]
    citizen_category: str | None
    agrees_with_citizen: bool | None
    """None when the citizen chose no category."""


@dataclass(frozen=True)
class TriagePrediction:
    report_id: str
    category: CategorySuggestion


def report_text(report: Report) -> str:
    """The text the classifiers read: the title carries signal when a reporter gives one."""
    return f"{report.title}. {report.text}" if report.title else report.text


def _same_category(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


@dataclass
class TriageModel:
    """A fitted category classifier plus the facts needed to serve and audit it."""

    category_classifier: TextClassifier
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def categories(self) -> list[str]:
        return [str(c) for c in self.category_classifier.classes_]

    def predict(self, reports: Sequence[Report], top_k: int = 3) -> list[TriagePrediction]:
        if not reports:
            return []
        ranked = self.category_classifier.top_k([report_text(r) for r in reports], k=top_k)
        predictions = []
        for report, candidates in zip(reports, ranked):
            best, confidence = candidates[0]
            citizen = report.category
            predictions.append(
                TriagePrediction(
                    report_id=report.id,
                    category=CategorySuggestion(
                        predicted=best,
                        confidence=confidence,
                        top_k=candidates,
                        citizen_category=citizen,
                        agrees_with_citizen=None if citizen is None else _same_category(best, citizen),
                    ),
                )
            )
        return predictions
