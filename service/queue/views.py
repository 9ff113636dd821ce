"""HTTP endpoints of the review queue, used by reviewers (directly or through the web page)."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from fastapi.responses import JSONResponse

from service.auth.dependencies import Reviewer
from service.config import ServiceSettings
from service.database.core import Database, utcnow
from service.dependencies import get_database, get_duplicate_finder, get_model_store, get_settings
from service.duplicates.service import DuplicateFinder
from service.errors import ApiError, FieldError, error_body, error_response
from service.model_store import ModelStore
from service.queue import service
from service.queue.models import (
    BULK_MAX_ITEMS,
    MAX_ID,
    Action,
    BulkDecisionRequest,
    BulkResult,
    DecisionRequest,
    ItemStatus,
    QueueConflict,
    QueueItemView,
    QueuePage,
)
from service.reports.models import SuggestionKind

router = APIRouter(prefix="/v1/queue", tags=["queue"])

NOT_FOUND = {404: error_response("No queue item with this id")}


def conflict(description: str) -> dict:
    return {409: error_response(description, QueueConflict)}


DatabaseDep = Annotated[Database, Depends(get_database)]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID, description="Queue item id")]
MAX_AGE_HOURS = 24 * 366 * 100
SettingsDep = Annotated[ServiceSettings, Depends(get_settings)]


def allowed_values(store: Annotated[ModelStore, Depends(get_model_store)]) -> dict[SuggestionKind, set[str] | None]:
    """Values a reviewer may correct to, per suggestion kind (None: anything): what the served bundle knows."""
    current = store.current
    values: dict[SuggestionKind, set[str] | None] = {kind: None for kind in SuggestionKind}
    if current is not None:
        values[SuggestionKind.CATEGORY] = set(current.model.categories)
        if current.model.agency_classifier is not None:
            values[SuggestionKind.AGENCY] = {str(c) for c in current.model.agency_classifier.classes_}
        if current.bundle.gazetteer is not None:
            values[SuggestionKind.LOCATION] = {p.kelurahan for p in current.bundle.gazetteer.places}
    return values


def rerouting(store: Annotated[ModelStore, Depends(get_model_store)]) -> service.Rerouting | None:
    """The served model's category -> agency table, for re-deriving the agency of a corrected category."""
    current = store.current
    if current is None:
        return None
    return service.Rerouting(current.model.agency_for_category, current.name, current.version)


ReroutingDep = Annotated[service.Rerouting | None, Depends(rerouting)]
FinderDep = Annotated[DuplicateFinder | None, Depends(get_duplicate_finder)]


def _conflict(exc: service.Conflict) -> JSONResponse:
    return JSONResponse(
        status_code=status.HTTP_409_CONFLICT,
        content=error_body(str(exc))
        | {"winner": exc.winner.model_dump(mode="json") if exc.winner else None, "claimed_by": exc.claimed_by},
    )


