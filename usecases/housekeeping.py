"""What the service does by itself, at start and then every few hours: destroy contact records past the retention
period, and remove temporary files (staged uploads never confirmed, reports left by an interrupted download)."""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

from fuqing.actors import Actor
from usecases.context import Ctx, Services

log = logging.getLogger(__name__)
TMP_MAX_AGE_S = 24 * 3600


def housekeep(services: Services, *, max_age_s: float = TMP_MAX_AGE_S) -> dict[str, int]:
    from usecases.data import expire_contacts

    expired = expire_contacts(Ctx(services, Actor.system()))
    if services.staged is not None:
        services.staged.expire(max_age_s)
    removed = remove_stale(services.settings.resolved_home / "tmp", max_age_s)
    if expired or removed:
        log.info("housekeeping: %d contact records expired, %d temporary files removed", expired, removed)
    return {"contacts_expired": expired, "files_removed": removed}


def remove_stale(folder: Path, max_age_s: float) -> int:
    """Files and folders under ``folder`` not touched for ``max_age_s`` seconds."""
    if not folder.is_dir():
        return 0
    cutoff = time.time() - max_age_s
    removed = 0
    for path in folder.rglob("*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue
    for path in sorted(folder.rglob("*"), reverse=True):  # then the emptied folders, deepest first
        if path.is_dir() and not any(path.iterdir()):
            shutil.rmtree(path, ignore_errors=True)
    return removed
