"""HTTP endpoints of the triage domain, used by the intake pipeline."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from models.registry import RegisteredModel
from models.report import Report
from service.auth.dependencies import Intake
from service.config import ServiceSettings
from service.database.core import Database
from service.dependencies import get_database, get_settings, served_model
from service.errors import ApiError, error_response, invalid
from service.reports.service import ConflictingResubmission
from service.triage.models import BatchTriageRequest, BatchTriageResponse, TriageResult
from service.triage.pipeline import TriagePipeline

router = APIRouter(prefix="/v1/triage", tags=["triage"])

ServedModel = Annotated[RegisteredModel, Depends(served_model)]
Settings = Annotated[ServiceSettings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]

CONFLICT = {409: error_response("A report id was already received with different content")}
BATCH_INVALID = {
    422: error_response(
        "Invalid request: `errors` names each bad field, including the batch as a whole (`reports`: too many "
        "reports, repeated ids)."
    )
}


def _run(
    request: Request,
    reports: list[Report],
    model: RegisteredModel,
    settings: ServiceSettings,
    database: Database,
    actor: str,
) -> list[TriageResult]:
    state = request.app.state
    pipeline = TriagePipeline(
        served=model,
        settings=settings,
        database=database,
        finder=state.duplicate_finder,
        hash_key=state.reporter_hash_key,
        closed_gates=state.quality_gates.closed(),
        actor=actor,
    )
    try:
        return pipeline.run(reports)
    except ConflictingResubmission as exc:
        raise ApiError(status.HTTP_409_CONFLICT, str(exc)) from exc


@router.post("", response_model=TriageResult, summary="Triage one report", responses=CONFLICT)
def triage_one(
    caller: Intake,
    request: Request,
    report: Report,
    model: ServedModel,
    settings: Settings,
    database: DatabaseDep,
) -> TriageResult:
    return _run(request, [report], model, settings, database, caller.name)[0]


@router.post(
    "/batch",
    response_model=BatchTriageResponse,
    summary="Triage many reports in one call",
    responses=CONFLICT | BATCH_INVALID,
)
def triage_batch(
    caller: Intake,
    request: Request,
    body: BatchTriageRequest,
    model: ServedModel,
    settings: Settings,
    database: DatabaseDep,
) -> BatchTriageResponse:
    if len(body.reports) > settings.max_batch_size:
        raise invalid("reports", f"a batch holds at most {settings.max_batch_size} reports, got {len(body.reports)}")
    seen: set[str] = set()
    repeated = sorted({r.id for r in body.reports if r.id in seen or seen.add(r.id)})
    if repeated:
        raise invalid("reports", f"ids must be unique within a batch; repeated: {', '.join(repeated[:10])}")
    return BatchTriageResponse(results=_run(request, body.reports, model, settings, database, caller.name))
