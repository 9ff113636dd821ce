"""HTTP endpoints of the triage domain, used by the intake pipeline."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from models.location import LocationChecker
from models.report import Report
from service.config import ServiceSettings
from service.dependencies import get_location_checker, get_settings, served_model
from service.triage import service
from service.triage.models import BatchTriageRequest, BatchTriageResponse, TriageResult
from training.registry import RegisteredModel

router = APIRouter(prefix="/v1/triage", tags=["triage"])

ServedModel = Annotated[RegisteredModel, Depends(served_model)]
Settings = Annotated[ServiceSettings, Depends(get_settings)]
Locations = Annotated[LocationChecker | None, Depends(get_location_checker)]


@router.post("", response_model=TriageResult, summary="Triage one report")
def triage_one(report: Report, model: ServedModel, settings: Settings, locations: Locations) -> TriageResult:
    return service.triage(model, [report], top_k=settings.top_k, locations=locations)[0]


@router.post("/batch", response_model=BatchTriageResponse, summary="Triage many reports in one call")
def triage_batch(
    request: BatchTriageRequest, model: ServedModel, settings: Settings, locations: Locations
) -> BatchTriageResponse:
    if len(request.reports) > settings.max_batch_size:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"reports: a batch holds at most {settings.max_batch_size} reports, got {len(request.reports)}",
        )
    seen: set[str] = set()
    repeated = sorted({r.id for r in request.reports if r.id in seen or seen.add(r.id)})
    if repeated:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"reports: ids must be unique within a batch; repeated: {', '.join(repeated[:10])}",
        )
    return BatchTriageResponse(
        results=service.triage(model, request.reports, top_k=settings.top_k, locations=locations)
    )
