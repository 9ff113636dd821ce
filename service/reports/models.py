"""Tables of triaged reports and model suggestions (a suggestion is never overwritten; decisions live apart)."""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.database.core import Base, string_enum, utcnow


class SuggestionKind(enum.StrEnum):
    CATEGORY = "category"
    AGENCY = "agency"
    LOCATION = "location"
    VAGUE = "vague"
    DUPLICATE = "duplicate"


class SuggestionStatus(enum.StrEnum):
    AUTO_ACCEPTED = "auto_accepted"
    """Passed its auto-accept threshold and its type's quality gate: applied without review."""
    IN_REVIEW = "in_review"
    """Needs a person: below threshold, a change to what the citizen said, or its type's gate is closed."""
    SPOT_CHECK = "spot_check"
    """Would have been auto-accepted; sampled for review so the auto-accept precision stays measured."""


class StoredReport(Base):
    __tablename__ = "reports"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    content_sha256: Mapped[str] = mapped_column(String(64))
    """Of the report as submitted: a resubmission with the same id but other content is refused."""
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    created_at: Mapped[datetime | None]
    title: Mapped[str | None] = mapped_column(Text)
    """Personal data masked, as every stored text."""
    text: Mapped[str] = mapped_column(Text)
    citizen_category: Mapped[str | None] = mapped_column(String(200))
    kelurahan: Mapped[str | None] = mapped_column(String(200), index=True)
    kecamatan: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    reporter_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    """Keyed hash of the reporter reference; never stored for private reports, never shown to reviewers."""
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    model_name: Mapped[str] = mapped_column(String(200))
    model_version: Mapped[str] = mapped_column(String(50))
    result: Mapped[dict[str, Any]]
    """The triage answer as first given, replayed when the same report is sent again."""
    duplicate_group: Mapped[str | None] = mapped_column(String(128), index=True)
    """Id of the group's earliest report once a reviewer merged duplicates; null for a report on its own."""
    redactor_version: Mapped[str | None] = mapped_column(String(64))
    """`models.privacy.redactor.redactor_version()` that masked the text at intake; null for reports stored before it
    was kept. A reviewer's mask records it as the redactor that missed the span."""
    text_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """How many reviewer masks changed the title or text: a mask names the revision its offsets refer to."""

    suggestions: Mapped[list["SuggestionRecord"]] = relationship(
        back_populates="report", order_by="SuggestionRecord.id", lazy="selectin"
    )


class SuggestionRecord(Base):
    __tablename__ = "suggestions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    kind: Mapped[SuggestionKind] = mapped_column(string_enum(SuggestionKind, 20), index=True)
    value: Mapped[str | None] = mapped_column(String(200))
    """The suggested label, kelurahan or duplicate report id; 'vague' for a vague flag."""
    current_value: Mapped[str | None] = mapped_column(String(200))
    """What the report says now (the citizen's category or kelurahan), for comparison."""
    score: Mapped[float] = mapped_column(Float)
    status: Mapped[SuggestionStatus] = mapped_column(string_enum(SuggestionStatus, 20))
    reason: Mapped[str] = mapped_column(String(64))
    """Why it was made and routed as it was, e.g. 'suggest_change', 'low_confidence', 'likely_duplicate'."""
    evidence: Mapped[dict[str, Any]]
    model_name: Mapped[str] = mapped_column(String(200))
    model_version: Mapped[str] = mapped_column(String(50), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[StoredReport] = relationship(back_populates="suggestions")
