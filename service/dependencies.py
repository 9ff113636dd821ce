"""FastAPI dependencies shared by the domain routers."""

from fastapi import HTTPException, Request, status

from models.registry import RegisteredModel
from service.config import ServiceSettings
from service.database.core import Database
from service.model_store import ModelStore

RETRY_AFTER_SECONDS = "30"


def get_settings(request: Request) -> ServiceSettings:
    return request.app.state.settings


def get_model_store(request: Request) -> ModelStore:
    return request.app.state.model_store


def get_duplicate_finder(request: Request):
    """The duplicate finder, or None where the check is off (TRIASE_DUPLICATE_CHECK)."""
    return request.app.state.duplicate_finder


def get_database(request: Request) -> Database:
    return request.app.state.database


def served_model(request: Request) -> RegisteredModel:
    current = get_model_store(request).current
    if current is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "no model is loaded yet; register and promote one with `triase train` and `triase promote`",
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )
    return current
