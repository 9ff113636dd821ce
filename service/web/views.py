"""Reviewer pages: log in with an API key, work the queue, decide items with buttons or keys."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request, status
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from sqlalchemy import select

from models.triage import classifier_text
from service.auth.dependencies import SESSION_COOKIE
from service.auth.models import Role
from service.auth.service import Principal, authenticate
from service.database.core import Database
from service.dependencies import get_database, get_settings
from service.queue import service as queue
from service.queue.models import MAX_ID, Action, ItemStatus, QueueItemView
from service.queue.views import allowed_values
from service.reports.models import StoredReport, SuggestionKind
from service.reports.reasons import Reason
from service.web import labels

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals.update(labels=labels)


@pass_context
def _local_time(context, value):
    """Jinja filter `waktu`: a time in the settings' zone (TRIASE_TIME_ZONE), zone shown."""
    return labels.local_time(value, context["request"].app.state.settings.zone)


templates.env.filters["waktu"] = _local_time

router = APIRouter(include_in_schema=False)

DatabaseDep = Annotated[Database, Depends(get_database)]
PAGE_SIZE = 50
QUICK_PICKS = 9
"""Most probable other values offered per category or agency suggestion, each on a number key."""


def static_files() -> StaticFiles:
    return StaticFiles(directory=HERE / "static")


def _reviewer(request: Request, database: Database) -> Principal | None:
    key = request.cookies.get(SESSION_COOKIE)
    if not key:
        return None
    with database.session() as session:
        principal = authenticate(session, key)
    return principal if principal and principal.may(Role.REVIEWER) else None


def _to_login() -> RedirectResponse:
    return RedirectResponse("/masuk", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/antrian", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/masuk", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "login.html", {"error": None})


@router.post("/masuk", response_class=HTMLResponse)
def login(request: Request, database: DatabaseDep, key: Annotated[str, Form(max_length=200)] = "") -> Response:
    with database.session() as session:
        principal = authenticate(session, key.strip()) if key.strip() else None
    if principal is None or not principal.may(Role.REVIEWER):
        error = "Kunci API tidak dikenal." if principal is None else "Kunci ini bukan untuk peninjau."
        return templates.TemplateResponse(
            request, "login.html", {"error": error}, status_code=status.HTTP_401_UNAUTHORIZED
        )
    response = RedirectResponse("/antrian", status_code=status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE,
        key.strip(),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=12 * 3600,
    )
    return response


