"""Request and response bodies of the triage API."""

from pydantic import BaseModel, ConfigDict, Field

from models.location.checker import Verdict as LocationVerdictKind
from models.mismatch import Verdict
from models.report import Report
from service.duplicates.models import DuplicatesResult
from service.reports.reasons import Reason


class BatchTriageRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reports: list[Report] = Field(min_length=1, description="Reports to triage; ids must be unique within the batch.")


class Candidate(BaseModel):
    label: str
    probability: float = Field(ge=0, le=1)


class Evidence(BaseModel):
    phrase: str = Field(description="A word or phrase of the report that pushed towards the prediction.")
    weight: float = Field(description="How strongly it pushed (model units, larger is stronger).")


class SuggestionResult(BaseModel):
    predicted: str = Field(description="The most probable label.")
    confidence: float = Field(ge=0, le=1, description="Calibrated probability of `predicted`.")
    top_k: list[Candidate] = Field(description="Most probable labels, best first.")
    evidence: list[Evidence] = Field(description="Phrases that drove the prediction, strongest first.")


class CategoryResult(SuggestionResult):
    citizen_category: str | None = Field(description="The category the citizen chose, if any.")
    agrees_with_citizen: bool | None = Field(
        description="Whether the prediction equals the citizen's category; null when the citizen chose none."
    )
    verdict: Verdict | None = Field(
        description="agree: keep the citizen's category; suggest_change: change it to `suggested`; "
        "needs_review: a person should look. Null when the citizen chose none."
    )
    suggested: str | None = Field(description="The category to change to, for `suggest_change`.")
    citizen_probability: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="The model's probability of the citizen's category; null when the citizen chose none or the "
        "model does not know the category.",
    )
    citizen_category_known: bool | None = Field(
        default=None,
        description="Whether the served model knows the citizen's category (see GET /v1/vocabulary; case and "
        "spacing ignored). False: the model cannot judge it, the verdict is `needs_review` and the report is "
        "reviewed for `unknown_category`. Null when the citizen chose none.",
    )
    error_model: str | None = Field(
        default=None,
        description="Which model of citizens' errors set the verdict's thresholds: `default` (they hold whether wrong "
        "picks fall within the same agency, in another agency or anywhere) or `learned` (from reviewers' "
        "corrections of citizens' categories). Null when the citizen chose none.",
    )


class PlaceResult(BaseModel):
    kelurahan: str
    kecamatan: str | None
    kota: str | None


class PlaceMention(BaseModel):
    level: str = Field(description="kelurahan or kecamatan")
    name: str


class LocationResult(BaseModel):
    verdict: LocationVerdictKind = Field(
        description="match, mismatch, ambiguous (near a boundary), outside (in no polygon), no_point, "
        "unknown_claim (claimed kelurahan not in the gazetteer) or unknown (no gazetteer covers the report)."
    )
    located: PlaceResult | None = Field(description="Where the geotag falls.")
    claimed: PlaceResult | None = Field(description="The claimed kelurahan as found in the gazetteer.")
    suggested: PlaceResult | None = Field(description="Where the geotag says the report belongs, when it differs.")
    boundary_distance_m: float | None = Field(description="Metres from the point to its kelurahan's boundary.")
    text_mentions: list[PlaceMention] = Field(description="Kelurahan and kecamatan named in the text.")
    text_mismatch: bool | None = Field(
        description="The text names places, none of them the claimed kelurahan or its kecamatan (a weak signal)."
    )


class VagueReason(BaseModel):
    code: str = Field(description="no_location, no_problem, greeting_or_hashtag_only or too_short.")
    description: str = Field(description="What is missing, for reviewers.")
    request: str = Field(description="What to ask the reporter for, in Bahasa Indonesia.")


class VagueResult(BaseModel):
    score: float = Field(ge=0, le=1, description="How likely the report is too vague to act on.")
    is_vague: bool = Field(description="The score reaches TRIASE_VAGUE_THRESHOLD.")
    reasons: list[VagueReason] = Field(description="What is missing; empty unless vague.")


class ModelInfo(BaseModel):
    name: str
    version: str


class ReviewResult(BaseModel):
    queued: bool = Field(description="Whether a person will review this report's suggestions.")
    queue_item_id: int | None = Field(description="The review queue item, when queued.")
    reasons: list[Reason] = Field(
        description="Why it was queued (the README's table of review reasons); empty when nothing is queued."
    )


class TriageResult(BaseModel):
    report_id: str
    category: CategoryResult
    agency: SuggestionResult | None = Field(
        description="Which agency should handle it; null if the model has no router."
    )
    location: LocationResult | None = Field(description="The location check; null where no boundaries are loaded.")
    vague: VagueResult | None = Field(default=None, description="Whether the report is too vague to act on.")
    duplicates: DuplicatesResult | None = Field(
        default=None, description="Earlier stored reports that may describe the same problem."
    )
    model: ModelInfo
    review: ReviewResult | None = Field(
        default=None, description="What happens next: null only where the service stores nothing."
    )


class BatchTriageResponse(BaseModel):
    results: list[TriageResult]
