"""The model bundle: everything learnt that the service serves, as one artifact and one registered version.

`triase train` fits and registers one bundle per model version; the service loads only the bundle, so
every suggestion it stores (category, agency, location, vague, duplicate) names the version that made it,
and a server needs no raw exports to start. The bundle holds:

- ``triage``: the category and agency classifiers, the mismatch rule, the auto-accept policy and the routing;
- ``vagueness``: the vagueness scorer (learned from the annotation where the exports were present at
  training, else the hand-set rules; ``metadata["vague"]`` says which);
- ``duplicate_scorer`` and ``duplicate_likely_threshold``: the duplicate score and the score from which a
  candidate is a likely duplicate;
- ``problem_pooling`` and ``problem_vector_threshold``: the learned problem vectors of the duplicate check and the
  similarity below which two reports are about different problems (None and 0 in bundles made before them);
- ``gazetteer``: the kelurahan boundaries the location check reads (None where the boundary files were
  absent at training: no location checks), with ``version`` the manifest hash of the files it was built from;
- ``redactor_version``: the PII masking its training texts went through (`models.privacy.redactor.redactor_version`);
- ``name_tagger``: the learned name tagger (`models.privacy.tagger.NameTagger`) fitted on the annotated reports,
  where the annotated export was present at training (None otherwise, and in bundles made before it): the service
  masks incoming reports with the rules and its names (:attr:`ModelBundle.masker`).
"""

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from models.duplicates import DuplicateIndex, DuplicateScorer
from models.duplicates.problem_vectors import ProblemPooling
from models.location.checker import LocationChecker
from models.location.gazetteer import Gazetteer
from models.privacy.tagger import Masker, NameTagger
from models.triage import ARTIFACT_FORMAT, TriageModel
from models.vagueness.scorer import VaguenessScorer


@dataclass
class ModelBundle:
    triage: TriageModel
    vagueness: VaguenessScorer
    duplicate_scorer: DuplicateScorer
    duplicate_likely_threshold: float
    gazetteer: Gazetteer | None
    redactor_version: str
    metadata: dict[str, Any] = field(default_factory=dict)
    # Defaults, so bundles pickled before the problem vectors load (as class attributes) and score without them.
    problem_pooling: ProblemPooling | None = None
    problem_vector_threshold: float = 0.0
    name_tagger: NameTagger | None = None

    def __post_init__(self) -> None:
        self.metadata.setdefault("artifact_format", ARTIFACT_FORMAT)

    @cached_property
    def masker(self) -> Masker:
        """What incoming reports are masked with: the rules, and the bundle's name tagger where it has one."""
        return Masker(self.name_tagger)

    def __getstate__(self) -> dict[str, Any]:
        # The masker is made from the tagger on first use: a pickled bundle holds only what training fitted, so it
        # loads wherever the fitted parts' classes do.
        state = dict(self.__dict__)
        state.pop("masker", None)
        return state

    def use_embedder(self, embedder_dir: Path) -> None:
        """Point the sentence-vector heads at this machine's embedder folder (see `TriageModel.use_embedder`)."""
        self.triage.use_embedder(embedder_dir)

    def warm_up(self) -> None:
        self.triage.warm_up()

    def location_checker(self, margin_m: float) -> LocationChecker | None:
        """The location check on the bundle's gazetteer (cheap: the gazetteer holds the indexes); None without one."""
        return LocationChecker(self.gazetteer, margin_m=margin_m) if self.gazetteer is not None else None

    def score_duplicates_with(self, index: DuplicateIndex) -> None:
        """Make `index` score and flag candidates as this bundle does (the index keeps its windows and radii)."""
        index.scorer = self.duplicate_scorer
        index.likely_threshold = self.duplicate_likely_threshold
        index.problem_vector_threshold = self.problem_vector_threshold

    def describe(self) -> dict[str, Any]:
        """What each part is, for the registry's metadata and the admin API: JSON only, no fitted objects."""
        return {
            "artifact_format": self.metadata["artifact_format"],
            "vague": {"mode": self.vagueness.mode, "threshold": self.vagueness.threshold},
            "duplicates": {
                "likely_threshold": self.duplicate_likely_threshold,
                **self.duplicate_scorer.to_dict(),
                "problem_pooling": None
                if self.problem_pooling is None
                else {**self.problem_pooling.get_params(), "digest": self.problem_pooling.digest},
                "problem_vector_threshold": self.problem_vector_threshold,
            },
            "gazetteer": None
            if self.gazetteer is None
            else {"name": self.gazetteer.name, "version": self.gazetteer.version, "places": len(self.gazetteer.places)},
            "redactor_version": self.redactor_version,
            "name_tagger": None
            if self.name_tagger is None
            else {**self.name_tagger.get_params(), "masker_version": self.masker.version},
        }
