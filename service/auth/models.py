"""API keys: only a hash of each key is stored."""

import enum
from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from service.database.core import Base, string_enum, utcnow


class Role(enum.StrEnum):
    INTAKE = "intake"
    """Sends reports to triage."""
    REVIEWER = "reviewer"
    """Works the review queue."""
    ADMIN = "admin"
    """Models, settings, keys; may do everything the other roles do."""


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[Role] = mapped_column(string_enum(Role, 10))
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
