"""Text that every writer can take: control characters become whitespace, lone surrogates are refused.

An answer holding ``\\x0b`` (Word's manual line break, which survives into CSV and Excel exports) or a NUL was
stored as it came, and from then on every DOCX and XLSX report of its survey failed, because XML cannot hold
those characters; on PostgreSQL a NUL fails the whole transaction it is in. So text is made safe once, where it
enters (import, single submission, filters, corpus documents), rather than in each writer: vertical tab, form
feed and the line/paragraph separators become a newline, every other C0/C1 control character and DEL a space;
newline and tab stay. A lone surrogate cannot be encoded at all and is not a character anyone typed: it is
refused with the field it came from, never silently replaced.
"""

from __future__ import annotations

import re

from fuqing.errors import InputError

_NEEDS_WORK = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_TO_NEWLINE = re.compile("[\x0b\x0c\u2028\u2029]")
_TO_SPACE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(value: str, where: str = "") -> str:
    """``value`` with control characters replaced (see the module docstring); ``where`` names the field for the
    error a lone surrogate raises (e.g. "文件 a.csv 第 3 行“需求”列")."""
    if not _NEEDS_WORK.search(value):
        return value
    if _SURROGATE.search(value):
        raise InputError(
            f"{where or '输入'}含有无法识别的字符（不成对的代理码位），未保存。",
            hint="请删去该处的乱码或特殊符号后重新提交；从其他软件复制的文字可先粘贴到记事本再复制。",
        )
    value = value.replace("\r\n", "\n")
    return _TO_SPACE.sub(" ", _TO_NEWLINE.sub("\n", value))


def needs_cleaning(joined: str) -> bool:
    """Whether any character of ``joined`` (e.g. a whole row joined by tabs) would change: the fast path that
    lets a 100,000-row import look at each row once instead of at each cell."""
    return _NEEDS_WORK.search(joined) is not None


def clean_value(value: object, where: str = "") -> object:
    """:func:`clean_text` applied to every string of a JSON-like value (filters, submitted answers)."""
    if isinstance(value, str):
        return clean_text(value, where)
    if isinstance(value, list):
        return [clean_value(v, where) for v in value]
    if isinstance(value, dict):
        return {clean_text(str(k), where): clean_value(v, where) for k, v in value.items()}
    return value
