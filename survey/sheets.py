"""Spreadsheets are read only after they have been measured, and then in a child process with a memory limit.

A spreadsheet is a ZIP of XML files that a parser expands into a grid. A 5 KB file whose only cells are ``A1`` and
``XFD1048576`` asks for a grid of 17 billion cells; a ZIP member may decompress a thousand-fold; an XML file may
declare entities that expand exponentially. None of that is visible from the upload's size. So, before any parser
sees the file (:func:`measure_xlsx`): the ZIP members' declared sizes and compression ratios, the number of
sheets, and the extent of the first sheet taken from the cell references actually written in it (the declared
``<dimension>`` may lie), each against a limit that names itself in the error. Then the parser (calamine, native
code) runs in a child process whose address space is capped (``RLIMIT_AS``) and whose time is bounded: whatever a
parser does with a file we did not foresee, the child dies and the service answers with a clear error. The child
writes the rows as JSON Lines to a file beside the upload, which the parent streams back, so no parsed object
crosses the process boundary by pickle.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fuqing.errors import InputError

MAX_COLUMNS = 2_000  # no questionnaire export has more; text files are held to the same (survey/tables.py)


@dataclass(frozen=True)
class SheetLimits:
    """What a spreadsheet may hold before it is parsed; the defaults admit a 100,000-row export with hundreds of
    columns and refuse what no survey export is."""

    max_rows: int = 1_048_576
    max_columns: int = MAX_COLUMNS
    max_cells: int = 20_000_000
    max_sheets: int = 200
    max_members: int = 10_000
    max_unzipped_bytes: int = 1_500 * 1024 * 1024
    max_ratio: float = 200.0  # decompressed / compressed, for members larger than 1 MB
    memory_mb: int = 1_536  # the child's address space
    timeout_s: float = 300.0


_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_ROW_REF = re.compile(rb'<row r="([0-9]{1,7})"')
_SHEET = re.compile(rb"<sheet\b[^>]*?r:id=\"([^\"]+)\"")
_REL = re.compile(rb"<Relationship\b[^>]*>")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _too_big(name: str, what: str, limit: str) -> InputError:
    return InputError(
        f"文件 {name} {what}，超过上限（{limit}），未读取。",
        hint="请确认导出的是问卷数据；如确实需要，请删去多余的空行空列或拆分后再上传。",
    )


def measure_xlsx(path: Path, limits: SheetLimits, name: str | None = None) -> None:
    """Refuse an .xlsx/.xlsm whose container or first sheet exceeds ``limits``, reading only ZIP headers and a
    streamed scan of the first sheet's XML (never the expanded grid)."""
    name = name or path.name
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(
            f"文件 {name} 不是有效的 Excel 文件（无法按 .xlsx 打开）。",
            hint="请用 Excel/WPS 打开确认，重新导出 .xlsx 后上传。",
        ) from exc
    with zf:
        infos = zf.infolist()
        _check_members(infos, limits, name)
        sheet = _first_sheet(zf)
        if sheet is None:
            raise InputError(f"文件 {name} 里没有工作表。", hint="请确认数据在第一个工作表中。")
        _check_extent(zf, sheet, limits, name)


def _check_members(infos: list[zipfile.ZipInfo], limits: SheetLimits, name: str) -> None:
    if len(infos) > limits.max_members:
        raise _too_big(name, f"内含 {len(infos)} 个部件", f"{limits.max_members} 个")
    sheets = sum(1 for i in infos if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml"))
    if sheets > limits.max_sheets:
        raise _too_big(name, f"有 {sheets} 个工作表", f"{limits.max_sheets} 个")
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_bytes:
        raise _too_big(
            name, f"解压后有 {total / 1024 / 1024:.0f} MB", f"{limits.max_unzipped_bytes // 1024 // 1024} MB"
        )
    for i in infos:
        if i.file_size > 1024 * 1024 and i.file_size > limits.max_ratio * max(i.compress_size, 1):
            raise _too_big(
                name,
                f"有一部分解压后膨胀到 {i.file_size / max(i.compress_size, 1):.0f} 倍（压缩炸弹的特征）",
                f"{limits.max_ratio:g} 倍",
            )


def _first_sheet(zf: zipfile.ZipFile) -> str | None:
    """The member of the workbook's first sheet (the one calamine reads as index 0)."""
    names = set(zf.namelist())
    try:
        workbook = zf.read("xl/workbook.xml")[: 1024 * 1024]
        rels = zf.read("xl/_rels/workbook.xml.rels")[: 1024 * 1024]
    except KeyError:
        workbook = rels = b""
    first = _SHEET.search(workbook)
    if first:
        for rel in _REL.findall(rels):
            if f'Id="{first.group(1).decode()}"'.encode() in rel:
                target = re.search(rb'Target="([^"]+)"', rel)
                if target:
                    t = target.group(1).decode().lstrip("/")
                    member = t if t.startswith("xl/") else f"xl/{t}"
                    if member in names:
                        return member
    sheets = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    return sheets[0] if sheets else None


def _check_extent(zf: zipfile.ZipFile, member: str, limits: SheetLimits, name: str) -> None:
    """The largest row and column that the sheet's cells name, found in one streamed pass."""
    max_row = max_col = 0
    tail = b""
    with zf.open(member) as fh:
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            for m in _CELL_REF.finditer(data):
                col, row = _column_number(m.group(1)), int(m.group(2))
                max_col = max(max_col, col)
                max_row = max(max_row, row)
            for m in _ROW_REF.finditer(data):
                max_row = max(max_row, int(m.group(1)))
            tail = data[-64:]
            if max_col > limits.max_columns:
                raise _too_big(name, f"的第一个工作表用到第 {max_col} 列", f"{limits.max_columns} 列")
            if max_row > limits.max_rows:
                raise _too_big(name, f"的第一个工作表用到第 {max_row} 行", f"{limits.max_rows} 行")
            if max_row * max_col > limits.max_cells:
                raise _too_big(
                    name,
                    f"的第一个工作表范围达 {max_row} 行 × {max_col} 列",
                    f"{limits.max_cells:,} 个单元格",
                )


def read_sheet(path: Path, limits: SheetLimits, name: str | None = None) -> Iterator[list[object]]:
    """The first sheet's rows as JSON values (str, int, float, bool, None, ISO dates as str), parsed by a child
    process under ``limits``; the rows file is removed when the iteration ends."""
    name = name or path.name
    out = path.with_name(path.name + ".rows.jsonl")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "survey.sheet_worker", str(path), str(out), str(limits.memory_mb)],
            capture_output=True,
            timeout=limits.timeout_s,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        out.unlink(missing_ok=True)
        raise _too_big(name, f"解析超过 {limits.timeout_s:g} 秒", "解析时间") from exc
    if proc.returncode != 0:
        out.unlink(missing_ok=True)
        raise _failed(name, proc.returncode, proc.stderr.decode("utf-8", "replace"))
    return _rows(out)


def _failed(name: str, code: int, stderr: str) -> InputError:
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    if last.startswith("fuqing-sheet-error:"):
        return InputError(
            f"文件 {name} 无法按 Excel 读取（内容结构有误或已损坏）。",
            hint="请用 Excel/WPS 打开确认，重新导出 .xlsx 后上传。",
        )
    return InputError(
        f"文件 {name} 解析时超出了内存上限，未读取（可能含有异常庞大的区域）。",
        hint="请用 Excel/WPS 打开，删去多余的空行空列后另存再上传；或另存为 CSV 上传。",
    )


def _rows(out: Path) -> Iterator[list[object]]:
    try:
        with open(out, encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)
    finally:
        out.unlink(missing_ok=True)
