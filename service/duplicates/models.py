"""Response bodies of the duplicate check."""

from pydantic import BaseModel, Field


class DuplicateCandidateResult(BaseModel):
    report_id: str = Field(description="An earlier stored report.")
    score: float = Field(ge=0, le=1, description="How likely both describe the same problem.")
    likely_duplicate: bool = Field(description="The score reaches TRIASE_DUPLICATE_LIKELY_THRESHOLD.")
    exact: bool = Field(description="The normalised texts are identical (a resubmission).")
    near_exact: bool = Field(description="Nearly the same characters (a lightly edited resubmission).")
    text_similarity: float = Field(description="Cosine similarity of the sentence embeddings.")
    lexical_similarity: float = Field(description="Jaccard similarity of character 4-grams.")
    rare_word_overlap: float = Field(description="Share of the rarer words the two texts have in common.")
    distance_m: float | None = Field(description="Metres between the two points, when both have one.")
    same_kelurahan: bool | None = Field(description="Null unless both name a kelurahan.")
    hours_apart: float
    same_category: bool | None = Field(description="Null unless both carry a category.")


class DuplicatesResult(BaseModel):
    candidates: list[DuplicateCandidateResult] = Field(description="Best candidates first.")
    duplicate_of: str | None = Field(description="The best likely duplicate, if any.")
    exact_resubmission_of: str | None = Field(description="An earlier report with the same text, if any.")
