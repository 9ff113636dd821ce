"""Reporter references are kept only as a keyed hash, so a leaked database names nobody."""

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

from service.config import ServiceSettings

log = logging.getLogger(__name__)

KEY_FILE = "reporter.key"


def reporter_hash_key(settings: ServiceSettings) -> bytes:
    """The HMAC key from settings, else a random one created once under `home` (readable by the owner only)."""
    if settings.reporter_hash_key is not None:
        return settings.reporter_hash_key.get_secret_value().encode()
    path = Path(settings.home) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker created it first
            return path.read_text().strip().encode()
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
        log.info("created a reporter hash key in %s; set TRIASE_REPORTER_HASH_KEY to manage it yourself", path)
    return path.read_text().strip().encode()


def reporter_hash(key: bytes, reporter_ref: str) -> str:
    return hmac.new(key, reporter_ref.strip().encode(), hashlib.sha256).hexdigest()
