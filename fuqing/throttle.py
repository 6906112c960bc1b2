"""Sign-in throttling: after repeated failures an account, or an address, waits before it may try again.

Per account: the first 5 failures within 15 minutes cost nothing; each further one doubles the wait (1 s, 2 s,
4 s … up to 15 minutes), so guessing a password by trial is slow while a person who mistypes twice is not held up.
Per address: the same from the 20th failure, so that one machine trying many names is slowed too. A success
clears the account's count (not the address's).

The failures are kept in the database (table ``login_failures``, only those of the window), so that every service
process (``uvicorn --workers``, several hosts behind a proxy) counts the same ones and a restart forgets nothing;
the wait is worked out from them, so no process keeps state of its own. A memory store serves tests and a
process without a database.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable

from sqlalchemy import delete, select

from fuqing.db import Database
from fuqing.errors import TooManyAttempts
from fuqing.models import LoginFailure

WINDOW_S = 15 * 60
MAX_WAIT_S = 15 * 60
Key = tuple[str, str]  # (account | address, the lower-cased name or the address)


class FailureStore(ABC):
    """Where failures are kept."""

    @abstractmethod
    def recent(self, keys: list[Key], since: float) -> dict[Key, list[float]]:
        """The failure times of each key after ``since``."""

    @abstractmethod
    def add(self, keys: list[Key], at: float, before: float) -> None:
        """A failure of each key at ``at``; failures at or before ``before`` may be forgotten."""

    @abstractmethod
    def clear(self, key: Key) -> None:
        """Forget the key's failures (a successful sign-in)."""


class MemoryStore(FailureStore):
    def __init__(self) -> None:
        self._times: dict[Key, list[float]] = {}
        self._lock = threading.Lock()

    def recent(self, keys: list[Key], since: float) -> dict[Key, list[float]]:
        with self._lock:
            return {k: [t for t in self._times.get(k, []) if t > since] for k in keys}

    def add(self, keys: list[Key], at: float, before: float) -> None:
        with self._lock:
            for k in keys:
                self._times[k] = [t for t in self._times.get(k, []) if t > before] + [at]

    def clear(self, key: Key) -> None:
        with self._lock:
            self._times.pop(key, None)


class DatabaseStore(FailureStore):
    def __init__(self, db: Database) -> None:
        self.db = db

    def recent(self, keys: list[Key], since: float) -> dict[Key, list[float]]:
        out: dict[Key, list[float]] = {k: [] for k in keys}
        with self.db.session() as s:
            for kind, key in keys:
                rows = s.scalars(
                    select(LoginFailure.at).where(
                        LoginFailure.kind == kind, LoginFailure.key == key, LoginFailure.at > since
                    )
                )
                out[(kind, key)] = sorted(rows)
        return out

    def add(self, keys: list[Key], at: float, before: float) -> None:
        with self.db.session(write=True) as s:
            s.execute(delete(LoginFailure).where(LoginFailure.at <= before))  # the window only
            s.add_all(LoginFailure(kind=kind, key=key, at=at) for kind, key in keys)

    def clear(self, key: Key) -> None:
        with self.db.session(write=True) as s:
            s.execute(delete(LoginFailure).where(LoginFailure.kind == key[0], LoginFailure.key == key[1]))


class LoginThrottle:
    def __init__(
        self,
        store: FailureStore | None = None,
        per_account: int = 5,
        per_address: int = 20,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store or MemoryStore()
        self.free = {"account": per_account, "address": per_address}
        self.clock = clock

    def check(self, name: str, address: str) -> None:
        """Raise :class:`TooManyAttempts` when the account or the address must still wait."""
        now = self.clock()
        waits = [until - now for until in self._locked_until(name, address, now) if until > now]
        if waits:
            seconds = int(max(waits)) + 1
            raise TooManyAttempts(
                f"登录失败次数过多，请 {seconds} 秒后再试。",
                hint="如忘记密码，请联系管理员重置；连续输错会让等待时间加倍。",
                details={"retry_after_s": seconds},
            )

    def failed(self, name: str, address: str) -> bool:
        """Count a failure; True when it starts (or lengthens) a wait."""
        now = self.clock()
        self.store.add(self._keys(name, address), now, now - WINDOW_S)
        return any(until > now for until in self._locked_until(name, address, now))

    def succeeded(self, name: str) -> None:
        if name:
            self.store.clear(("account", name.lower()))

    def _locked_until(self, name: str, address: str, now: float) -> list[float]:
        """For each key: the last failure plus the wait its count earns (the first ``free`` cost nothing)."""
        out = []
        for (kind, _), times in self.store.recent(self._keys(name, address), now - WINDOW_S).items():
            over = len(times) - self.free[kind]
            if over > 0:
                out.append(max(times) + min(MAX_WAIT_S, 2 ** (over - 1)))
        return out

    @staticmethod
    def _keys(name: str, address: str) -> list[Key]:
        """The address's key, and the account's when there is an account name (a token sign-in names none:
        counting all token failures under one name would lock every token user out after five bad tokens)."""
        keys = [("account", name.lower()[:200])] if name else []
        return [*keys, ("address", address[:200])]
