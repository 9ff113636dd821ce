"""Assemble the model bundle `triase train` registers: the fitted triage model with every other learnt part the
service serves, so a server needs neither the raw exports nor the training code to start.

Each part comes from where training has always made it: the vagueness scorer from the annotation
(`training.vague.shipped_scorer`: learned where the exports are present, else the rules), the duplicate scorer's
coefficients (the shipped fit, `python -m training.duplicates`) and the likely-duplicate threshold of the settings,
the learned problem vectors and their threshold from the hand-written pairs (`training.problem_vectors`), the
gazetteer from the boundary files checked against their manifest (`training.geo`), where present, and the name
tagger the service masks with beside the rules from the annotated reports (`training.name_tagger`), where the export
is present.
"""

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from models.bundle import ModelBundle
from models.duplicates import DuplicateScorer
from models.location.gazetteer import Gazetteer
from models.privacy.redactor import redactor_version
from models.privacy.tagger import NameTagger
from models.settings import Settings
from models.triage import TriageModel
from models.vagueness.scorer import VaguenessScorer
from training.geo import geo_available, load_gazetteer
from training.name_tagger import fit_name_tagger
from training.problem_vectors import fit_problem_pooling
from training.vague import shipped_scorer

log = logging.getLogger(__name__)


def build_bundle(settings: Settings, triage: TriageModel) -> ModelBundle:
    vagueness, vague_metadata = _vague_scorer(
        Path(settings.data_dir),
        Path(settings.assets_dir),
        settings.vague_mode,
        settings.vague_threshold,
        settings.vague_regularization,
    )
    gazetteer = _gazetteer(settings)
    if gazetteer is None:
        log.warning("no boundary files under %s: the bundle has no gazetteer (no location checks)", settings.data_dir)
    problems = fit_problem_pooling(settings)
    pooling, threshold, problem_metadata = problems if problems is not None else (None, 0.0, None)
    return ModelBundle(
        triage=triage,
        vagueness=vagueness,
        # The shipped coefficients written out, so the bundle scores the same whatever later code defaults to.
        duplicate_scorer=DuplicateScorer.from_dict(DuplicateScorer().to_dict()),
        duplicate_likely_threshold=settings.duplicate_likely_threshold,
        gazetteer=gazetteer,
        redactor_version=redactor_version(),
        metadata={"vague": vague_metadata, "problem_vectors": problem_metadata},
        problem_pooling=pooling,
        problem_vector_threshold=threshold,
        name_tagger=_name_tagger(Path(settings.data_dir), Path(settings.assets_dir)) if settings.name_tagger else None,
    )


@lru_cache(maxsize=4)
def _vague_scorer(
    data_dir: Path, assets_dir: Path, mode: str, threshold: float, regularization: float
) -> tuple[VaguenessScorer, dict[str, Any]]:
    # Cached per process: the fit loads and masks both full exports (tens of seconds), and its result depends
    # only on these arguments; a bundle only reads the scorer.
    settings = Settings(
        data_dir=data_dir,
        assets_dir=assets_dir,
        vague_mode=mode,
        vague_threshold=threshold,
        vague_regularization=regularization,
    )
    scorer, metadata = shipped_scorer(settings, measure=False)
    log.info("vagueness scorer: %s mode, threshold %.2f", metadata["mode"], scorer.threshold)
    return scorer, metadata


@lru_cache(maxsize=4)
def _name_tagger(data_dir: Path, assets_dir: Path) -> NameTagger | None:
    # Cached per process, as the vagueness scorer: the fit reads the export and takes about half a minute.
    return fit_name_tagger(Settings(data_dir=data_dir, assets_dir=assets_dir))


def _gazetteer(settings: Settings) -> Gazetteer | None:
    return load_gazetteer(settings) if geo_available(settings) else None
