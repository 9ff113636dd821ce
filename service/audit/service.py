"""Writing to the audit log, in the same transaction as the change it records."""

from typing import Any

from sqlalchemy.orm import Session

from service.audit.models import AuditEntry


def record(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(actor=actor, action=action, entity=entity, entity_id=str(entity_id), before=before, after=after)
    )
