"""FastAPI dependencies that turn a request's key into a Principal and enforce roles."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from service.auth.models import Role
from service.auth.service import Principal, authenticate
from service.dependencies import get_database

SESSION_COOKIE = "triase_key"

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer trs_...`.")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key, as an alternative header.")
_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="Set by the reviewer page's login.")


def current_principal(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header: Annotated[str | None, Depends(_header)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> Principal:
    key = (bearer.credentials if bearer else None) or header or cookie
    if not key:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing API key: send it as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    with get_database(request).session() as session:
        principal = authenticate(session, key)
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "unknown or revoked API key", headers={"WWW-Authenticate": "Bearer"}
        )
    request.state.principal = principal
    return principal


def require(*roles: Role) -> Callable[..., Principal]:
    """A dependency admitting the given roles (and admin, who may do everything)."""
    allowed = ", ".join(sorted({r.value for r in (*roles, Role.ADMIN)}))

    def dependency(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not principal.may(*roles):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"role '{principal.role.value}' may not do this; needs one of: {allowed}"
            )
        return principal

    return dependency


Intake = Annotated[Principal, Depends(require(Role.INTAKE))]
Reviewer = Annotated[Principal, Depends(require(Role.REVIEWER))]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
