"""The vagueness scorer the service asks, built once per process like the gazetteer.

Learned from the annotated reports where the real exports are present (seconds), else the hand-set
rules; `python -m training.vague` logs the same fit, and its held-out figures, to MLflow.
"""

import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from models.report import Report
from models.vagueness import VagueInput, VaguenessScorer
from service.config import ServiceSettings
from service.triage.models import VagueReason, VagueResult
from training.vague import shipped_scorer

log = logging.getLogger(__name__)


def vague_scorer(settings: ServiceSettings) -> VaguenessScorer:
    return _scorer(
        Path(settings.data_dir),
        Path(settings.assets_dir),
        settings.vague_mode,
        settings.vague_threshold,
        settings.vague_regularization,
    )


@lru_cache(maxsize=4)
def _scorer(data_dir: Path, assets_dir: Path, mode: str, threshold: float, regularization: float) -> VaguenessScorer:
    settings = ServiceSettings(
        data_dir=data_dir,
        assets_dir=assets_dir,
        vague_mode=mode,
        vague_threshold=threshold,
        vague_regularization=regularization,
    )
    scorer, metadata = shipped_scorer(settings, measure=False)  # the held-out figure is training's concern
    log.info("vagueness scorer: %s mode, threshold %.2f", metadata["mode"], scorer.threshold)
    return scorer


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
