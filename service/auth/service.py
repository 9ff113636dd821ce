"""Creating, checking and revoking API keys."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.audit.service import record
from service.auth.models import ApiKey, Role
from service.database.core import utcnow

KEY_PREFIX = "trs_"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's name (shown in the audit log and to other reviewers) and its role."""

    name: str
    role: Role

    def may(self, *roles: Role) -> bool:
        return self.role == Role.ADMIN or self.role in roles


class KeyNameTaken(ValueError):
    pass


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(session: Session, name: str, role: Role, actor: str = "system") -> str:
    """Store a new key and return it; this is the only time the plain key exists."""
    if session.scalar(select(ApiKey).where(ApiKey.name == name)) is not None:
        raise KeyNameTaken(f"an API key named {name!r} exists already")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiKey(name=name, role=role, key_sha256=key_digest(key)))
    record(session, actor, "api_key.created", "api_key", name, after={"role": role.value})
    return key


def authenticate(session: Session, key: str) -> Principal | None:
    digest = key_digest(key)
    stored = session.scalar(select(ApiKey).where(ApiKey.key_sha256 == digest, ApiKey.revoked_at.is_(None)))
    if stored is None or not hmac.compare_digest(stored.key_sha256, digest):
        return None
    return Principal(name=stored.name, role=stored.role)


def revoke_key(session: Session, name: str, actor: str) -> bool:
    stored = session.scalar(select(ApiKey).where(ApiKey.name == name, ApiKey.revoked_at.is_(None)))
    if stored is None:
        return False
    stored.revoked_at = utcnow()
    record(session, actor, "api_key.revoked", "api_key", name)
    return True


def has_keys(session: Session) -> bool:
    return session.scalar(select(ApiKey.id).limit(1)) is not None
