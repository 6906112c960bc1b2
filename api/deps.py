"""Request dependencies: the database session, the authenticated user and role checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fuqing.auth import authenticate_token, can, require
from fuqing.db import Database
from fuqing.models import User


def database_of(request: Request) -> Database:
    return request.app.state.db  # type: ignore[no-any-return]


async def get_db(request: Request) -> Database:
    """Async so that FastAPI does not send this trivial lookup through the thread pool."""
    return database_of(request)


def get_session(request: Request) -> Iterator[Session]:
    """A read session. Writes open ``db.session(write=True)`` in the route body, so that the SQLite write lock
    is taken and released on one thread (FastAPI may finish a generator dependency on another thread)."""
    with database_of(request).session() as s:
        yield s


def settled(request: Request) -> None:
    """Wait until the responses submitted before this request are tagged (survey/tag_queue.py), so what a
    reader counts includes them. A plain def: FastAPI runs it in the thread pool, off the event loop."""
    request.app.state.tag_queue.settle()


def get_settled_session(request: Request) -> Iterator[Session]:
    """A read session for label-counting routes: summaries, review, agreement."""
    settled(request)
    with database_of(request).session() as s:
        yield s


def _token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get("fuqing_token")


async def current_user(request: Request) -> User:
    """One indexed lookup. On SQLite it runs on the event loop (cheaper than a hop to the thread pool and back);
    a server database answers over the network, so there it runs in the pool and the loop serves others."""
    db = database_of(request)
    token = _token(request)

    def lookup() -> User:
        with db.session() as session:
            return authenticate_token(session, token)

    user = lookup() if db.dialect == "sqlite" else await run_in_threadpool(lookup)
    request.state.user = user
    return user


def needs(permission: str) -> Callable[..., Any]:
    """A dependency that authenticates and checks one permission (401 without a valid token, 403 without the role)."""

    async def _check(user: User = Depends(current_user)) -> User:
        require(user, permission)
        return user

    return _check


def needs_any(*permissions: str) -> Callable[..., Any]:
    """Like :func:`needs`, satisfied by any one of the permissions (own uploads, or all uploads)."""

    async def _check(user: User = Depends(current_user)) -> User:
        if not any(can(user, p) for p in permissions):
            require(user, permissions[0])
        return user

    return _check
