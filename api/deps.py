"""Request dependencies of the JSON API: the process's services and the use-case context of the caller.

Authentication happens here (401 without a valid token); each use case checks its own permission (403).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from starlette.concurrency import run_in_threadpool

from fuqing.actors import Actor
from fuqing.auth import authenticate_token
from usecases import Ctx, Services


def services_of(request: Request) -> Services:
    """The typed state built once by ``create_app`` (see api/app.py)."""
    services: Services = request.app.state.services
    return services


def bearer_of(header: str) -> str | None:
    """The token of an Authorization header. The API reads only this header, never a cookie, so a forged
    cross-site request carries nothing."""
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


async def token_actor(services: Services, token: str | None) -> Actor:
    """The caller a bearer token names (AuthError without one). On SQLite the lookup runs on the event loop
    (cheaper than a hop to the thread pool and back); a server database answers over the network, so there it
    runs in the pool."""
    db = services.db

    def lookup() -> Actor:
        with db.session() as session:
            return Actor.of(authenticate_token(session, token), "api")

    return lookup() if db.dialect == "sqlite" else await run_in_threadpool(lookup)


async def api_ctx(request: Request) -> Ctx:
    """The caller: resolved by the gate (api/guard.py) before the body was read, else from the header here."""
    services = services_of(request)
    actor: Actor | None = getattr(request.state, "actor", None)
    if actor is None:
        actor = await token_actor(services, bearer_of(request.headers.get("authorization", "")))
        request.state.actor = actor
    return Ctx(services, actor)


async def _services(request: Request) -> Services:
    """Async so that FastAPI does not send this trivial lookup through the thread pool."""
    return services_of(request)


ApiCtx = Annotated[Ctx, Depends(api_ctx)]
ServicesDep = Annotated[Services, Depends(_services)]

MAX_ID = (
    2**63 - 1
)  # the largest key SQLite and PostgreSQL's BIGINT hold; beyond it a 422, never an OverflowError
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="编号（正整数）")]
