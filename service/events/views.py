"""The change feed endpoint, read by the intake pipeline."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from service.auth.dependencies import Intake
from service.database.core import Database
from service.dependencies import get_database
from service.events import service
from service.events.models import EventPage
from service.queue.models import MAX_ID

router = APIRouter(prefix="/v1/events", tags=["events"])

MAX_PAGE = 1000


@router.get("", response_model=EventPage, summary="Changes to reports' outcomes after a cursor, oldest first")
def events(
    caller: Intake,
    database: Annotated[Database, Depends(get_database)],
    after: Annotated[
        int, Query(ge=0, le=MAX_ID, description="The last event id already processed; 0 from the start")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Most events in this page")] = 100,
) -> EventPage:
    return service.page(database, after, limit)
