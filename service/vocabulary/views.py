"""The served model's vocabulary, for intake pipelines (which categories to offer citizens) and reviewers."""

from typing import Annotated

from fastapi import APIRouter, Depends

from models.registry import RegisteredModel
from service.auth.dependencies import require
from service.auth.models import Role
from service.auth.service import Principal
from service.dependencies import served_model
from service.triage.models import ModelInfo
from service.vocabulary.models import CategoryEntry, Vocabulary

router = APIRouter(prefix="/v1/vocabulary", tags=["vocabulary"])

IntakeOrReviewer = Annotated[Principal, Depends(require(Role.INTAKE, Role.REVIEWER))]


@router.get("", response_model=Vocabulary, summary="The categories and agencies of the served model version")
def vocabulary(caller: IntakeOrReviewer, served: Annotated[RegisteredModel, Depends(served_model)]) -> Vocabulary:
    model = served.model
    agencies = sorted(str(c) for c in model.agency_classifier.classes_) if model.agency_classifier is not None else []
    return Vocabulary(
        model=ModelInfo(name=served.name, version=served.version),
        categories=[CategoryEntry(name=c, agency=model.agency_for_category(c)) for c in sorted(model.categories)],
        agencies=agencies,
    )
