"""Queue tables and the API bodies of the queue."""

import enum
from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.database.core import Base, string_enum, utcnow
from service.errors import ErrorResponse
from service.reports.models import StoredReport, SuggestionKind, SuggestionRecord, SuggestionStatus
from service.reports.reasons import Reason


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
    reason: Reason = Field(description="Why it was reviewed, or why it passed on its own (the README's table).")
    evidence: dict[str, Any]
    model_version: str
    decision: "DecisionView | None" = None
    superseded_by: int | None = Field(
        default=None, description="A later suggestion of the same kind replaced this one; it needs no decision."
    )


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
    text_revision: int = Field(
        description="How many reviewer masks changed the title or text; a new mask names the revision its offsets "
        "refer to (POST /v1/reports/{id}/masks)."
    )


class QueueConflict(ErrorResponse):
    """A 409 of the queue: someone else decided first or holds the claim."""

    winner: DecisionView | None = Field(description="The decision that won, when the suggestion was decided first.")
    claimed_by: str | None = Field(description="Who holds the claim, when another reviewer does.")


class QueueItemSummary(BaseModel):
    id: int
    report_id: str
    status: ItemStatus
    priority: float
    reasons: list[Reason] = Field(description="Why its suggestions are reviewed.")
    category: str | None
    kelurahan: str | None
    queued_at: datetime = Field(
        description="When the report entered the queue (the citizen's filing time is `report.created_at`)."
    )
    claimed_by: str | None
    claimed_until: datetime | None


class QueueItemView(QueueItemSummary):
    report: ReportView
    suggestions: list[SuggestionView]


class QueuePage(BaseModel):
    items: list[QueueItemSummary]
    total: int = Field(description="Items matching the filters, all pages together.")


BULK_MAX_ITEMS = 500
"""Most items one bulk action decides; a larger filter is worked by repeating the call."""


class BulkFilter(BaseModel):
    """The queue list's filters: which open items a bulk action takes."""

    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=64, description="Also: accept only suggestions with it.")
    kind: SuggestionKind | None = Field(default=None, description="Also: accept only suggestions of this kind.")
    category: str | None = Field(default=None, max_length=200)
    kelurahan: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not any((self.reason, self.kind, self.category, self.kelurahan)):
            raise ValueError("filter: give at least one of reason, kind, category, kelurahan (or list item_ids)")
        return self


class BulkDecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["accept", "merge"] = Field(
        description="accept: every waiting suggestion of each item (of the filter's kind and reason when given); "
        "merge: every open item whose waiting duplicate suggestion points into `original`'s group, into it."
    )
    item_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = Field(
        default=None, max_length=BULK_MAX_ITEMS, description="The queue items to decide (for merge: only these)."
    )
    filter: BulkFilter | None = Field(default=None, description="Instead of item_ids (accept only).")
    original: Value | None = Field(default=None, description="For merge: the report id the group merges into.")
    comment: Comment | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.action == "accept":
            if (self.item_ids is None) == (self.filter is None):
                raise ValueError("accept needs exactly one of item_ids and filter")
            if self.original is not None:
                raise ValueError("original is for merge only")
        else:
            if self.original is None:
                raise ValueError("merge needs original: the report id the group merges into")
            if self.filter is not None:
                raise ValueError("merge takes item_ids or nothing, not a filter")
        if self.item_ids is not None and not self.item_ids:
            raise ValueError("item_ids: list at least one queue item")
        return self


class BulkItemResult(BaseModel):
    item_id: int
    report_id: str | None = None
    decided: bool
    detail: str | None = Field(default=None, description="Why the item was skipped.")
    suggestion_ids: list[int] = Field(default_factory=list, description="The suggestions decided.")
    merged_into: str | None = None
    item_status: ItemStatus | None = None


class BulkResult(BaseModel):
    decided: int = Field(description="Items decided.")
    skipped: int = Field(description="Items left as they were (decided or claimed by someone else meanwhile, ...).")
    results: list[BulkItemResult]

    @classmethod
    def of(cls, results: list[BulkItemResult]) -> "BulkResult":
        decided = sum(r.decided for r in results)
        return cls(decided=decided, skipped=len(results) - decided, results=results)
