"""Hostile files (issue 15): each is refused with a clear error naming its limit, or read as an honest file would
be; none takes the process down."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from fuqing.errors import InputError
from survey.sheets import SheetLimits, read_sheet
from survey.tables import open_table
from tests import hostile_files as hostile


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    table = open_table(path)
    return table.headers, list(table.rows)


def test_the_hand_built_container_is_a_real_sheet(tmp_path: Path) -> None:
    headers, rows = _read(hostile.honest_xlsx(tmp_path, [["县", "需求"], ["金寨县", "培训"]]))
    assert headers == ["县", "需求"] and rows == [["金寨县", "培训"]]


def test_a_sheet_reaching_the_far_corner_is_refused_before_parsing(tmp_path: Path) -> None:
    path = hostile.far_corner_xlsx(tmp_path)
    started = time.perf_counter()
    with pytest.raises(InputError, match="超过上限（2000 列）"):
        open_table(path)
    assert time.perf_counter() - started < 2


def test_a_zip_bomb_is_refused_from_its_headers(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="压缩炸弹"):
        open_table(hostile.zip_bomb_xlsx(tmp_path))


def test_billion_laughs_is_refused_without_expanding(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="无法按 Excel 读取"):
        open_table(hostile.billion_laughs_xlsx(tmp_path))


def test_whatever_the_parser_does_the_child_dies_not_the_caller(tmp_path: Path) -> None:
    """Past the measuring step (as a file we did not foresee would be), the far-corner sheet makes calamine ask
    for 17 billion cells: the child's address-space cap ends it and the caller gets an error."""
    path = hostile.far_corner_xlsx(tmp_path)
    with pytest.raises(InputError, match="内存上限"):
        list(read_sheet(path, SheetLimits(memory_mb=512)))
    assert not list(tmp_path.glob("*.rows.jsonl"))


def test_a_nul_after_the_first_megabyte_becomes_a_space(tmp_path: Path) -> None:
    headers, rows = _read(hostile.nul_csv(tmp_path))
    assert headers == ["县", "您最需要哪些帮助"]
    assert ["金寨县", "藏了一个 字符"] in rows and rows[-1] == ["岳西县", "最后一行"]
    assert not any("\x00" in c for r in rows for c in r)


def test_half_a_million_columns_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="500000 列"):
        open_table(hostile.wide_csv(tmp_path))


def test_json_nested_a_hundred_thousand_deep_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="嵌套层数过深"):
        open_table(hostile.deep_json(tmp_path))


def test_a_key_first_seen_in_the_last_object_is_a_column(tmp_path: Path) -> None:
    headers, rows = _read(hostile.late_key_jsonl(tmp_path))
    assert headers[-1] == "late_remark"
    assert rows[-1][-1] == "最后才出现的列" and rows[0][-1] == ""


def test_control_characters_become_whitespace(tmp_path: Path) -> None:
    path = tmp_path / "vt.csv"
    path.write_text("县,您最需要哪些帮助\n金寨县,第一行\x0b第二行\x07响铃\n", encoding="utf-8")
    _, rows = _read(path)
    assert rows == [["金寨县", "第一行\n第二行 响铃"]]


def test_a_lone_surrogate_is_refused_naming_file_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps({"county": "金寨县", "needs_text": "坏\ud800字"}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"s\.jsonl 第 2 行“needs_text”列"):
        _read(path)
