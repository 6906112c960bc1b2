"""Finding and redacting personal numbers in free text before anything analyses, summarises or quotes it.

Responses describe vulnerable women; an ID or phone number in a quote could identify one. ID numbers are
checksum-validated and bank cards Luhn-validated so that ordinary numbers (amounts, dates) are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ID_TOKEN = "〔身份证号〕"
CARD_TOKEN = "〔银行卡号〕"
MOBILE_TOKEN = "〔手机号〕"
PHONE_TOKEN = "〔电话〕"
EMAIL_TOKEN = "〔邮箱〕"

_ID18 = re.compile(
    r"(?<![0-9A-Za-z])([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx])(?![0-9A-Za-z])"
)
_CARD = re.compile(r"(?<!\d)((?:\d[ -]?){15,18}\d)(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?(1[3-9]\d(?:[ -]?\d{4}){2})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[ -]?)\d{7,8}(?:[-转]\d{1,5})?(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_MAYBE_PERSONAL = re.compile(r"[0-9０-９@＠]")
# Every pattern below needs an "@" or a run of at least seven digits (single spaces or hyphens allowed between
# them); most answers with a number ("3个孩子", "2019年") have neither and skip the five substitutions.
_CANDIDATE = re.compile(r"@|\d(?:[ -]?\d){6}")
_FULLWIDTH = re.compile(r"[０-９＠]")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９ＸＸｘ－＋＠", "0123456789XXx-+@")

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def valid_resident_id(number: str) -> bool:
    """GB 11643 checksum of an 18-character resident identity number."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == number[17].upper()


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


@dataclass
class Redacted:
    text: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return bool(self.counts)


def redact(text: str | None) -> Redacted:
    """Replace ID, bank card, mobile, landline numbers and e-mail addresses; counts say what was found."""
    if not text:
        return Redacted(text or "")
    if _MAYBE_PERSONAL.search(text) is None:
        return Redacted(text)
    counts: dict[str, int] = {}
    work = text.translate(_FULLWIDTH_DIGITS) if _FULLWIDTH.search(text) else text
    if _CANDIDATE.search(work) is None:
        return Redacted(text)

    def _count(kind: str) -> None:
        counts[kind] = counts.get(kind, 0) + 1

    def _id(m: re.Match[str]) -> str:
        if valid_resident_id(m.group(1)):
            _count("id_number")
            return ID_TOKEN
        return m.group(0)

    def _card(m: re.Match[str]) -> str:
        digits = re.sub(r"[ -]", "", m.group(1))
        if 16 <= len(digits) <= 19 and luhn_ok(digits):
            _count("bank_card")
            return CARD_TOKEN
        return m.group(0)

    def _mobile(m: re.Match[str]) -> str:
        _count("mobile")
        return MOBILE_TOKEN

    def _landline(m: re.Match[str]) -> str:
        _count("landline")
        return PHONE_TOKEN

    def _email(m: re.Match[str]) -> str:
        _count("email")
        return EMAIL_TOKEN

    work = _EMAIL.sub(_email, work)
    work = _ID18.sub(_id, work)
    work = _CARD.sub(_card, work)
    work = _MOBILE.sub(_mobile, work)
    work = _LANDLINE.sub(_landline, work)
    return Redacted(work if counts else text, counts)


def redact_value(value: object) -> object:
    """Redact every string inside a JSON-like value (answers shown to people who may not see raw data)."""
    if isinstance(value, str):
        return redact(value).text
    if isinstance(value, list):
        return [redact_value(v) for v in value]
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}
    return value
