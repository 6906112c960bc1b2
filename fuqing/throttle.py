"""Sign-in throttling: after repeated failures an account, or an address, waits before it may try again.

Per account: the first 5 failures within 15 minutes cost nothing; each further one doubles the wait (1 s, 2 s,
4 s … up to 15 minutes), so guessing a password by trial is slow while a person who mistypes twice is not held up.
Per address: the same from the 20th failure, so that one machine trying many names is slowed too. A success
clears the account's count (not the address's). Kept in the process's memory: a restart forgets it, which costs
an attacker a restart they cannot cause; with several service processes each counts its own share.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from fuqing.errors import TooManyAttempts

WINDOW_S = 15 * 60
MAX_WAIT_S = 15 * 60


@dataclass
class _Record:
    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0


class LoginThrottle:
    def __init__(self, per_account: int = 5, per_address: int = 20, clock: object = time.monotonic) -> None:
        self.free = {"account": per_account, "address": per_address}
        self.clock = clock
        self._records: dict[tuple[str, str], _Record] = {}
        self._lock = threading.Lock()

    def check(self, name: str, address: str) -> None:
        """Raise :class:`TooManyAttempts` when the account or the address must still wait."""
        now = self.clock()  # type: ignore[operator]
        with self._lock:
            waits = [r.locked_until - now for _, r in self._records_of(name, address) if r.locked_until > now]
        if waits:
            seconds = int(max(waits)) + 1
            raise TooManyAttempts(
                f"登录失败次数过多，请 {seconds} 秒后再试。",
                hint="如忘记密码，请联系管理员重置；连续输错会让等待时间加倍。",
                details={"retry_after_s": seconds},
            )

    def failed(self, name: str, address: str) -> bool:
        """Count a failure; True when it starts (or lengthens) a wait."""
        now = self.clock()  # type: ignore[operator]
        locked = False
        with self._lock:
            for kind, record in self._records_of(name, address):
                record.failures = [t for t in record.failures if now - t < WINDOW_S] + [now]
                over = len(record.failures) - self.free[kind]
                if over > 0:
                    record.locked_until = now + min(MAX_WAIT_S, 2 ** (over - 1))
                    locked = True
        return locked

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._records.pop(("account", name.lower()), None)

    def _records_of(self, name: str, address: str) -> list[tuple[str, _Record]]:
        """The address's record, and the account's when there is an account name (a token sign-in names none:
        counting all token failures under one name would lock every token user out after five bad tokens)."""
        keys = [("account", name.lower())] if name else []
        return [
            (kind, self._records.setdefault((kind, key), _Record()))
            for kind, key in [*keys, ("address", address)]
        ]
