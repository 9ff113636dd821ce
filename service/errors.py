"""One error body for every 4xx and 503, described in OpenAPI as it is sent, and never echoing submitted text."""

import json
import logging
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from fastapi import FastAPI, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)

DATABASE_RETRY_AFTER_SECONDS = "5"


class FieldError(BaseModel):
    field: str = Field(
        description="Where the problem is: a body path such as `reports[3].text`, a query or path parameter's "
        "name, or `body` for the request as a whole."
    )
    message: str = Field(description="What is wrong there; submitted values are never repeated.")


class ErrorResponse(BaseModel):
    """The body of every client error (4xx) and of 503."""

    detail: str = Field(description="What is wrong, in one sentence a person can act on.")
    errors: list[FieldError] = Field(
        description="Each problem with the field it concerns; empty when the error is not about a field "
        "(a missing key, an unknown id, a conflict, an unavailable service)."
    )


class ApiError(HTTPException):
    """An HTTPException whose body may name the fields at fault."""

    def __init__(
        self,
        status_code: int,
        detail: str,
        errors: Sequence[FieldError] = (),
        headers: dict[str, str] | None = None,
    ):
        super().__init__(status_code, detail, headers)
        self.errors = list(errors)


def invalid(field: str, message: str) -> ApiError:
    """A 422 about one field that pydantic cannot check (it depends on settings or on the other items)."""
    return ApiError(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        f"invalid request: {field}: {message}",
        [FieldError(field=field, message=message)],
    )


def error_body(detail: str, errors: Sequence[FieldError] = ()) -> dict[str, Any]:
    return ErrorResponse(detail=detail, errors=list(errors)).model_dump()


def error_json(detail: str, errors: Sequence[FieldError] = ()) -> bytes:
    """The body as bytes, for middleware that answers before FastAPI does."""
    return json.dumps(error_body(detail, errors)).encode()


def field_path(location: Sequence[Any]) -> str:
    """('body', 'reports', 3, 'text') -> 'reports[3].text'."""
    parts = list(location[1:] if location and location[0] in ("body", "query", "path") else location)
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def describe(errors: Sequence[dict[str, Any]]) -> list[FieldError]:
    # The raw 'input' is deliberately dropped: it may hold a report's personal data.
    return [_describe_one(e) for e in errors]


def _describe_one(error: dict[str, Any]) -> FieldError:
    location = error.get("loc", ())
    if error.get("type") == "json_invalid":
        reason = (error.get("ctx") or {}).get("error", "not valid JSON")
        position = location[1] if len(location) > 1 else "?"
        return FieldError(field="body", message=f"invalid JSON at character {position}: {reason}")
    return FieldError(field=field_path(location), message=error.get("msg", "invalid value"))


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = describe(exc.errors())
    summary = "; ".join(f"{p.field}: {p.message}" for p in problems[:5])
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content=error_body(f"invalid request: {summary}{more}", problems),
    )


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    # Raised by the routes (ApiError, HTTPException) and by Starlette itself (unknown path, wrong method).
    return JSONResponse(
        status_code=exc.status_code,
        content=error_body(str(exc.detail), getattr(exc, "errors", ())),
        headers=exc.headers,
    )


async def _database_unavailable(request: Request, exc: DBAPIError) -> JSONResponse:
    # Only lost or refused connections are the client's cue to retry; other database errors are bugs (500).
    if not (isinstance(exc, OperationalError) or exc.connection_invalidated):
        raise exc
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        content=error_body("the database is unavailable; nothing was stored, retry later"),
        headers={"Retry-After": DATABASE_RETRY_AFTER_SECONDS},
    )


async def _encoder_stopped(request: Request, exc: BrokenProcessPool) -> JSONResponse:
    # The encoder process died under this call (killed for memory, say); the next call starts another.
    log.error("the encoder process stopped during a call: answered 503")
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        content=error_body("the encoder stopped while triaging; nothing was stored, retry"),
        headers={"Retry-After": "1"},
    )


def error_response(description: str, model: type[ErrorResponse] = ErrorResponse) -> dict[str, Any]:
    """An entry of a route's `responses`: an error status with what it means there."""
    return {"model": model, "description": description}


# What the OpenAPI document says for the statuses every operation of a kind can answer (see describe_errors).
UNPROCESSABLE = "Invalid request: `errors` names each bad field (the submitted values are never echoed)."
TOO_LARGE = "The request body is larger than TRIASE_MAX_BODY_BYTES; refused before parsing."
UNAUTHORIZED = "No API key, or an unknown or revoked one."
FORBIDDEN = "The key's role may not do this."
UNAVAILABLE = "The database is unavailable (or no model is loaded yet); retry after `Retry-After` seconds."


def describe_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Rewrite an OpenAPI document so its error responses are the bodies the handlers above send.

    FastAPI documents its own validation body (`detail` as a list of {loc, msg, type}) for every operation
    that validates input; this service answers those with `ErrorResponse`. The statuses that follow from how
    an operation is built are added here from that build: 422 where FastAPI validates input, 413 where a
    body is accepted (BodySizeLimit), 401, 403 and 503 where a key is checked (which reads the database).
    Statuses that depend on what a route does (404, 409, 503 of readiness) are declared on the route.
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    reference = {"$ref": "#/components/schemas/ErrorResponse"}
    body = ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(body.pop("$defs", {}))
    components.setdefault("ErrorResponse", body)
    content = {"application/json": {"schema": reference}}
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            added = {}
            if "422" in responses:
                # FastAPI's own entry ("Validation Error") is replaced; a route's own description is kept.
                described = responses["422"].get("description")
                responses["422"] = {
                    "description": UNPROCESSABLE if described in (None, "Validation Error") else described,
                    "content": content,
                }
            if "requestBody" in operation:
                added["413"] = TOO_LARGE
            if operation.get("security"):
                added.update({"401": UNAUTHORIZED, "403": FORBIDDEN})
                added.setdefault("503", UNAVAILABLE)
            for code, description in added.items():
                responses.setdefault(code, {"description": description, "content": content})
    for fastapi_default in ("HTTPValidationError", "ValidationError"):
        components.pop(fastapi_default, None)
    return schema


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DBAPIError, _database_unavailable)
    app.add_exception_handler(BrokenProcessPool, _encoder_stopped)
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = describe_errors(generate())
        return app.openapi_schema

    app.openapi = openapi
