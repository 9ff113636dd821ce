"""The vagueness answer of a triage result, from the served bundle's scorer (`models.bundle.ModelBundle.vagueness`)."""

from collections.abc import Sequence

from models.report import Report
from models.vagueness.scorer import VagueInput, VaguenessScorer
from service.triage.models import VagueReason, VagueResult


def assess(scorer: VaguenessScorer, reports: Sequence[Report], texts: Sequence[str]) -> list[VagueResult]:
    """`texts`: the reports' masked `models.triage.report_text`."""
    inputs = [VagueInput(text, has_point=r.has_point) for r, text in zip(reports, texts)]
    return [
        VagueResult(
            score=a.score,
            is_vague=a.is_vague,
            reasons=[VagueReason(code=r.code, description=r.description, request=r.request) for r in a.reasons],
        )
        for a in scorer.assess(inputs)
    ]
