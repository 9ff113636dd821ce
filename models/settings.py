"""Settings shared by training and serving, read from ``TRIASE_*`` environment variables.

Every path default is relative to the project checkout, so the two README commands work
from a fresh clone without any configuration.
"""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRIASE_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=PROJECT_ROOT.parent / "shared" / "data",
        description="Folder holding the real exports (surabaya_mediacenter/, petabencana_.../, geo/); read by "
        "training and evaluation only (the service serves the registered bundle and needs none).",
    )
    assets_dir: Path = Field(
        default=PROJECT_ROOT / "data",
        description="The project's own small assets: dataset manifests, demo reports, configuration.",
    )
    home: Path = Field(
        default=PROJECT_ROOT / ".triase",
        description="Local state: embedded MLflow store, embedder cache, SQLite database (relative to the cwd).",
    )
    mlflow_tracking_uri: str | None = Field(
        default=None,
        description="MLflow tracking server or store; default is a SQLite store under `home`.",
    )
    mlflow_experiment: str = Field(default="triase", description="MLflow experiment for every run.")
    model_name: str = Field(default="triase-triage", description="Registered model name in MLflow.")
    embedder_cache_dir: Path | None = Field(
        default=None,
        description="Where the converted sentence-transformers embedder is built; default `home`/embedder.",
    )
    min_reports_per_category: int = Field(
        default=50,
        ge=1,
        description="Categories with fewer training reports are folded into 'Lainnya' (or left out with "
        "`triase train --rare drop`).",
    )
    min_reports_per_agency: int = Field(
        default=50, ge=1, description="Agencies with fewer training reports are folded into 'Lainnya'."
    )

    mismatch_target_precision: float = Field(
        default=0.9,
        gt=0,
        le=1,
        description="Precision `suggest_change` must reach on the validation split under every citizen-error model "
        "but `same_agency` when its thresholds are chosen (a change suggested against a recorded category that a "
        "blind reading found not to fit counts as a catch).",
    )
    mismatch_same_agency_precision: float = Field(
        default=0.85,
        gt=0,
        le=1,
        description="Precision `suggest_change` must reach under the `same_agency` error model, which assumes "
        "citizens never pick another agency's category: held to the full target, that one assumption would set the "
        "other-agency odds and make confident cross-agency disagreements unreachable.",
    )
    auto_accept_target_precision: float = Field(
        default=0.95,
        gt=0,
        le=1,
        description="Precision what passes without a person must reach on the validation split, per suggestion type "
        "(category the citizen chose, category when the citizen chose none, agency); `triase train` sets the "
        "auto-accept thresholds of the model from it.",
    )
    vague_threshold: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="A report is flagged vague when its vagueness score is at least this (models/vagueness.py); "
        "`triase train` puts it in the bundle, the service uses the bundle's.",
    )
    vague_mode: Literal["auto", "learned", "rules"] = Field(
        default="auto",
        description="Vagueness scorer: 'learned' (logistic regression on cue features and a text model's score, "
        "fitted on the annotation; "
        "needs the real exports), 'rules' (hand-set rules, no data needed), 'auto' (learned where the "
        "annotated reports can be loaded, else rules); chosen when `triase train` fits the bundle's scorer.",
    )
    name_tagger: bool = Field(
        default=True,
        description="Whether `triase train` fits the learned name tagger into the bundle (where the annotated "
        "Surabaya export is present), so the service masks with the rules plus its names; off: the rules alone. On "
        "the fresh parts it met it found the writer's names of more reports on one and nothing on the other, at "
        "0.7 and 2.2 points of precision (data/annotations/pii_guidelines.md).",
    )
    vague_regularization: float = Field(
        default=0.3,
        gt=0,
        description="Inverse regularisation strength C of the learned vagueness scorer's logistic regression "
        "(at `triase train`).",
    )
    duplicate_likely_threshold: float = Field(
        default=0.602,
        ge=0,
        le=1,
        description="A duplicate candidate scoring at least this is a likely duplicate (and joins the report's "
        "group); chosen on the dev annotations for `duplicate_target_precision`; `triase train` puts it in the "
        "bundle, the service uses the bundle's.",
    )
    duplicate_target_precision: float = Field(
        default=0.9,
        gt=0,
        le=1,
        description="Precision the likely-duplicate threshold must reach on the dev annotations when it is fitted.",
    )
    duplicate_window_days: float = Field(
        default=365.0,
        gt=0,
        description="Reports further apart in time are never duplicate candidates (categories not listed in "
        "`duplicate_category_window_days`).",
    )
    duplicate_category_window_days: dict[str, float] = Field(
        default_factory=dict,
        description="Time window per category (the citizen's, else the predicted one) in days, as JSON, e.g. "
        '{"Banjir": 2, "Jalan Rusak": 180}: a flood is one event for hours, a broken road stays for months.',
    )
    duplicate_radius_m: float = Field(
        default=1000.0,
        gt=0,
        description="Reports whose points are further apart (when both have one) are never duplicate candidates.",
    )
    duplicate_category_radius_m: dict[str, float] = Field(
        default_factory=dict,
        description='Radius per category in metres, as JSON, e.g. {"Pohon Tumbang": 250}.',
    )
    duplicate_near_exact_threshold: float = Field(
        default=0.8,
        gt=0,
        le=1,
        description="Character-shingle Jaccard similarity from which a candidate counts as a near-exact resubmission.",
    )
    duplicate_same_place_m: float = Field(
        default=150.0,
        ge=0,
        description="Points at most this far apart are the same place; farther, place names/numbers decide (none "
        "shared: a different place, never a likely duplicate).",
    )
    duplicate_category_same_place_m: dict[str, float] = Field(
        default_factory=dict,
        description="Same-place distance per category (the citizen's, else the predicted one), as JSON, e.g. "
        '{"Banjir": 330}: a flood pocket is wider than a pothole.',
    )
    duplicate_area_same_place_m: float = Field(
        default=330.0,
        ge=0,
        description="Same-place distance when either report names a flood (a problem of an area, not a spot); "
        "chosen on the dev annotations: flood duplicates lie up to 333 m apart under different street names.",
    )
    duplicate_problem_threshold: float = Field(
        default=0.3,
        ge=0,
        le=1,
        description="Problem similarity (the larger of the predicted-category overlap and the problem-word overlap, "
        "place words blanked) below which two reports describe different problems: never a likely duplicate.",
    )
    duplicate_problem_confidence: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="The category model says two reports describe different problems only when its top "
        "probability reaches this for both.",
    )
    duplicate_problem_vector_recall: float = Field(
        default=0.85,
        gt=0,
        le=1,
        description="`triase train` sets the learned problem-vector threshold so that this share of the "
        "hand-written same-problem pairs (paraphrases, resubmissions, one problem at two places) stays above it, "
        "out of fold by writer; below it two reports describe different problems.",
    )
    duplicate_resubmission_minutes: float = Field(
        default=60.0,
        ge=0,
        description="A report at most this long after an earlier one from the same reporter (or the same point), "
        "with nearly the same words, is a resubmission.",
    )
    duplicate_resubmission_point_m: float = Field(
        default=30.0, ge=0, description="Points at most this far apart count as the same point for a resubmission."
    )
    duplicate_resubmission_word_share: float = Field(
        default=0.55,
        gt=0,
        le=1,
        description="Share of the shorter text's distinct words the other must contain for a resubmission.",
    )
    duplicate_resubmission_problem_share: float = Field(
        default=0.4,
        ge=0,
        le=1,
        description="Share of the shorter text's problem words (place words blanked) the other must contain for a "
        "resubmission, when both have some: one sender's two problems in one alley share the alley's words.",
    )
    duplicate_candidate_pool: int = Field(
        default=100, ge=1, le=10_000, description="Nearest vectors retrieved per duplicate search before scoring."
    )

    @property
    def tracking_uri(self) -> str:
        return self.mlflow_tracking_uri or f"sqlite:///{self.home / 'mlflow.db'}"

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, home: Path) -> Path:
        # MLflow's artifact root is a file URI, which only an absolute path has.
        return home.absolute()

    @property
    def artifact_root(self) -> str:
        return (self.home / "mlartifacts").as_uri()

    @property
    def embedder_dir(self) -> Path:
        return self.embedder_cache_dir or self.home / "embedder"


@lru_cache
def get_settings() -> Settings:
    return Settings()
