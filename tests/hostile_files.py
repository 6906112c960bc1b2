"""The hostile files the intake defends against, built byte by byte so that each test holds exactly the trap it
names (issue 15). Every builder writes into a directory the test owns and returns the path."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _xlsx(path: Path, sheet_xml: str | bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def honest_xlsx(directory: Path, rows: list[list[str]]) -> Path:
    """A small honest sheet in the same hand-written container (so the builders themselves are tested)."""
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(row))
        body.append(f'<row r="{r}">{cells}</row>')
    return _xlsx(
        directory / "honest.xlsx", f"{_SHEET_HEAD}<sheetData>{''.join(body)}</sheetData></worksheet>"
    )


def far_corner_xlsx(directory: Path) -> Path:
    """Two cells, A1 and XFD1048576: a 5 KB file whose grid is 17 billion cells."""
    sheet = (
        f'{_SHEET_HEAD}<dimension ref="A1"/><sheetData>'
        f'<row r="1">{_cell("A1", "县")}</row>'
        f'<row r="1048576">{_cell("XFD1048576", "x")}</row>'
        "</sheetData></worksheet>"
    )
    return _xlsx(directory / "far-corner.xlsx", sheet)


def zip_bomb_xlsx(directory: Path, megabytes: int = 64) -> Path:
    """A sheet member that inflates a thousand-fold (spaces compress to almost nothing)."""
    filler = b" " * (megabytes * 1024 * 1024)
    sheet = _SHEET_HEAD.encode() + b"<sheetData>" + filler + b"</sheetData></worksheet>"
    return _xlsx(directory / "bomb.xlsx", sheet)


def billion_laughs_xlsx(directory: Path) -> Path:
    """Nested entity declarations that expand to 10^9 copies if a parser honours them."""
    ents = ['<!ENTITY lol "lol">']
    for i in range(1, 10):
        prev = f"&lol{i - 1};" if i > 1 else "&lol;"
        ents.append(f'<!ENTITY lol{i} "{prev * 10}">')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<!DOCTYPE worksheet [{''.join(ents)}]>"
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'<row r="1">{_cell("A1", "县")}</row><row r="2">{_cell("A2", "&lol9;")}</row>'
        "</sheetData></worksheet>"
    )
    return _xlsx(directory / "laughs.xlsx", sheet)


def nul_csv(directory: Path) -> Path:
    """An honest CSV with a NUL byte after the first megabyte."""
    path = directory / "nul.csv"
    lines = ["县,您最需要哪些帮助"]
    n = 0
    while sum(len(x) for x in lines) < 1024 * 1024:
        n += 1
        lines.append(f"金寨县,希望有技能培训和就业岗位，第{n}位")
    lines.append("金寨县,藏了一个\x00字符")
    lines.append("岳西县,最后一行")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def wide_csv(directory: Path, columns: int = 500_000) -> Path:
    """A header row of half a million columns."""
    path = directory / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(columns)) + "\n" + "1\n", encoding="utf-8")
    return path


def deep_json(directory: Path, depth: int = 100_000) -> Path:
    """One JSON object nested a hundred thousand levels deep."""
    path = directory / "deep.jsonl"
    path.write_text('{"a":' * depth + "1" + "}" * depth + "\n", encoding="utf-8")
    return path


def late_key_jsonl(directory: Path, rows: int = 600) -> Path:
    """A JSON Lines export whose last object brings a key the others do not have."""
    path = directory / "late.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(rows):
            obj = {"county": "金寨县", "needs_text": f"需要培训 {i}"}
            if i == rows - 1:
                obj["late_remark"] = "最后才出现的列"
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return path
