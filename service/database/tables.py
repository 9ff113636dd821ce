"""Every table of the service, imported in one place so metadata and migrations see them all."""

from service.audit.models import AuditEntry
from service.auth.models import ApiKey
from service.database.core import Base
from service.events.models import ChangeEvent
from service.masks.models import ReviewerMask
from service.queue.models import Decision, QueueItem
from service.reports.models import StoredReport, SuggestionRecord

__all__ = [
    "ApiKey",
    "AuditEntry",
    "Base",
    "ChangeEvent",
    "Decision",
    "QueueItem",
    "ReviewerMask",
    "StoredReport",
    "SuggestionRecord",
]

metadata = Base.metadata
