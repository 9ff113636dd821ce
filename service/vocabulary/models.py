"""Response body of the vocabulary endpoint."""

from pydantic import BaseModel, Field

from service.triage.models import ModelInfo


class CategoryEntry(BaseModel):
    name: str = Field(description="A category as the model names it (matching ignores case and spacing).")
    agency: str | None = Field(
        description="The agency most of this category's training reports went to: where a report corrected to it "
        "is routed. Null for a model without an agency classifier."
    )


class Vocabulary(BaseModel):
    model: ModelInfo = Field(description="The served model version this vocabulary belongs to.")
    categories: list[CategoryEntry] = Field(
        description="Every category the model predicts and can weigh a citizen's choice against, alphabetically. "
        "A citizen's category outside this list is accepted but cannot be judged (`citizen_category_known: false`)."
    )
    agencies: list[str] = Field(description="Every agency the model routes to, alphabetically; empty without one.")
