"""The citizen report: one schema used by adapters, models, training and the API."""

from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

MAX_TEXT_CHARS = 10_000
"""Longest report text accepted. The longest real Surabaya report has 8,471 characters."""

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Report(BaseModel):
    """A citizen complaint as it arrives from any channel."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:\-]+$")] = Field(
        description="Stable id from the source system; letters, digits and . _ : - only.",
        examples=["sby-155342"],
    )
    text: str = Field(
        min_length=1,
        max_length=MAX_TEXT_CHARS,
        description=f"The complaint text (1 to {MAX_TEXT_CHARS} characters).",
        examples=["Lampu PJU di Jl. Kertajaya gang 5 mati sudah seminggu, mohon segera diperbaiki."],
    )
    title: ShortText | None = Field(default=None, description="Optional title given by the reporter.")
    category: ShortText | None = Field(
        default=None, description="Category the citizen chose, if the channel asks for one."
    )
    created_at: datetime | None = Field(default=None, description="When the report was filed (ISO 8601).")
    lat: float | None = Field(default=None, ge=-90, le=90, description="Latitude of the geotag (WGS84).")
    lon: float | None = Field(default=None, ge=-180, le=180, description="Longitude of the geotag (WGS84).")
    kelurahan: ShortText | None = Field(default=None, description="Kelurahan the reporter claims.")
    kecamatan: ShortText | None = Field(default=None, description="Kecamatan the reporter claims.")
    city: ShortText | None = Field(default=None, description="City or kota the reporter claims.")
    channel: ShortText | None = Field(default=None, description="Intake channel, e.g. 'jaki', 'mediacenter', 'qlue'.")
    reporter_ref: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        default=None, description="Opaque reference to the reporter; never shown to reviewers."
    )
    private: bool = Field(default=False, description="The reporter asked to stay anonymous.")

    @model_validator(mode="after")
    def _coordinates_come_in_pairs(self) -> Self:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon must be given together (or both omitted)")
        return self

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


REPORT_FIELDS: tuple[str, ...] = tuple(Report.model_fields)
