"""HTTP endpoints of the triage domain, used by the intake pipeline."""

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from models.registry import RegisteredModel
from models.report import Report
from models.triage import report_text
from service.auth.dependencies import Intake
from service.config import ServiceSettings
from service.database.core import Database
from service.dependencies import get_database, get_settings, served_model
from service.duplicates.service import DuplicateFinder
from service.errors import ApiError, error_response, invalid
from service.reports.identity import reporter_hash
from service.reports.service import ConflictingResubmission, IntakeContext, intake
from service.triage import service
from service.triage.models import BatchTriageRequest, BatchTriageResponse, TriageResult
from service.vague.service import assess

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


def _triage_and_store(
    request: Request,
    reports: Sequence[Report],
    model: RegisteredModel,
    settings: ServiceSettings,
    database: Database,
    actor: str,
) -> list[TriageResult]:
    """Every suggestion comes from the one bundle `model` (its version is stored with each of them), even when
    a new champion is swapped in meanwhile."""
    state = request.app.state
    bundle = model.bundle
    locations = bundle.location_checker(settings.location_margin_m)
    context = IntakeContext(
        settings=settings,
        hash_key=state.reporter_hash_key,
        auto_accept=model.model.auto_accept,
        closed_gates=state.quality_gates.closed(),
        actor=actor,
    )
    finder: DuplicateFinder | None = state.duplicate_finder

    def triage(fresh: Sequence[Report]) -> list[TriageResult]:
        texts = [report_text(r) for r in fresh]  # masked once here: masking is a tenth of the time per report
        results = service.triage(model, fresh, texts, top_k=settings.top_k, locations=locations)
        vague = assess(bundle.vagueness, fresh, texts)
        results = [r.model_copy(update={"vague": v}) for r, v in zip(results, vague)]
        if finder is not None:
            # The problem evidence compares the predicted category distributions; a reporter is known to the
            # index only by the keyed hash the database stores.
            predicted = [[(c.label, c.probability) for c in r.category.top_k] for r in results]
            hashes = [
                None if r.private or not r.reporter_ref else reporter_hash(context.hash_key, r.reporter_ref)
                for r in fresh
            ]
            entries = finder.entries(fresh, texts=texts, categories=predicted, reporter_hashes=hashes)
            # What other replicas stored meanwhile are candidates too; what no report can match any more leaves.
            finder.catch_up(database)
            found = finder.ingest(entries, bundle)
            results = [r.model_copy(update={"duplicates": d}) for r, d in zip(results, found)]
        return results

    try:
        return intake(database, reports, triage, context)
    except ConflictingResubmission as exc:
        raise ApiError(status.HTTP_409_CONFLICT, str(exc)) from exc
    finally:
        if finder is not None:
            finder.forget_unstored(database, [r.id for r in reports])


@router.post("", response_model=TriageResult, summary="Triage one report", responses=CONFLICT)
def triage_one(
    caller: Intake,
    request: Request,
    report: Report,
    model: ServedModel,
    settings: Settings,
    database: DatabaseDep,
) -> TriageResult:
    return _triage_and_store(request, [report], model, settings, database, caller.name)[0]


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
    return BatchTriageResponse(results=_triage_and_store(request, body.reports, model, settings, database, caller.name))
