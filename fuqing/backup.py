"""Backups and restores of the database: SQLite through its online backup API (a consistent copy while the service
runs), PostgreSQL through ``pg_dump``/``pg_restore`` (custom format), the commands a provincial IT team already
knows. The data key (fuqing/vault.py) is never part of a backup: it is kept apart, so a stolen backup does not
hand over names and phone numbers.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

from sqlalchemy.engine import make_url

from fuqing.config import Settings
from fuqing.db import Database, normalize_url
from fuqing.errors import InputError, Unavailable


def backup_database(settings: Settings, db: Database, output: Path) -> Path:
    output = Path(output)
    if output.exists():
        raise InputError(f"备份文件 {output.name} 已存在。", hint="请换一个文件名，以免覆盖旧的备份。")
    output.parent.mkdir(parents=True, exist_ok=True)
    if db.dialect == "sqlite":
        _sqlite_copy(_sqlite_path(settings), output)
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={output}", *_pg_target(settings)])
    os.chmod(output, 0o600)
    return output


def restore_database(settings: Settings, db: Database, source: Path) -> None:
    source = Path(source)
    if not source.is_file():
        raise InputError(f"找不到备份文件 {source.name}。", hint="请检查路径。")
    if db.dialect == "sqlite":
        db.dispose()  # no pooled connection may keep reading the old pages
        _sqlite_copy(source, _sqlite_path(settings))
    else:
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                *_pg_target(settings, "--dbname"),
                str(source),
            ]
        )


def pg_command(settings: Settings) -> str:
    """The documented command, for the README and the CLI's message (without the password)."""
    return "pg_dump --format=custom --no-owner --file=备份文件 " + " ".join(_pg_target(settings, redact=True))


def _sqlite_path(settings: Settings) -> Path:
    path = make_url(settings.sqlalchemy_url).database
    if not path or path == ":memory:":
        raise InputError("内存数据库不能备份。", hint="请使用文件数据库。")
    return Path(path)


def _sqlite_copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def _pg_target(settings: Settings, flag: str = "--dbname", *, redact: bool = False) -> list[str]:
    """libpq connection arguments; a schema chosen by ``options=-csearch_path=…`` is dumped alone."""
    url = normalize_url(settings.sqlalchemy_url).replace("postgresql+psycopg://", "postgresql://")
    parts = urlsplit(url)
    schema = [
        opt.split("=", 1)[1]
        for value in parse_qs(parts.query).get("options", [])
        for opt in value.split()
        if opt.startswith("-csearch_path=")
    ]
    if redact and parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    args = [f"{flag}={urlunsplit(parts)}"]
    return args + ([f"--schema={schema[0]}"] if schema else [])


def _run(cmd: list[str]) -> None:
    if shutil.which(cmd[0]) is None:
        raise Unavailable(
            f"找不到 {cmd[0]}：备份 PostgreSQL 需要它。",
            hint="请安装 PostgreSQL 客户端（Debian：postgresql-client）。",
        )
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"退出码 {done.returncode}"
        raise Unavailable(f"{cmd[0]} 没有成功：{reason}", hint="请检查 FUQING_DATABASE_URL 与数据库权限。")
