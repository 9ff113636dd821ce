"""The events table (append-only: database triggers refuse updates and deletes) and the feed's API bodies."""

import enum
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from service.database.core import Base, string_enum, utcnow


class EventField(enum.StrEnum):
    CATEGORY = "category"
    AGENCY = "agency"
    KELURAHAN = "kelurahan"
    DUPLICATE_GROUP = "duplicate_group"


class EventSource(enum.StrEnum):
    AUTO = "auto"
    """Auto-accepted at intake."""
    REVIEWER = "reviewer"
    """A reviewer's decision."""


class ChangeEvent(Base):
    """One change of one field of a report's outcome, written in the transaction that made the change."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    """The feed's cursor: committed in increasing order (see service.events.service.publish)."""
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    field: Mapped[EventField] = mapped_column(string_enum(EventField, 20))
    from_value: Mapped[str | None] = mapped_column(String(200))
    to_value: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[EventSource] = mapped_column(string_enum(EventSource, 10))
    reviewer: Mapped[str | None] = mapped_column(String(100))
    """The deciding reviewer's key name (a pseudonym); null for automatic changes."""
    reroute: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class EventView(BaseModel):
    id: int = Field(description="Monotonically increasing; pass the last one seen as `after` to resume.")
    report_id: str
    field: EventField
    from_: str | None = Field(serialization_alias="from", description="The value before the change.")
    to: str | None = Field(description="The value after the change.")
    source: EventSource = Field(description="auto: auto-accepted at intake; reviewer: a reviewer's decision.")
    reviewer: str | None = Field(description="The reviewer's key name (a pseudonym); null for automatic changes.")
    reroute: bool = Field(
        description="The report must be re-routed: its agency changed from one office to another, or a corrected "
        "category calls for another agency (a new agency suggestion is under review)."
    )
    at: datetime


class EventPage(BaseModel):
    events: list[EventView] = Field(description="Oldest first.")
    next_cursor: int = Field(description="Pass as `after` for the next page; unchanged when there was nothing new.")
    has_more: bool = Field(description="More events are waiting beyond this page.")
