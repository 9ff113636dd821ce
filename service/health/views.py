"""Liveness and readiness probes."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel

from service.dependencies import get_model_store
from service.model_store import ModelStore

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    ready: bool
    model: str | None
    detail: str | None = None


@router.get("/healthz", response_model=Health, summary="The process is up")
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, summary="A model is loaded and requests can be served")
def readyz(response: Response, store: Annotated[ModelStore, Depends(get_model_store)]) -> Readiness:
    current = store.current
    if current is None:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Readiness(ready=False, model=None, detail=store.last_error or "no model loaded")
    return Readiness(ready=True, model=current.label)
