"""Error bodies that name what is wrong, without echoing the submitted text back into logs."""

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError

DATABASE_RETRY_AFTER_SECONDS = "5"


def field_path(location: Sequence[Any]) -> str:
    """('body', 'reports', 3, 'text') -> 'reports[3].text'."""
    parts = list(location[1:] if location and location[0] in ("body", "query", "path") else location)
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def describe(errors: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    # The raw 'input' is deliberately dropped: it may hold a report's personal data.
    return [_describe_one(e) for e in errors]


def _describe_one(error: dict[str, Any]) -> dict[str, str]:
    location = error.get("loc", ())
    if error.get("type") == "json_invalid":
        reason = (error.get("ctx") or {}).get("error", "not valid JSON")
        position = location[1] if len(location) > 1 else "?"
        return {"field": "body", "message": f"invalid JSON at character {position}: {reason}"}
    return {"field": field_path(location), "message": error.get("msg", "invalid value")}


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = describe(exc.errors())
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:5])
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content={"detail": f"invalid request: {summary}{more}", "errors": problems},
    )


async def _database_unavailable(request: Request, exc: DBAPIError) -> JSONResponse:
    # Only lost or refused connections are the client's cue to retry; other database errors are bugs (500).
    if not (isinstance(exc, OperationalError) or exc.connection_invalidated):
        raise exc
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        content={"detail": "the database is unavailable; nothing was stored, retry later"},
        headers={"Retry-After": DATABASE_RETRY_AFTER_SECONDS},
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(DBAPIError, _database_unavailable)
