"""Tagging of single submissions on a worker thread, in small batches.

Why: tagging one text inside the POST that stored it cost as much as storing it (the model, the explanations,
the kappa gate, a second write), which halved the rate at which fieldworkers' phones could submit. Here the
POST only stores the response and queues its id; the worker tags whatever has queued up in one batch (one
prediction over all texts, one write). Readers that must count labels call :meth:`TaggingQueue.settle` first,
which waits until everything queued before the call is tagged — usually a few milliseconds — so a summary still
counts every response stored before it was asked for.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import select

from fuqing.db import Database
from fuqing.models import Response
from nlp.tagger import Tagger
from survey.agreement import gated_labels
from survey.labels import predict, store_taggings

log = logging.getLogger(__name__)


class TaggingQueue:
    def __init__(
        self,
        db: Database,
        tagger: Callable[[], Tagger],
        *,
        floor: float = 0.6,
        max_batch: int = 256,
        linger_s: float = 0.05,
    ) -> None:
        self._db = db
        self._tagger = tagger
        self._floor = floor
        self._max_batch = max_batch
        self._linger_s = linger_s
        self._cond = threading.Condition()
        self._pending: list[int] = []
        self._submitted = 0
        self._done = 0
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._waiting = 0  # readers in settle(): no lingering while someone waits

    def submit(self, response_id: int) -> None:
        self.submit_many([response_id])

    def submit_many(self, response_ids: list[int]) -> None:
        with self._cond:
            self._pending.extend(response_ids)
            self._submitted += len(response_ids)
            self._cond.notify()
            self._ensure_thread()

    def catch_up(self) -> int:
        """Queue the responses stored but never tagged (the process stopped before their turn)."""
        with self._db.session() as s:
            ids = list(
                s.scalars(select(Response.id).where(Response.tagged_version.is_(None)).order_by(Response.id))
            )
        for rid in ids:
            self.submit(rid)
        return len(ids)

    def settle(self, timeout: float = 60.0) -> bool:
        """Wait until every response queued before this call has been tagged (False on timeout). The timeout
        is generous because the first batch after a start also loads the model."""
        with self._cond:
            target = self._submitted
            if self._done >= target:
                return True
            self._waiting += 1
            self._cond.notify_all()
            try:
                return self._cond.wait_for(lambda: self._done >= target, timeout=timeout)
            finally:
                self._waiting -= 1

    def close(self, timeout: float = 10.0) -> None:
        """Tag what is queued, then stop the worker."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name="tagging-queue", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending or self._stopping)
                if not self._pending:
                    return
                # Let a few more submissions arrive: one batch of many costs little more than a batch of one,
                # and each batch holds the (SQLite) write lock once. Readers that settle wake it at once.
                self._cond.wait_for(
                    lambda: len(self._pending) >= self._max_batch or self._stopping or self._waiting,
                    timeout=self._linger_s,
                )
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
            try:
                self._tag(batch)
            except Exception:
                # Left untagged (tagged_version stays NULL); the next start's catch_up() queues them again.
                log.exception("tagging failed for %d responses", len(batch))
            with self._cond:
                self._done += len(batch)
                self._cond.notify_all()

    def _tag(self, ids: list[int]) -> None:
        tagger = self._tagger()
        # Predict outside the write transaction: on SQLite the write lock is held only for the store.
        with self._db.session() as s:
            ids, taggings = predict(s, ids, tagger)
        if not ids:
            return
        with self._db.session(write=True) as s:
            store_taggings(s, ids, taggings, tagger.version, gated=gated_labels(s, self._floor))
