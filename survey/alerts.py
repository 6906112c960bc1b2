"""Announcing new follow-up cases to a group robot (企业微信 or 钉钉 webhook), with retries.

Why an outbox in the cases table rather than a call where the case is opened: the case is opened inside an import
or a tagging transaction that must not wait on (or fail with) someone else's server, and an announcement must
survive a restart. A sender claims a due case by bumping its attempt counter in one UPDATE (so two service
processes never announce the same case twice), then posts; on failure the case waits twice as long before the next
try, up to ``MAX_ATTEMPTS``. The message holds the case number, kind, county and urgency — never the answer text,
a name or a village, which in a small place can name her.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import or_, select, update

from fuqing.db import Database
from fuqing.models import Case
from fuqing.timeutil import utcnow
from nlp.risk import KIND_NAMES, URGENCY_NAMES

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
FIRST_WAIT_S = 5.0

Post = Callable[[str, dict[str, Any]], bool]


def message(case: Case) -> dict[str, Any]:
    """The robot's JSON body (both 企业微信 and 钉钉 group robots take this ``text`` shape)."""
    kinds = "、".join(KIND_NAMES.get(k, k) for k in case.kinds)
    content = (
        f"【妇情】新的跟进个案 {case.id} 号：{kinds}，{case.county or '地区未填'}，"
        f"{URGENCY_NAMES.get(case.urgency, case.urgency)}。请登录妇情查看并指派跟进人。"
    )
    return {"msgtype": "text", "text": {"content": content}}


def http_post(url: str, body: dict[str, Any], timeout_s: float = 5.0) -> bool:
    """True when the robot accepted it (HTTP 2xx and, when it answers JSON, errcode 0)."""
    try:
        reply = httpx.post(url, json=body, timeout=timeout_s)
    except httpx.HTTPError:
        return False
    if not reply.is_success:
        return False
    try:
        data = reply.json()
    except ValueError:
        return True
    return not isinstance(data, dict) or data.get("errcode", 0) in (0, "0")


def send_due(db: Database, url: str, post: Post = http_post, limit: int = 20) -> int:
    """Announce the cases whose turn has come; returns how many were accepted."""
    now = utcnow()
    with db.session() as s:
        due = list(
            s.scalars(
                select(Case)
                .where(Case.alert_sent_at.is_(None), Case.alert_attempts < MAX_ATTEMPTS)
                .where(or_(Case.alert_next_at.is_(None), Case.alert_next_at <= now))
                .order_by(Case.id)
                .limit(limit)
            )
        )
        bodies = {c.id: (c.alert_attempts, message(c)) for c in due}
    sent = 0
    for case_id, (attempts, body) in bodies.items():
        if not _claim(db, case_id, attempts):
            continue  # another process has it
        if post(url, body):
            with db.session(write=True) as s:
                s.execute(update(Case).where(Case.id == case_id).values(alert_sent_at=utcnow()))
            sent += 1
        else:
            log.warning("announcing follow-up case %s failed (attempt %d); will retry", case_id, attempts + 1)
    return sent


def _claim(db: Database, case_id: int, attempts: int) -> bool:
    wait = timedelta(seconds=FIRST_WAIT_S * 2**attempts)
    with db.session(write=True) as s:
        claimed = s.execute(
            update(Case)
            .where(Case.id == case_id, Case.alert_attempts == attempts, Case.alert_sent_at.is_(None))
            .values(alert_attempts=attempts + 1, alert_next_at=utcnow() + wait)
        )
        return bool(claimed.rowcount)


class AlertSender:
    """A background thread that looks for cases to announce every ``poll_s`` seconds (or at once when kicked)."""

    def __init__(self, db: Database, url: str, *, poll_s: float = 2.0, post: Post = http_post) -> None:
        self._db, self._url, self._poll_s, self._post = db, url, poll_s, post
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="case-alerts", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def kick(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                send_due(self._db, self._url, self._post)
            except Exception:  # the next round tries again; the service keeps serving
                log.warning("announcing follow-up cases failed", exc_info=True)
            self._wake.wait(self._poll_s)
            self._wake.clear()
