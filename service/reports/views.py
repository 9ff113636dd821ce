"""A report's current outcome, read by the intake pipeline."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, status

from service.auth.dependencies import Intake
from service.database.core import Database
from service.dependencies import get_database
from service.errors import error_response
from service.reports.outcome import ReportOutcome, report_outcome

router = APIRouter(prefix="/v1/reports", tags=["reports"])


@router.get(
    "/{report_id}",
    response_model=ReportOutcome,
    summary="A report's current category, agency, kelurahan, duplicate group and vagueness, and how each was settled",
    responses={404: error_response("No report with this id was received")},
)
def get_report(
    report_id: Annotated[str, Path(min_length=1, max_length=128)],
    caller: Intake,
    database: Annotated[Database, Depends(get_database)],
) -> ReportOutcome:
    with database.session() as session:
        outcome = report_outcome(session, report_id)
    if outcome is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"no report with id {report_id!r} was received; send it to POST /v1/triage first"
        )
    return outcome
