"""Request dependencies: the database session, the authenticated user and role checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from fuqing.auth import authenticate_token, can, require
from fuqing.db import Database
from fuqing.models import User


def get_db(request: Request) -> Database:
    return request.app.state.db  # type: ignore[no-any-return]


def get_session(request: Request) -> Iterator[Session]:
    with get_db(request).session() as s:
        yield s


def _token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get("fuqing_token")


def current_user(request: Request, session: Session = Depends(get_session)) -> User:
    user = authenticate_token(session, _token(request))
    request.state.user = user
    return user


def needs(permission: str) -> Callable[..., User]:
    """A dependency that authenticates and checks one permission (401 without a valid token, 403 without the role)."""

    def _check(user: User = Depends(current_user)) -> User:
        require(user, permission)
        return user

    return _check


def needs_any(*permissions: str) -> Callable[..., User]:
    """Like :func:`needs`, satisfied by any one of the permissions (own uploads, or all uploads)."""

    def _check(user: User = Depends(current_user)) -> User:
        if not any(can(user, p) for p in permissions):
            require(user, permissions[0])
        return user

    return _check
