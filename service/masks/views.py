"""HTTP endpoint for masking personal data a reviewer finds in a report (used by the reviewer page)."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, status

from models.masking import MaskError
from service.auth.dependencies import Reviewer
from service.database.core import Database
from service.dependencies import get_database, get_duplicate_finder
from service.duplicates.service import DuplicateFinder
from service.errors import ApiError, FieldError, error_response
from service.masks import service
from service.masks.models import MaskRequest, MaskResult

router = APIRouter(prefix="/v1/reports", tags=["masks"])


@router.post(
    "/{report_id}/masks",
    response_model=MaskResult,
    summary="Mask personal data the redactor missed: the stored text, its copies and the duplicate index follow",
    responses={
        404: error_response("No report with this id was received"),
        409: error_response("The report was masked again since `text_revision`: reload it and mark the span again"),
        422: error_response(
            "Invalid request, or a span that cannot be masked (outside the text, empty, overlapping a placeholder, "
            "an unknown kind): `errors` names the field"
        ),
    },
)
def mask(
    report_id: Annotated[str, Path(min_length=1, max_length=128)],
    request: MaskRequest,
    reviewer: Reviewer,
    database: Annotated[Database, Depends(get_database)],
    finder: Annotated[DuplicateFinder | None, Depends(get_duplicate_finder)],
) -> MaskResult:
    try:
        result = service.mask(database, report_id, request, reviewer.name)
    except service.NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except MaskError as exc:
        raise ApiError(
            status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc), [FieldError(field=exc.field, message=exc.message)]
        ) from exc
    except service.StaleText as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    if finder is not None:
        finder.refresh_masked(database)
        finder.save()  # the cached index files must not keep the fingerprint of the unmasked text either
    return result
