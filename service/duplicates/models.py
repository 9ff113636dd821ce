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
    same_category: bool | None = Field(
        description="Null unless both carry a category (the citizen's, else the predicted one)."
    )
    same_place: bool | None = Field(
        description="Points close together or a place name/number in common: true; different place names and "
        "farther apart: false; null when unknown."
    )
    same_problem: bool | None = Field(
        description="The problem similarity reaches TRIASE_DUPLICATE_PROBLEM_THRESHOLD; false: a different "
        "problem, never a likely duplicate however close. Null when unknown."
    )
    problem_similarity: float | None = Field(
        description="The larger of category_similarity and problem_word_overlap; null when neither is known."
    )
    category_similarity: float | None = Field(
        description="Overlap of the two predicted category distributions (1 identical, 0 disjoint)."
    )
    problem_word_overlap: float | None = Field(
        description="Share of the problem words (place names, streets, RT/RW, landmarks blanked) in common."
    )
    problem_vector_similarity: float | None = Field(
        default=None,
        description="Similarity of the two reports' learned problem vectors (1: the same problem); below the "
        "bundle's problem-vector threshold the problems differ. Null unless both were read by the served pooling.",
    )
    resubmission: bool = Field(
        description="The same text, or retyped minutes later by the same reporter or at the same point."
    )


class DuplicatesResult(BaseModel):
    candidates: list[DuplicateCandidateResult] = Field(description="Best candidates first.")
    duplicate_of: str | None = Field(description="The best likely duplicate, if any.")
    exact_resubmission_of: str | None = Field(description="An earlier report with the same text, if any.")
    resubmission_of: str | None = Field(
        default=None,
        description="An earlier report this one resubmits: the same text, or retyped with small edits minutes "
        "later by the same reporter or at the same point.",
    )
