"""Queue tables and the API bodies of the queue."""

import enum
from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.database.core import Base, string_enum, utcnow
from service.reports.models import StoredReport, SuggestionKind, SuggestionRecord, SuggestionStatus


class ItemStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"


class Action(enum.StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    CORRECT = "correct"
    MERGE = "merge"


class QueueItem(Base):
    """One report waiting for a person; it closes when every suggestion under review is decided."""

    __tablename__ = "queue_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), unique=True)
    status: Mapped[ItemStatus] = mapped_column(string_enum(ItemStatus, 10), index=True)
    priority: Mapped[float] = mapped_column(Float, index=True)
    """Higher first: the less certain the models, the higher; age is added when the queue is read."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    closed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None]

    report: Mapped[StoredReport] = relationship(lazy="joined")


class Decision(Base):
    """A person's decision on one suggestion; the unique suggestion id makes exactly one decision win."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id"), unique=True)
    queue_item_id: Mapped[int] = mapped_column(ForeignKey("queue_items.id"), index=True)
    action: Mapped[Action] = mapped_column(string_enum(Action, 10))
    value: Mapped[str | None] = mapped_column(String(200))
    """The final value: the suggestion's on accept, the reviewer's on correct, the group on merge."""
    comment: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    suggestion: Mapped[SuggestionRecord] = relationship(lazy="joined")


# --- API bodies -------------------------------------------------------------------------------------------

MAX_ID = 2**31 - 1
"""Ids are 32-bit integers in every backend."""

Comment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Value = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class DecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    suggestion_id: int = Field(ge=1, le=MAX_ID, description="The suggestion of this item being decided.")
    action: Action
    value: Value | None = Field(
        default=None, description="Required for `correct` (the right value) and `merge` (the report id to merge into)."
    )
    comment: Comment | None = None

    @model_validator(mode="after")
    def _value_where_needed(self) -> Self:
        if self.action in (Action.CORRECT, Action.MERGE) and self.value is None:
            raise ValueError(f"value is required for action '{self.action}'")
        if self.action in (Action.ACCEPT, Action.REJECT) and self.value is not None:
            raise ValueError(f"value must be omitted for action '{self.action}'")
        return self


class SuggestionView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: SuggestionKind
    value: str | None
    current_value: str | None
    score: float
    status: SuggestionStatus
    reason: str
    evidence: dict[str, Any]
    model_version: str
    decision: "DecisionView | None" = None


class DecisionView(BaseModel):
    id: int
    suggestion_id: int
    action: Action
    value: str | None
    comment: str | None
    reviewer: str
    decided_at: datetime


class ReportView(BaseModel):
    """What a reviewer sees of a report: masked text, no reporter information."""

    id: str
    title: str | None
    text: str
    citizen_category: str | None
    kelurahan: str | None
    kecamatan: str | None
    city: str | None
    channel: str | None
    lat: float | None
    lon: float | None
    created_at: datetime | None
    received_at: datetime
    private: bool
    duplicate_group: str | None


class QueueItemSummary(BaseModel):
    id: int
    report_id: str
    status: ItemStatus
    priority: float
    reasons: list[str]
    category: str | None
    kelurahan: str | None
    created_at: datetime
    claimed_by: str | None
    claimed_until: datetime | None


class QueueItemView(QueueItemSummary):
    report: ReportView
    suggestions: list[SuggestionView]


class QueuePage(BaseModel):
    items: list[QueueItemSummary]
    total: int = Field(description="Items matching the filters, all pages together.")