@router.post("/keluar")
def logout() -> RedirectResponse:
    response = _to_login()
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/antrian", response_class=HTMLResponse)
def queue_page(
    request: Request,
    database: DatabaseDep,
    alasan: Annotated[str | None, Query(max_length=64)] = None,
    jenis: Annotated[SuggestionKind | None, Query()] = None,
    kelurahan: Annotated[str | None, Query(max_length=200)] = None,
    kategori: Annotated[str | None, Query(max_length=200)] = None,
    selesai: bool = False,
    halaman: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    reviewer = _reviewer(request, database)
    if reviewer is None:
        return _to_login()
    filters = queue.QueueFilter(
        status=ItemStatus.DONE if selesai else ItemStatus.OPEN,
        reason=alasan or None,
        kind=jenis,
        kelurahan=kelurahan or None,
        category=kategori or None,
    )
    page = queue.list_items(database, filters, limit=PAGE_SIZE, offset=(halaman - 1) * PAGE_SIZE)
    return templates.TemplateResponse(
        request,
        "queue.html",
        {
            "reviewer": reviewer,
            "page": page,
            "filters": {
                "alasan": alasan or "",
                "jenis": jenis.value if jenis else "",
                "kelurahan": kelurahan or "",
                "kategori": kategori or "",
                "selesai": selesai,
            },
            "halaman": halaman,
            "pages": max(1, -(-page.total // PAGE_SIZE)),
        },
    )


@router.get("/antrian/{item_id}", response_class=HTMLResponse)
def item_page(request: Request, item_id: Annotated[int, PathParam(ge=1, le=MAX_ID)], database: DatabaseDep) -> Response:
    reviewer = _reviewer(request, database)
    if reviewer is None:
        return _to_login()
    try:
        item = queue.get_item(database, item_id)
    except queue.NotFound:
        return templates.TemplateResponse(
            request, "missing.html", {"reviewer": reviewer, "item_id": item_id}, status_code=status.HTTP_404_NOT_FOUND
        )
    candidate_ids = [
        c["report_id"]
        for s in item.suggestions
        if s.kind == SuggestionKind.DUPLICATE
        for c in s.evidence.get("candidates", [])
    ]
    with database.session() as session:
        candidates = {
            r.id: r for r in session.scalars(select(StoredReport).where(StoredReport.id.in_(candidate_ids))).all()
        }
    values = allowed_values(request.app.state.model_store)
    probabilities = _probabilities(request, item)
    choices = {
        kind.value: [
            (v, probabilities.get(kind.value, {}).get(v)) for v in _by_probability(v, probabilities.get(kind.value))
        ]
        for kind, v in values.items()
        if v
    }
    return templates.TemplateResponse(
        request,
        "item.html",
        {
            "reviewer": reviewer,
            "item": item,
            "candidates": candidates,
            "choices": choices,
            "quick_picks": _quick_picks(request, item, choices),
            "citizen_category_unknown": any(
                s.kind == SuggestionKind.CATEGORY and s.evidence.get("citizen_category_known") is False
                for s in item.suggestions
            ),
            "claim_minutes": get_settings(request).claim_minutes,
        },
    )


def _probabilities(request: Request, item: QueueItemView) -> dict[str, dict[str, float]]:
    """The served model's probability of every category and agency for this report, for ordering the choices;
    the agency's as served, leaning on the category once it is settled (decided, or the citizen's confirmed)."""
    current = request.app.state.model_store.current
    kinds = {s.kind for s in item.suggestions}
    if current is None or not kinds & {SuggestionKind.CATEGORY, SuggestionKind.AGENCY}:
        return {}
    model = current.model
    texts = [classifier_text(item.report.title, item.report.text)]  # stored masked, as the model read it at intake
    category_proba = model.category_classifier.predict_proba(texts)
    out = {"category": {str(c): float(p) for c, p in zip(model.category_classifier.classes_, category_proba[0])}}
    if model.agency_classifier is not None:
        agency_proba = model.served_agency_proba(texts, category_proba, [_settled_category(item)])
        out["agency"] = {str(c): float(p) for c, p in zip(model.agency_classifier.classes_, agency_proba[0])}
    return out


def _settled_category(item: QueueItemView) -> str | None:
    for s in item.suggestions:
        if s.kind != SuggestionKind.CATEGORY or s.superseded_by:
            continue
        if s.decision is not None and s.decision.action in (Action.ACCEPT, Action.CORRECT):
            return s.decision.value or s.value
        if s.decision is None and s.reason == Reason.AGREES_WITH_CITIZEN:
            return s.value
    return None


def _quick_picks(
    request: Request, item: QueueItemView, choices: dict[str, list[tuple[str, float | None]]]
) -> dict[int, list[tuple[str, float, str | None]]]:
    """Per waiting category or agency suggestion: the most probable other values, with the agency a chosen
    category settles (accepted with it, as the rest of the item is); None where it settles none (a catch-all
    category, whose agency the reviewer picks next)."""
    current = request.app.state.model_store.current
    picks = {}
    for s in item.suggestions:
        ranked = choices.get(s.kind.value, [])
        if s.kind not in (SuggestionKind.CATEGORY, SuggestionKind.AGENCY) or not ranked or ranked[0][1] is None:
            continue
        others = [(v, p) for v, p in ranked if v != s.value][:QUICK_PICKS]
        settles = current.model.agency_for_category if current and s.kind == SuggestionKind.CATEGORY else None
        picks[s.id] = [(v, p, settles(v) if settles else None) for v, p in others]
    return picks


def _by_probability(values: set[str], probabilities: dict[str, float] | None) -> list[str]:
    """Most probable first; values the model does not score (kelurahan) alphabetically after them."""
    probabilities = probabilities or {}
    return sorted(values, key=lambda v: (-probabilities.get(v, -1.0), v))
