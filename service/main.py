"""The FastAPI application: routers of each domain, settings and the served model."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from models.location import LocationChecker
from service import errors
from service.config import ServiceSettings, get_service_settings
from service.health.views import router as health_router
from service.model_store import ModelStore
from service.triage.views import router as triage_router
from training.geo import geo_available, load_gazetteer

log = logging.getLogger(__name__)


def location_checker(settings: ServiceSettings) -> LocationChecker | None:
    """The location check, where the boundary files are present; reports elsewhere get none."""
    if not geo_available(settings):
        log.warning("no boundary files under %s: location checks are off", settings.data_dir)
        return None
    return LocationChecker(load_gazetteer(settings), margin_m=settings.location_margin_m)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or get_service_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.location_checker = location_checker(settings)
        loaded = app.state.model_store.load_champion()
        log.info("serving %s", loaded.label if loaded else "no model (readiness is failing)")
        yield

    app = FastAPI(
        title="triase",
        summary="Triage suggestions for citizen complaint reports.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.model_store = ModelStore(settings)
    app.state.location_checker = None
    errors.install(app)
    app.include_router(health_router)
    app.include_router(triage_router)
    return app
