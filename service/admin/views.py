"""HTTP endpoints for administrators."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from service.admin.service import refresh_model
from service.audit.models import AuditEntry
from service.auth.dependencies import Admin
from service.auth.models import Role
from service.auth.service import KeyNameTaken, create_key, revoke_key
from service.config import ServiceSettings
from service.database.core import Database
from service.dependencies import get_database, get_model_store, get_settings
from service.errors import ApiError, FieldError, error_response
from service.masks.models import MaskCounts
from service.masks.service import counts as mask_counts
from service.model_store import ModelStore
from service.queue.quality import GateStats, gate_stats

router = APIRouter(prefix="/v1/admin", tags=["admin"])

DatabaseDep = Annotated[Database, Depends(get_database)]


class ServedModel(BaseModel):
    name: str | None
    version: str | None
    swapped: bool = Field(description="Whether this call loaded a different version.")
    detail: str | None = None


class NewKey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._@\-]+$")
    role: Role


class CreatedKey(BaseModel):
    name: str
    role: Role
    key: str = Field(description="Shown once; only its hash is stored.")


class AuditView(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@router.post("/models/reload", response_model=ServedModel, summary="Serve the registry's current champion now")
async def reload_model(
    admin: Admin, store: Annotated[ModelStore, Depends(get_model_store)], database: DatabaseDep
) -> ServedModel:
    swapped = await run_in_threadpool(refresh_model, store, database, admin.name)
    current = store.current
    return ServedModel(
        name=current.name if current else None,
        version=current.version if current else None,
        swapped=swapped,
        detail=store.last_error,
    )


@router.get("/quality", response_model=list[GateStats], summary="Acceptance and precision per suggestion type")
def quality(
    admin: Admin, database: DatabaseDep, settings: Annotated[ServiceSettings, Depends(get_settings)]
) -> list[GateStats]:
    return gate_stats(database, settings)


@router.get(
    "/masks",
    response_model=MaskCounts,
    summary="How often reviewers masked personal data the redactor missed, per redactor version and kind",
)
def masks(admin: Admin, database: DatabaseDep) -> MaskCounts:
    return mask_counts(database)


@router.post(
    "/keys",
    response_model=CreatedKey,
    status_code=status.HTTP_201_CREATED,
    summary="Create an API key",
    responses={409: error_response("A key with this name exists")},
)
def new_key(body: NewKey, admin: Admin, database: DatabaseDep) -> CreatedKey:
    try:
        with database.session() as session:
            key = create_key(session, body.name, body.role, actor=admin.name)
    except KeyNameTaken as exc:
        raise ApiError(status.HTTP_409_CONFLICT, str(exc), [FieldError(field="name", message=str(exc))]) from exc
    return CreatedKey(name=body.name, role=body.role, key=key)


@router.delete(
    "/keys/{name}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke an API key",
    responses={404: error_response("No active key with this name")},
)
def delete_key(name: str, admin: Admin, database: DatabaseDep) -> None:
    with database.session() as session:
        if not revoke_key(session, name, actor=admin.name):
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no active API key named {name!r}")


@router.get("/audit", response_model=list[AuditView], summary="The audit log, newest first")
def audit_log(
    admin: Admin,
    database: DatabaseDep,
    entity_id: Annotated[str | None, Query(max_length=128)] = None,
    action: Annotated[str | None, Query(max_length=50)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditView]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    if action:
        query = query.where(AuditEntry.action == action)
    with database.session() as session:
        return [AuditView.model_validate(e, from_attributes=True) for e in session.scalars(query).all()]
