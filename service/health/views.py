"""Liveness and readiness probes."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from service.database.core import Database
from service.dependencies import RETRY_AFTER_SECONDS, get_database, get_model_store
from service.model_store import ModelStore

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    ready: bool
    model: str | None
    database: bool
    detail: str | None = None


@router.get("/healthz", response_model=Health, summary="The process is up")
def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="A model is loaded and the database answers",
    responses={503: {"model": Readiness, "description": "Not ready: `detail` says why; retry after `Retry-After`"}},
)
def readyz(
    response: Response,
    store: Annotated[ModelStore, Depends(get_model_store)],
    database: Annotated[Database, Depends(get_database)],
) -> Readiness:
    current = store.current
    try:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        database_up = True
    except DBAPIError:
        database_up = False
    problems = []
    if current is None:
        problems.append(store.last_error or "no model loaded")
    if not database_up:
        problems.append("the database is unavailable")
    if problems:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return Readiness(
        ready=not problems,
        model=current.label if current else None,
        database=database_up,
        detail="; ".join(problems) or None,
    )
