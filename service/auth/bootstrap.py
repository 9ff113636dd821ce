"""The first admin key, so a fresh installation can be used without any setup."""

import logging
import os
from pathlib import Path

from service.auth.models import Role
from service.auth.service import create_key, has_keys
from service.config import ServiceSettings
from service.database.core import Database

log = logging.getLogger(__name__)

ADMIN_KEY_FILE = "admin.key"
FIRST_ADMIN = "admin"


def ensure_admin_key(database: Database, settings: ServiceSettings) -> Path | None:
    """With no key in the database, create an admin key and write it to a file only its owner can read."""
    with database.session() as session:
        if has_keys(session):
            return None
        key = create_key(session, FIRST_ADMIN, Role.ADMIN)
        path = Path(settings.home) / ADMIN_KEY_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(key + "\n")
    log.warning("no API keys existed: created admin key %r, written to %s", FIRST_ADMIN, path)
    return path
