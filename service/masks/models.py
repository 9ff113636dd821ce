"""The table of reviewer masks and the API bodies of masking."""

import enum
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.masking import MASK_PLACEHOLDERS
from service.database.core import Base, string_enum, utcnow
from service.queue.models import MAX_ID, ReportView

MaskKind = enum.StrEnum("MaskKind", {kind.upper(): kind for kind in MASK_PLACEHOLDERS})
"""nama, telepon, nik, email, plat (the redactor's kinds), alamat, lainnya."""

MAX_TEXT = 10_000
"""Longest title or text a report may have (see models.report)."""


class ReviewerMask(Base):
    """A span a reviewer masked: offsets and kind, never the text; a training example for the redactor.

    Rows are only ever inserted (database triggers refuse updates and deletes)."""

    __tablename__ = "reviewer_masks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    field: Mapped[str] = mapped_column(String(10))
    """'text' or 'title'."""
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    """Into the field as stored at `text_revision` (end exclusive), in code points."""
    kind: Mapped[MaskKind] = mapped_column(string_enum(MaskKind, 20), index=True)
    text_revision: Mapped[int] = mapped_column(Integer)
    """The report's revision the offsets refer to; the mask made it `text_revision + 1`."""
    text_sha256: Mapped[str] = mapped_column(String(64))
    """Of the field as stored before this mask: training checks it maps the offsets onto the raw text right."""
    redactor_version: Mapped[str] = mapped_column(String(64), index=True)
    """The redactor that masked the stored text and missed this span."""
    reviewer: Mapped[str] = mapped_column(String(100))
    masked_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- API bodies -------------------------------------------------------------------------------------------


class MaskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: Literal["text", "title"] = Field(default="text", description="Which stored field the offsets are in.")
    start: int = Field(ge=0, le=MAX_TEXT, description="First character of the personal data (code points, from 0).")
    end: int = Field(ge=0, le=MAX_TEXT, description="One past its last character.")
    kind: MaskKind = Field(description="What it is; its placeholder replaces it (nama: [NAMA], alamat: [ALAMAT], ...).")
    text_revision: int = Field(
        ge=0,
        le=MAX_ID,
        description="The report's `text_revision` the offsets refer to (as read from the queue item); another "
        "mask since then is a 409, so a span never lands on other characters.",
    )


class MaskView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    report_id: str
    field: str
    start_offset: int
    end_offset: int
    kind: MaskKind
    text_revision: int
    redactor_version: str
    reviewer: str
    masked_at: datetime


class MaskResult(BaseModel):
    mask: MaskView
    report: ReportView = Field(description="The report as stored now, masked.")


class MaskCount(BaseModel):
    redactor_version: str
    kind: MaskKind
    masks: int
    reports: int = Field(description="Distinct reports with such a mask.")


class MaskCounts(BaseModel):
    total: int = Field(description="Every reviewer mask.")
    by_redactor_version: dict[str, int] = Field(description="Masks per redactor version that missed them.")
    counts: list[MaskCount] = Field(description="Per redactor version and kind, newest version first.")
