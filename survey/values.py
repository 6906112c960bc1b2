"""Parsing single cell values: dates, durations, ages, marital status and 问卷星 answer notation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from fuqing.timeutil import CST

SKIPPED = "(跳过)"
EMPTY_MARKERS = {"(空)", "（空）", "(空白)", "-", "—", "N/A", "n/a", "NA", "null", "None"}
SKIP_MARKERS = {"(跳过)", "（跳过）"}
_FILL_IN = re.compile(r"^(.*?)〖(.*)〗$", re.S)
_FAST_DATE = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_DATE_FORMATS = [
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y.%m.%d",
    "%Y年%m月%d日",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y%m%d",
]


class ValueProblem(ValueError):
    """A cell value that cannot be used; the message is shown to the user with the row and column."""


def is_skipped(cell: str) -> bool:
    return cell.strip() in SKIP_MARKERS


def is_empty(cell: str) -> bool:
    c = cell.strip()
    return not c or c in EMPTY_MARKERS


_MAX_FIELD = 64  # the longest date, age or duration a survey export writes, with room to spare


def parse_datetime(cell: str) -> datetime | None:
    """Times without a zone are China Standard Time; stored as UTC."""
    c = cell.strip()
    if not c:
        return None
    if len(c) > _MAX_FIELD:  # no date is this long; the patterns below need not see a 20,000-character cell
        raise ValueProblem(f"日期“{_shown(c, 40)}…”过长，无法识别")
    dt: datetime | None = None
    if m := _FAST_DATE.fullmatch(c):  # the common 问卷星/ISO shapes without strptime's overhead
        y, mo, d, hh, mm, ss = map(int, m.groups("0"))  # a time left out is midnight
        try:
            dt = datetime(y, mo, d, hh, mm, ss)
        except ValueError:
            raise ValueProblem(f"日期“{_shown(c, 40)}”不存在（月或日超出范围）") from None
    if dt is None and re.fullmatch(r"\d{5}(\.\d+)?", c):  # an Excel serial date that lost its format
        dt = datetime(1899, 12, 30) + timedelta(days=float(c))
    if dt is None:
        try:
            dt = datetime.fromisoformat(c.replace("Z", "+00:00"))
        except ValueError:
            dt = None
    if dt is None:
        for fmt in _DATE_FORMATS:
            try:
                dt = datetime.strptime(c, fmt)
                break
            except ValueError:
                continue
    if dt is None:
        raise ValueProblem(f"日期“{_shown(c, 40)}”无法识别（应类似 2024-05-01 或 2024/5/1 10:15:02）")
    if not 1990 <= dt.year <= 2100:
        raise ValueProblem(f"日期“{_shown(c, 40)}”的年份不合理")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=CST)
    return dt.astimezone(UTC)


def parse_duration(cell: str) -> float | None:
    c = cell.strip()
    if not c:
        return None
    if len(c) > _MAX_FIELD:
        raise ValueProblem(f"答题用时“{_shown(c, 20)}…”过长，无法识别")
    m = re.fullmatch(r"(?:(\d+)\s*分钟?)?\s*(?:(\d+(?:\.\d+)?)\s*秒)?", c)
    if m and (m.group(1) or m.group(2)):
        return float(m.group(1) or 0) * 60 + float(m.group(2) or 0)
    if re.fullmatch(r"\d+(\.\d+)?", c):
        return float(c)
    if m := re.fullmatch(r"(\d+):(\d{1,2})(?::(\d{1,2}))?", c):
        parts = [int(p) for p in m.groups() if p is not None]
        return (
            float(parts[0] * 3600 + parts[1] * 60 + parts[2])
            if len(parts) == 3
            else float(parts[0] * 60 + parts[1])
        )
    raise ValueProblem(f"答题用时“{_shown(c, 20)}”无法识别（应类似 123秒）")


_AGE = re.compile(r"(\d{1,3})\s*岁?\s*(以上|及以上|以下|及以下)?")
_AGE_RANGE = re.compile(r"(\d{1,3})\s*岁?\s*[~\-－—至到]\s*(\d{1,3})\s*岁?")
_BIRTH_YEAR = re.compile(r"(19\d{2}|20\d{2})\s*年?")


def parse_age(cell: str, *, today_year: int | None = None) -> int | None:
    c = cell.strip().replace("周岁", "岁")
    if not c:
        return None
    if len(c) > _MAX_FIELD:
        raise ValueProblem(f"年龄“{_shown(c, 20)}…”过长，无法识别")
    if m := _AGE.fullmatch(c):
        age = int(m.group(1))
    elif m := _AGE_RANGE.fullmatch(c):
        age = (int(m.group(1)) + int(m.group(2))) // 2
    elif m := _BIRTH_YEAR.fullmatch(c):  # only a birth year needs today's date
        age = (today_year or datetime.now(CST).year) - int(m.group(1))
    else:
        raise ValueProblem(f"年龄“{_shown(c, 20)}”无法识别（应为数字，如 38 或 30~34岁）")
    if not 10 <= age <= 110:
        raise ValueProblem(f"年龄 {age} 不合理（应在 10 到 110 之间）")
    return age


def age_band(age: int | None) -> str | None:
    if age is None:
        return None
    if age < 30:
        return "<30"
    if age >= 60:
        return "60+"
    lo = age // 10 * 10
    return f"{lo}-{lo + 9}"


_MARITAL = [
    (r"未婚|单身(?!母亲)|没结婚", "未婚"),
    (r"离异|离婚|离了", "离异"),
    (r"丧偶|寡|守寡|去世", "丧偶"),
    (r"分居", "分居"),
    (r"再婚", "已婚"),
    (r"已婚|在婚|有配偶|结婚", "已婚"),
]


_MARITAL_RE = [(re.compile(p), v) for p, v in _MARITAL]


def normalize_marital(cell: str) -> str | None:
    c = cell.strip()
    if not c:
        return None
    for pattern, value in _MARITAL_RE:
        if pattern.search(c):
            return value
    return c[:20]


_SPECIAL = re.compile(r"[┋→〖]")


def parse_answer(cell: str) -> Any:
    """问卷星 notation: ┋ multi-select, → ranking, 选项〖附加文本〗 fill-ins; None for empty, SKIPPED for skipped."""
    c = cell.strip()
    if not c or c in EMPTY_MARKERS:
        return None
    if c in SKIP_MARKERS:
        return SKIPPED
    if _SPECIAL.search(c) is None:
        return c
    if "┋" in c:
        return [_fill_in(p) for p in c.split("┋") if p.strip()]
    if "→" in c and len(c) < 500:
        return [_fill_in(p) for p in c.split("→") if p.strip()]
    return _fill_in(c)


def _fill_in(part: str) -> Any:
    part = part.strip()
    if m := _FILL_IN.match(part):
        return {"option": m.group(1).strip(), "text": m.group(2).strip()}
    return part


def answer_text(value: Any) -> str:
    """The free text inside an answer (a fill-in's text, or the answer itself)."""
    if value is None or value == SKIPPED:
        return ""
    if isinstance(value, dict):
        return str(value.get("text") or value.get("option") or "")
    if isinstance(value, list):
        return "；".join(answer_text(v) for v in value if answer_text(v))
    return str(value)


def _shown(value: str, limit: int) -> str:
    """A cell echoed in an error message (stored with the upload, shown to staff): short, and redacted, since a
    name or a phone number sometimes lands in the wrong column."""
    from nlp.redact import redact

    return redact(value[:limit]).text
