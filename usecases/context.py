"""What every use case receives: who is acting (an :class:`~fuqing.actors.Actor`) and the long-lived parts of the
process (:class:`Services`).

Why one context: a permission or an audit entry applied by one shell and forgotten by another is where the next bug
comes from. The command line, the HTTP API and the web pages build a :class:`Ctx` and call the same use case, which
checks the permission (:func:`use_case`) and writes the audit entry itself.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from fuqing.actors import Actor
from fuqing.audit import record
from fuqing.config import Settings
from fuqing.db import Database
from fuqing.throttle import LoginThrottle
from fuqing.vault import Vault

if TYPE_CHECKING:
    from corpus.service import Corpus
    from findings.summary_index import SummaryIndex
    from nlp.tagger import Tagger
    from survey.jobs import ImportJobs, StagedFiles
    from survey.submissions import SubmissionGroup
    from survey.tag_queue import TaggingQueue

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")


class Lazy(Generic[T]):
    """A heavy part built on first use (the tagger trains from the bundled data if no model exists yet; the corpus
    ingests the bundled texts), unless one was passed in ready. Thread-safe: built once."""

    def __init__(self, build: Callable[[], T], value: T | None = None):
        self._build = build
        self._value = value
        self._lock = threading.Lock()

    def get(self) -> T:
        if self._value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._build()
        return self._value

    @property
    def ready(self) -> bool:
        return self._value is not None


@dataclass
class Services:
    """The parts a use case may need, built once per process: by ``create_app`` for the service (all of them), by
    each command for the command line (what it needs, on first use). Nothing is added later."""

    settings: Settings
    database: Lazy[Database]
    tagger: Lazy[Tagger]
    corpus: Lazy[Corpus]
    summary_index: SummaryIndex | None = None  # the service's long-lived index; None: a one-off per summary
    tag_queue: TaggingQueue | None = None
    submissions: SubmissionGroup | None = None
    imports: ImportJobs | None = None
    staged: StagedFiles | None = None
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)

    @classmethod
    def for_settings(cls, settings: Settings) -> Services:
        """Everything built on first use, from the settings alone (the command line)."""
        from corpus.service import Corpus
        from fuqing.db import open_database
        from nlp.service import load_tagger

        return cls(
            settings,
            Lazy(lambda: open_database(settings)),
            Lazy(lambda: load_tagger(settings)),
            Lazy(lambda: Corpus.open(settings)),
        )

    @property
    def db(self) -> Database:
        return self.database.get()

    @functools.cached_property
    def vault(self) -> Vault:
        """Seals and opens respondents' identifying fields (the key lives outside the database)."""
        return Vault.of(self.settings)

    def settle(self) -> None:
        """Wait until responses submitted before now are tagged, so that what a reader counts includes them."""
        if self.tag_queue is not None:
            self.tag_queue.settle()

    def tag_batch(self, session: Session, ids: list[int]) -> None:
        """Tag a committed batch of an upload inside its own transaction."""
        from survey.labels import tag_responses

        tag_responses(session, ids, self.tagger.get(), floor=self.settings.kappa_floor)


@dataclass(frozen=True)
class Ctx:
    """One request (or one command): the actor and the process's services."""

    services: Services
    actor: Actor

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def db(self) -> Database:
        return self.services.db

    def audit(
        self,
        session: Session,
        action: str,
        object_type: str | None = None,
        object_id: object = None,
        **detail: Any,
    ) -> None:
        record(session, self.actor, action, object_type, object_id, **detail)


def use_case(
    *permissions: str,
) -> Callable[[Callable[Concatenate[Ctx, P], R]], Callable[Concatenate[Ctx, P], R]]:
    """Marks a function as a use case: the acting user must hold one of ``permissions`` (none: any signed-in
    user), checked before anything else runs. The permissions stay readable on the function (``.permissions``), so
    a page can hide a button the user may not press — the check itself is always this one."""

    def wrap(fn: Callable[Concatenate[Ctx, P], R]) -> Callable[Concatenate[Ctx, P], R]:
        if inspect.iscoroutinefunction(fn):

            async def run_async(ctx: Ctx, *args: P.args, **kwargs: P.kwargs) -> Any:
                if permissions:
                    ctx.actor.require(*permissions)
                return await fn(ctx, *args, **kwargs)

            checked: Any = run_async
        else:

            def run(ctx: Ctx, *args: P.args, **kwargs: P.kwargs) -> R:
                if permissions:
                    ctx.actor.require(*permissions)
                return fn(ctx, *args, **kwargs)

            checked = run
        functools.update_wrapper(checked, fn)
        checked.permissions = permissions
        return checked  # type: ignore[no-any-return]

    return wrap


def allowed(actor: Actor, fn: Callable[..., Any]) -> bool:
    """Whether ``actor`` may call the use case ``fn`` (for menus and buttons; the use case checks again)."""
    permissions: tuple[str, ...] = getattr(fn, "permissions", ())
    return not permissions or any(actor.can(p) for p in permissions)
