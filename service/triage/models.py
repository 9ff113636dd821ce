"""Request and response bodies of the triage API."""

from pydantic import BaseModel, ConfigDict, Field

from models.report import Report


class BatchTriageRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reports: list[Report] = Field(
        min_length=1, description="Reports to triage; ids must be unique within the batch."
    )


class CategoryCandidate(BaseModel):
    category: str
    probability: float = Field(ge=0, le=1)


class CategoryResult(BaseModel):
    predicted: str = Field(description="The most probable category.")
    confidence: float = Field(ge=0, le=1, description="Calibrated probability of `predicted`.")
    top_k: list[CategoryCandidate] = Field(description="Most probable categories, best first.")
    citizen_category: str | None = Field(description="The category the citizen chose, if any.")
    agrees_with_citizen: bool | None = Field(
        description="Whether the prediction equals the citizen's category; null when the citizen chose none."
    )


class ModelInfo(BaseModel):
    name: str
    version: str


class TriageResult(BaseModel):
    report_id: str
    category: CategoryResult
    model: ModelInfo


class BatchTriageResponse(BaseModel):
    results: list[TriageResult]
