"""Grouping single-response POSTs that arrive together into one write transaction.

Why: under load most of a submission's cost was per-request ORM work and a commit of its own. Requests that
are ready in the same turn of the event loop are collected and stored by one call to
:func:`survey.responses.store_responses` at the end of that turn: no timer, so a lone request waits for
nothing, and a burst costs one transaction. Requests that arrive while a group is being stored form the
next group. Validation runs first, per request (survey.responses.prepare_response), so a bad submission fails alone;
tagging follows on the tagging queue's thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from fuqing.db import Database
from fuqing.errors import NotFound
from fuqing.vault import Vault
from survey.responses import PreparedResponse, StoredResponse, store_responses

ATTEMPTS = 3


class SubmissionGroup:
    def __init__(self, db: Database, on_created: Callable[[list[int]], None], vault: Vault):
        self._db = db
        self._vault = vault
        self._on_created = on_created
        self._pending: list[tuple[PreparedResponse, asyncio.Future[StoredResponse]]] = []
        self._draining = False
        # SQLite work is CPU in this process: done inline at the end of the turn. A server database is waiting
        # on the network: done on a worker thread, while the loop keeps accepting the next group.
        self._offload = db.dialect != "sqlite"

    async def submit(self, prepared: PreparedResponse) -> StoredResponse:
        """Store a validated submission (validation is per request, so a bad one fails alone) with the others
        that arrive in this turn of the event loop."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[StoredResponse] = loop.create_future()
        self._pending.append((prepared, future))
        if not self._draining:
            self._draining = True
            loop.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        """Store the waiting group, then the group that gathered meanwhile, until none is waiting."""
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                items = [p for p, _ in batch]
                try:
                    if self._offload:
                        results = await asyncio.to_thread(self._store, items)
                    else:
                        results = self._store(items)
                except Exception as exc:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                self._answer(batch, results)
        finally:
            self._draining = False

    def _answer(
        self,
        batch: list[tuple[PreparedResponse, asyncio.Future[StoredResponse]]],
        results: list[StoredResponse | NotFound],
    ) -> None:
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():  # the client went away
                continue
            if isinstance(result, NotFound):
                future.set_exception(result)
            else:
                future.set_result(result)
        created = [r.id for r in results if isinstance(r, StoredResponse) and r.created]
        if created:
            self._on_created(created)

    def _store(self, items: list[PreparedResponse]) -> list[StoredResponse | NotFound]:
        # Another process may store one of these source ids between our duplicate check and the insert;
        # the unique index refuses it and the retry then finds it stored.
        for attempt in range(ATTEMPTS):
            try:
                with self._db.session(write=True) as session:
                    return store_responses(session, items, self._vault)
            except IntegrityError:
                if attempt == ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")
