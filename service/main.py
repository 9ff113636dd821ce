"""The FastAPI application: routers of each domain, settings, the database and the served model bundle.

Everything learnt comes from the registered bundle (`models.bundle`): the service reads no raw exports and
imports no training code, so it starts without `TRIASE_DATA_DIR`.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool

from models.encoder_process import shared_encoder_process
from models.name_lists import load_name_lists
from models.sentence_vectors import (
    MEMO_SIZE,
    encoding_in,
    limit_memo,
    limit_threads,
    load_encoder_later,
    use_idle_cores,
)
from service import errors
from service.admin.service import refresh_model
from service.admin.views import router as admin_router
from service.auth.bootstrap import ensure_admin_key
from service.config import ServiceSettings, get_service_settings
from service.database.core import Database
from service.database.migrate import upgrade
from service.duplicates.service import DuplicateFinder
from service.events.views import router as events_router
from service.health.views import router as health_router
from service.limits import BodySizeLimit
from service.masks.views import router as masks_router
from service.memory import configure_allocator, return_free_memory
from service.metrics.instrument import Metrics
from service.metrics.views import router as metrics_router
from service.model_store import ModelStore
from service.queue.quality import QualityGates
from service.queue.views import router as queue_router
from service.reports.identity import reporter_hash_key
from service.reports.views import router as reports_router
from service.triage.views import router as triage_router
from service.vocabulary.views import router as vocabulary_router
from service.web.views import router as web_router
from service.web.views import static_files

log = logging.getLogger(__name__)

MEMO_BATCHES = 2
"""Full batches of sentence vectors the memo keeps while serving: a call's vectors go from the duplicate finder's
encoding to the classifiers through it, and concurrent calls share it (one evicted is encoded again, the same)."""


async def _every(seconds: float, work, *args) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            await run_in_threadpool(work, *args)
        except Exception:  # keep going: the next round may find the database or registry back
            log.exception("background task %s failed", getattr(work, "__name__", work))


def _save_if_changed(finder: DuplicateFinder, database: Database) -> None:
    # Masks another worker made first: the saved files must not bring back a fingerprint of the unmasked text.
    # Without the database (shutting down after losing it) the index is saved as it is; start-up refreshes it.
    try:
        finder.refresh_masked(database)
    except DBAPIError:
        log.warning("reviewer masks not read before saving the duplicate index: the database is unavailable")
    if finder.dirty:
        finder.save()


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or get_service_settings()
    database = Database(settings.database)

    @asynccontextmanager
    async def serving(app: FastAPI) -> AsyncIterator[None]:
        configure_allocator()
        threads_before = limit_threads(settings.encoder_threads)
        idle_threads_before = use_idle_cores(settings.encoder_idle_threads)
        # The encoder process imports torch and loads the encoder while this one migrates and loads the bundle.
        encoder_loading = load_encoder_later(str(settings.embedder_dir))
        await run_in_threadpool(upgrade, database)
        await run_in_threadpool(ensure_admin_key, database, settings)
        app.state.reporter_hash_key = reporter_hash_key(settings)
        await run_in_threadpool(load_name_lists)
        await run_in_threadpool(encoder_loading.result)
        loaded = await run_in_threadpool(app.state.model_store.load_champion)
        if loaded is None:
            log.warning("no model loaded: readiness fails until a champion is promoted")
        finder = None
        if settings.duplicate_check:
            pooling = loaded.bundle.problem_pooling if loaded is not None else None
            finder = await run_in_threadpool(DuplicateFinder.open, settings, database, pooling)
        app.state.duplicate_finder = finder
        limit_memo(MEMO_BATCHES * settings.max_batch_size)
        return_free_memory()
        # glibc keeps the pages every forward pass frees (`service.memory`): trim them regularly, not only once.
        tasks = [_every(settings.housekeeping_seconds, return_free_memory)]
        if settings.model_poll_seconds > 0:
            tasks.append(_every(settings.model_poll_seconds, refresh_model, app.state.model_store, database))
        if finder is not None:
            tasks.append(_every(settings.housekeeping_seconds, _save_if_changed, finder, database))
        running = [asyncio.create_task(task) for task in tasks]
        try:
            yield
        finally:
            for task in running:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if finder is not None:
                await run_in_threadpool(_save_if_changed, finder, database)
            database.dispose()
            limit_memo(MEMO_SIZE)
            limit_threads(threads_before)
            use_idle_cores(idle_threads_before)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with encoding_in(shared_encoder_process()):
            async with serving(app):
                yield

    app = FastAPI(
        title="triase",
        summary="Triage suggestions for citizen complaint reports, and the review queue that checks them.",
        version="0.2.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.model_store = ModelStore(settings)
    app.state.duplicate_finder = None
    app.state.quality_gates = QualityGates(database, settings)
    app.state.metrics = Metrics(app)
    errors.install(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    routers = (
        health_router,
        triage_router,
        vocabulary_router,
        reports_router,
        masks_router,
        events_router,
        queue_router,
        admin_router,
        metrics_router,
        web_router,
    )
    for router in routers:
        app.include_router(router)
    app.mount("/static", static_files(), name="static")
    return app
