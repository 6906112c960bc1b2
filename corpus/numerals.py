"""Chinese numerals as used in article numbers (第二十条, 第一千零七十九条)."""

from __future__ import annotations

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
CN_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS)


def cn_to_int(text: str) -> int:
    """Convert a Chinese numeral (or Arabic digits) to an int; raises ValueError on anything else."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            unit = _UNITS[ch]
            if unit == 10000:
                section = (section + (digit or 0)) * unit
                total += section
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
    return total + section + (digit or 0)


_SMALL = "零一二三四五六七八九"


def int_to_cn(n: int) -> str:
    """Render 20 → 二十, 1079 → 一千零七十九 (the form used in law citations)."""
    if n < 0:
        raise ValueError(n)
    if n < 10:
        return _SMALL[n]
    parts = []
    units = [(1000, "千"), (100, "百"), (10, "十")]
    zero = False
    rest = n
    started = False
    for value, name in units:
        d, rest = divmod(rest, value)
        if d:
            if zero:
                parts.append("零")
                zero = False
            if not (value == 10 and d == 1 and not started):
                parts.append(_SMALL[d])
            parts.append(name)
            started = True
        elif started:
            zero = True
    if rest:
        if zero:
            parts.append("零")
        parts.append(_SMALL[rest])
    return "".join(parts)
