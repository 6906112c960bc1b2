"""Reading an uploaded file as a header row plus a stream of rows, whatever its container and encoding.

Rows are streamed (CSV, JSON Lines) so a 100,000-row export never has to sit in memory as Python objects;
Excel files are read with calamine, which is many times faster than openpyxl.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from fuqing.errors import FileTooLarge, InputError
from fuqing.textio import decode_bytes, looks_binary

SUPPORTED = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".jsonl", ".ndjson", ".json"}
MAX_CELL_CHARS = 20_000
csv.field_size_limit(16 * 1024 * 1024)


@dataclass
class Table:
    """``headers`` are unique (duplicates renamed); ``rows`` yields one list of cell strings per data row."""

    headers: list[str]
    rows: Iterator[list[str]]
    container: str
    encoding: str | None
    warnings: list[str]


def _cell_to_str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _unique_headers(raw: list[str], source: str) -> tuple[list[str], list[str]]:
    headers: list[str] = []
    seen: dict[str, int] = {}
    warnings = []
    for i, h in enumerate(raw, start=1):
        h = (h or "").strip().lstrip("\ufeff")
        if not h:
            h = f"列{i}"
        if h in seen:
            seen[h] += 1
            new = f"{h} ({seen[h]})"
            warnings.append(f"{source}：第 {i} 列的列名“{h}”重复，已改名为“{new}”。")
            h = new
        else:
            seen[h] = 1
        headers.append(h)
    return headers, warnings


def _sniff_delimiter(sample: str) -> str:
    first = sample.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_csv(path: Path, encoding: str | None) -> Table:
    with open(path, "rb") as fh:
        head = fh.read(256 * 1024)
    if looks_binary(head):
        raise InputError(
            f"文件 {path.name} 看起来不是文本表格（CSV）。",
            hint="请确认文件类型，Excel 文件请用 .xlsx 扩展名。",
        )
    cut = head.rfind(b"\n") if len(head) == 256 * 1024 else len(head)
    decoded = decode_bytes(head[: cut if cut > 0 else len(head)], source=path.name, declared=encoding)
    enc = decoded.encoding
    text_encoding = "utf-8-sig" if enc in ("utf-8", "utf-8-sig") else enc
    delimiter = _sniff_delimiter(decoded.text.lstrip("\ufeff"))
    fh = open(path, encoding=text_encoding, newline="", errors="strict")  # noqa: SIM115 - closed by the generator
    reader = csv.reader(fh, delimiter=delimiter)
    try:
        raw_headers = next(reader)
    except StopIteration:
        fh.close()
        raise InputError(f"文件 {path.name} 是空的。", hint="请确认导出是否成功。") from None
    except UnicodeDecodeError as exc:
        fh.close()
        raise InputError(
            f"文件 {path.name} 的编码无法识别。", hint="请另存为 UTF-8 编码的 CSV 后重新上传。"
        ) from exc
    headers, warnings = _unique_headers(raw_headers, path.name)

    def rows() -> Iterator[list[str]]:
        line = 1
        try:
            for row in reader:
                line += 1
                if not any(cell.strip() for cell in row):
                    continue
                yield row
        except UnicodeDecodeError as exc:
            raise InputError(
                f"文件 {path.name} 第 {line + 1} 行附近有无法按 {enc} 解码的字节。",
                hint="文件可能混用了编码；请用 Excel/WPS 另存为 UTF-8 CSV。",
            ) from exc
        except csv.Error as exc:
            raise InputError(
                f"文件 {path.name} 第 {line + 1} 行不是合法的 CSV：{exc}", hint="请检查引号是否成对。"
            ) from exc
        finally:
            fh.close()

    return Table(headers, rows(), "csv", enc, warnings)


def _read_excel(path: Path) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheet = wb.get_sheet_by_index(0)
        data = sheet.to_python(skip_empty_area=False)
    except Exception as exc:
        raise InputError(
            f"文件 {path.name} 不是有效的 Excel 文件（{type(exc).__name__}）。",
            hint="请用 Excel/WPS 打开确认，重新导出 .xlsx 后上传。",
        ) from exc
    if not data:
        raise InputError(f"文件 {path.name} 的第一个工作表是空的。", hint="请确认数据在第一个工作表中。")
    raw_headers = [_cell_to_str(c) for c in data[0]]
    while raw_headers and not raw_headers[-1]:
        raw_headers.pop()
    headers, warnings = _unique_headers(raw_headers, path.name)

    def rows() -> Iterator[list[str]]:
        for raw in data[1:]:
            row = [_cell_to_str(c) for c in raw[: len(headers)]]
            if any(c.strip() for c in row):
                yield row

    return Table(headers, rows(), "xls" if path.suffix.lower() == ".xls" else "xlsx", None, warnings)


def _read_jsonl(path: Path) -> Table:
    with open(path, "rb") as fh:
        head = fh.read(1024 * 1024)
    decoded = decode_bytes(head[: head.rfind(b"\n") + 1 or len(head)], source=path.name)
    encoding = "utf-8-sig" if decoded.encoding.startswith("utf-8") else decoded.encoding
    text = decoded.text.lstrip("\ufeff").lstrip()
    if path.suffix.lower() == ".json" and text.startswith("["):
        try:
            objects = json.loads(Path(path).read_text(encoding=encoding))
        except json.JSONDecodeError as exc:
            raise InputError(
                f"文件 {path.name} 不是合法的 JSON：{exc.msg}（第 {exc.lineno} 行）。",
                hint="请检查文件内容。",
            ) from exc
        lines: Iterator[tuple[int, Any]] = ((i, o) for i, o in enumerate(objects, start=1))
    else:

        def _lines() -> Iterator[tuple[int, Any]]:
            with open(path, encoding=encoding) as fh:
                for n, line in enumerate(fh, start=1):
                    if not line.strip():
                        continue
                    try:
                        yield n, json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise InputError(
                            f"文件 {path.name} 第 {n} 行不是合法的 JSON：{exc.msg}。",
                            hint="每行应是一个 JSON 对象。",
                        ) from exc

        lines = _lines()
    first_rows = []
    keys: dict[str, None] = {}
    for n, obj in lines:
        if not isinstance(obj, dict):
            raise InputError(f"文件 {path.name} 第 {n} 行应是 JSON 对象。", hint="每行应是一个 JSON 对象。")
        flat = _flatten(obj)
        first_rows.append(flat)
        keys.update(dict.fromkeys(flat))
        if len(first_rows) >= 500:
            break
    if not first_rows:
        raise InputError(f"文件 {path.name} 是空的。", hint="请确认导出是否成功。")
    headers = list(keys)

    def rows() -> Iterator[list[str]]:
        for flat in first_rows:
            yield [_json_cell(flat.get(h)) for h in headers]
        for n, obj in lines:
            if not isinstance(obj, dict):
                raise InputError(
                    f"文件 {path.name} 第 {n} 行应是 JSON 对象。", hint="每行应是一个 JSON 对象。"
                )
            flat = _flatten(obj)
            yield [_json_cell(flat.get(h)) for h in headers]

    return Table(headers, rows(), "jsonl", decoded.encoding, [])


def _flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in obj.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and k != "answers":
            out.update(_flatten(v, f"{key}/" if prefix or k not in ("meta",) else ""))
        elif isinstance(v, dict):
            out.update(_flatten(v, ""))
        else:
            out[key] = v
    return out


def _json_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "┋".join(_cell_to_str(v) for v in value)
    return _cell_to_str(value)


def check_file(path: Path, max_mb: float) -> None:
    path = Path(path)
    if not path.exists() or path.is_dir():
        raise InputError(f"找不到文件 {path}。", hint="请检查路径。")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise InputError(
            f"不支持的文件类型 {suffix or '（无扩展名）'}：{path.name}",
            hint="支持问卷星/Kobo/ODK 导出的 .xlsx、.xls、.csv，以及 .jsonl。",
        )
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"文件 {path.name} 是空的。", hint="请确认导出是否成功。")
    if size > max_mb * 1024 * 1024:
        raise FileTooLarge(
            f"文件 {path.name} 有 {size / 1024 / 1024:.1f} MB，超过上限 {max_mb:g} MB。",
            hint="请拆分后分批上传，或请管理员调大 FUQING_MAX_UPLOAD_MB。",
        )


def open_table(path: Path, *, encoding: str | None = None) -> Table:
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return _read_excel(path)
    if suffix in (".jsonl", ".ndjson", ".json"):
        return _read_jsonl(path)
    return _read_csv(path, encoding)
