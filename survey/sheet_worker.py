"""The child process of :mod:`survey.sheets`: cap its own address space, then parse the first sheet with calamine
and write one JSON array per row. Run as ``python -m survey.sheet_worker FILE OUT MEMORY_MB``.

The limit is set before calamine is imported, so that everything the parser allocates counts against it; an
allocation beyond it ends this process, never the service.
"""

from __future__ import annotations

import json
import resource
import sys
from datetime import date, datetime, time, timedelta


def _cap(memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _jsonable(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")  # as survey.tables writes cells read in process
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return value


def main(argv: list[str]) -> int:
    path, out, memory_mb = argv[0], argv[1], int(argv[2])
    _cap(memory_mb)
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(path)
        sheet = wb.get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except MemoryError:
        raise
    except Exception as exc:
        print(f"fuqing-sheet-error: {type(exc).__name__}", file=sys.stderr)
        return 3
    with open(out, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps([_jsonable(v) for v in row], ensure_ascii=False))
            fh.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