@router.get("", response_model=QueuePage, summary="List queue items, most uncertain and oldest first")
def list_items(
    database: DatabaseDep,
    reviewer: Reviewer,
    status_: Annotated[ItemStatus, Query(alias="status")] = ItemStatus.OPEN,
    reason: Annotated[str | None, Query(max_length=64, description="e.g. suggest_change, low_confidence")] = None,
    kind: Annotated[SuggestionKind | None, Query(description="Only items with a suggestion of this kind")] = None,
    category: Annotated[str | None, Query(max_length=200)] = None,
    kelurahan: Annotated[str | None, Query(max_length=200)] = None,
    min_age_hours: Annotated[
        float | None, Query(ge=0, le=MAX_AGE_HOURS, description="Only items at least this old")
    ] = None,
    max_age_hours: Annotated[
        float | None, Query(ge=0, le=MAX_AGE_HOURS, description="Only items at most this old")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> QueuePage:
    now = utcnow()
    filters = service.QueueFilter(
        status=status_,
        reason=reason,
        kind=kind,
        category=category,
        kelurahan=kelurahan,
        older_than=now - timedelta(hours=min_age_hours) if min_age_hours is not None else None,
        newer_than=now - timedelta(hours=max_age_hours) if max_age_hours is not None else None,
    )
    return service.list_items(database, filters, limit=limit, offset=offset)


@router.post(
    "/bulk-decisions",
    response_model=BulkResult,
    summary="Accept many items at once, or merge a duplicate group into its original",
    responses={404: error_response("The original report of a merge does not exist")},
)
def bulk_decide(
    request: BulkDecisionRequest,
    database: DatabaseDep,
    reviewer: Reviewer,
    finder: FinderDep,
    reroute: ReroutingDep,
) -> BulkResult:
    if request.action == "merge":
        try:
            result = service.merge_group(database, request.original, reviewer.name, request.item_ids, request.comment)
        except service.NotFound as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    else:
        item_ids = request.item_ids
        kind = reason = None
        if request.filter is not None:
            chosen = request.filter
            kind, reason = chosen.kind, chosen.reason
            filters = service.QueueFilter(
                reason=chosen.reason, kind=chosen.kind, category=chosen.category, kelurahan=chosen.kelurahan
            )
            item_ids = [i.id for i in service.list_items(database, filters, limit=BULK_MAX_ITEMS, offset=0).items]
        result = service.bulk_accept(database, item_ids, reviewer.name, reroute, kind, reason, request.comment)
    if finder is not None:
        for outcome in result.results:
            if outcome.decided and outcome.merged_into:
                finder.link(outcome.report_id, outcome.merged_into)
    return result


@router.get(
    "/{item_id}",
    response_model=QueueItemView,
    summary="One item with its report and suggestions",
    responses=NOT_FOUND,
)
def get_item(item_id: ItemId, database: DatabaseDep, reviewer: Reviewer) -> QueueItemView:
    try:
        return service.get_item(database, item_id)
    except service.NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc


@router.post(
    "/{item_id}/claim",
    response_model=QueueItemView,
    summary="Reserve an item while you review it",
    responses=NOT_FOUND | conflict("Claimed by another reviewer or already decided"),
)
def claim(item_id: ItemId, database: DatabaseDep, reviewer: Reviewer, settings: SettingsDep):
    try:
        return service.claim(database, item_id, reviewer.name, settings.claim_minutes)
    except service.NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except service.Conflict as exc:
        return _conflict(exc)


@router.post(
    "/{item_id}/release",
    response_model=QueueItemView,
    summary="Give up your claim",
    responses=NOT_FOUND | conflict("Claimed by another reviewer"),
)
def release(item_id: ItemId, database: DatabaseDep, reviewer: Reviewer):
    try:
        return service.release(database, item_id, reviewer.name)
    except service.NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except service.Conflict as exc:
        return _conflict(exc)


@router.post(
    "/{item_id}/decisions",
    response_model=QueueItemView,
    summary="Accept, reject, correct or merge one suggestion of the item",
    responses={404: error_response("No queue item with this id, or the suggestion is not one of its")}
    | conflict("Another reviewer decided first (`winner`) or holds the claim (`claimed_by`)")
    | {
        422: error_response(
            "Invalid request, or a decision that cannot apply to this suggestion (auto-accepted, replaced, "
            "a value the model does not know): `errors` names the field"
        )
    },
)
def decide(
    item_id: ItemId,
    request: DecisionRequest,
    database: DatabaseDep,
    reviewer: Reviewer,
    values: Annotated[dict[SuggestionKind, set[str] | None], Depends(allowed_values)],
    finder: FinderDep,
    reroute: ReroutingDep,
):
    try:
        with database.session() as session:
            kind = service.suggestion_kind(session, request.suggestion_id)
        item = service.decide(database, item_id, request, reviewer.name, values.get(kind) if kind else None, reroute)
        merged = kind == SuggestionKind.DUPLICATE and request.action in (Action.ACCEPT, Action.MERGE)
        if merged and finder is not None:
            decided = next(s for s in item.suggestions if s.id == request.suggestion_id)
            finder.link(item.report_id, decided.decision.value)
        return item
    except service.NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except service.InvalidDecision as exc:
        raise ApiError(
            status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc), [FieldError(field=exc.field, message=exc.message)]
        ) from exc
    except service.Conflict as exc:
        return _conflict(exc)
