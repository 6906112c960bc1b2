"""A yes/no test of a long alternation that the regular-expression engine can skip through.

Why: Python's engine skips ahead quickly only when a pattern begins with a literal or a character class. A long
alternation of phrases (nlp/risk_rules.py) begins with neither, so the engine tries every alternative at every
character of every answer: about 50 µs an answer, most of the cost of risk detection. The same test written as
"a character that can begin a match, where the whole pattern matches" (``[F](?<=(?=P)[\\s\\S])``) lets the engine
jump from one such character to the next and try the alternation only there.

The set F is read from the pattern's own parse tree, so it is exact; where it cannot be read (a negated class, a
dot, a back-reference at the start) the pattern is used as it is.
"""

from __future__ import annotations

import re
from typing import Any

try:  # the parser's module is private and has moved between versions; without it the gate is the plain pattern
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover
    _p = _c = None  # type: ignore[assignment]

_LARGE_RANGE = 4096


def gate(pattern: str) -> re.Pattern[str]:
    """A pattern whose ``search`` finds something exactly when ``pattern``'s does (the match itself differs)."""
    first = first_chars(pattern)
    if not first:
        return re.compile(pattern)
    chars = "".join(re.escape(ch) for ch in sorted(first))
    return re.compile(f"[{chars}](?<=(?=(?:{pattern}))[\\s\\S])")


def first_chars(pattern: str) -> frozenset[str] | None:
    """Every character a match of ``pattern`` can begin with, or None when that is not known (or it may be empty)."""
    if _p is None:
        return None
    try:
        found, nullable = _sequence(list(_p.parse(pattern)))
    except _Unknown:
        return None
    return None if nullable else frozenset(found)


class _Unknown(Exception):
    """A construct whose first characters are not read here."""


def _sequence(items: list[Any]) -> tuple[set[str], bool]:
    found: set[str] = set()
    for op, arg in items:
        chars, nullable = _item(op, arg)
        found |= chars
        if not nullable:
            return found, False
    return found, True


def _item(op: Any, arg: Any) -> tuple[set[str], bool]:
    if op is _c.LITERAL:
        return {chr(arg)}, False
    if op is _c.IN:
        return _class(arg), False
    if op is _c.BRANCH:
        found: set[str] = set()
        nullable = False
        for alternative in arg[1]:
            chars, empty = _sequence(list(alternative))
            found |= chars
            nullable = nullable or empty
        return found, nullable
    if op is _c.SUBPATTERN:
        return _sequence(list(arg[-1]))
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) or op is getattr(_c, "POSSESSIVE_REPEAT", None):
        chars, empty = _sequence(list(arg[2]))
        return chars, empty or arg[0] == 0
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _sequence(list(arg))
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return set(), True  # zero width: the next item begins the match
    raise _Unknown(op)


def _class(items: list[Any]) -> set[str]:
    out: set[str] = set()
    for op, arg in items:
        if op is _c.LITERAL:
            out.add(chr(arg))
        elif op is _c.RANGE and arg[1] - arg[0] < _LARGE_RANGE:
            out.update(chr(c) for c in range(arg[0], arg[1] + 1))
        else:
            raise _Unknown(op)  # a negated class, a category (\d, \s), a very large range
    return out


def by_first_character(alternatives: list[str]) -> str:
    """The alternatives as one alternation in which those that begin with the same plain character share it
    (``打(?:我|俺|…)|家(?:暴|庭暴力)|…``): at each position the engine tests one character per group instead of
    one per alternative. For a yes/no test only: the same texts match, the order of alternatives is not kept."""
    groups: dict[str, list[str]] = {}
    rest: list[str] = []
    for alternative in alternatives:
        for part in top_level(alternative):
            head = part[:1]
            if head and "\u4e00" <= head <= "\u9fff" and part[1:2] not in ("?", "*", "+", "{"):
                groups.setdefault(head, []).append(part[1:])
            else:
                rest.append(part)
    out = [
        f"{re.escape(head)}(?:{'|'.join(sorted(set(tails), key=len, reverse=True))})"
        for head, tails in sorted(groups.items())
    ]
    return "|".join(out + [f"(?:{p})" for p in rest])


def top_level(pattern: str) -> list[str]:
    """``pattern`` split at its top-level ``|`` (outside groups and character classes)."""
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]" or pattern[i + 1 : i + 3] == "^]":
                i += 2 if pattern[i + 1] == "]" else 3  # a leading ] belongs to the class
                continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts
