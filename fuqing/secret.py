"""A random per-installation key under FUQING_HOME, for keyed hashes (IP addresses) that must not be reversible."""

from __future__ import annotations

import os
import secrets

from fuqing.config import Settings


def install_key(settings: Settings) -> bytes:
    path = settings.ensure_home() / "install.key"
    if not path.exists():
        tmp = path.with_name(f".install.key.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
        try:
            os.link(tmp, path)  # first writer wins; others read what it wrote
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_bytes()[:32]
