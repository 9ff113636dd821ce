"""Administrative actions shared by the API and the service's own background work."""

from service.audit.service import record
from service.database.core import Database
from service.model_store import ModelStore


def refresh_model(store: ModelStore, database: Database, actor: str = "system") -> bool:
    """Serve the registry's champion if it changed, and say so in the audit log."""
    before = store.current.version if store.current else None
    if not store.refresh():
        return False
    current = store.current
    with database.session() as session:
        record(session, actor, "model.loaded", "model", current.name, {"version": before}, {"version": current.version})
    return True
