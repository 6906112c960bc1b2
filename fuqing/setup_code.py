"""The one-time code that lets the first administrator be created, as Jupyter and Grafana do it.

Who may create the first account used to be decided by the client's address (loopback only); behind a reverse
proxy on the same host every visitor looks local. Now ``fuqing serve`` prints a random code to its console and
writes it to a file under ``FUQING_HOME`` readable by the service's user only (0600); the set-up form asks for it.
Whoever can read the server's console or its data directory may create the first administrator; nobody else. The
code is removed once the first account exists.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from fuqing.config import Settings

_FILE = "setup-code"


def _path(settings: Settings) -> Path:
    return settings.resolved_home / _FILE


def ensure_setup_code(settings: Settings) -> str:
    """The current code, created (0600) if there is none yet."""
    path = _path(settings)
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    code = "-".join(secrets.token_hex(3) for _ in range(3))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(code + "\n")
    return code


def setup_code_matches(settings: Settings, given: str) -> bool:
    path = _path(settings)
    if not path.exists():
        return False
    expected = path.read_text(encoding="utf-8").strip()
    return bool(given) and hmac.compare_digest(expected.encode(), given.strip().lower().encode())


def clear_setup_code(settings: Settings) -> None:
    _path(settings).unlink(missing_ok=True)
