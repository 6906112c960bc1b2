"""Personal numbers and handles in free text: phones, ID numbers, bank cards, QQ and WeChat ids, plates, e-mails.

Answers are typed on phones by respondents or by fieldworkers copying forms, so the same mobile arrives as
13812345678, 138-1234-5678, 1381 2345 678, +86 138…, full-width or in Chinese digits. Every run of digits is
therefore read with its separators removed and classified by its length and shape: a resident ID must pass the
GB 11643 checksum (or, 15 digits, carry a valid birth date), a bank card the Luhn check, a mobile starts with
13–19. Numbers whose shape says nothing (a 7-digit local landline, a QQ number, a WeChat id) are taken only
after a cue word (电话, 座机, QQ, 微信…), so amounts, dates, ages and hotlines (12338, 110) stay.

Detectors work on a copy of the text with full-width forms and Chinese digits mapped one character to one
character, so every span found applies unchanged to the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

ID_TOKEN = "〔身份证号〕"
CARD_TOKEN = "〔银行卡号〕"
MOBILE_TOKEN = "〔手机号〕"
PHONE_TOKEN = "〔电话〕"
EMAIL_TOKEN = "〔邮箱〕"
QQ_TOKEN = "〔QQ号〕"
WECHAT_TOKEN = "〔微信号〕"
PLATE_TOKEN = "〔车牌号〕"


@dataclass(frozen=True)
class Span:
    """A region of the text to replace: [start, end), the dataset kind and the token that replaces it."""

    start: int
    end: int
    kind: str
    token: str


# Full-width digits, letters and @+- → ASCII, one character for one, so offsets survive. Full-width punctuation
# （）：， stays: every pattern below accepts it, and translating a whole answer for it would cost more than all
# the patterns together.
_WIDE_ALNUM = re.compile("[０-９Ａ-Ｚａ-ｚ＠＋－]")
_WIDE_MAP = {
    cp: cp - 0xFEE0 for cp in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
}
_WIDE_MAP |= {ord("＠"): ord("@"), ord("＋"): ord("+"), ord("－"): ord("-")}
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九幺", "001234567891")
_CN_RUN = re.compile(r"[〇零一二三四五六七八九幺](?:[ \-]?[〇零一二三四五六七八九幺]){6,}")
# Five digits in a row (spaces or hyphens between them allowed): the least any personal number has.
_FIVE_DIGITS = re.compile(r"[0-9０-９](?:(?:\s?[-—–－]\s?|\s)?[0-9０-９]){4}")
# WeChat ids may be letters only: look for them where 微信/V信 (信), vx/wx (x), 加V or WeChat (h) occurs.
_WECHAT_HINT = re.compile("[信xXｘＸhH]|加[vVｖＶ]")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_HINT = re.compile(rf"[{_PROVINCES}] ?[A-Za-zＡ-Ｚａ-ｚ]")


_CN = "〇零一二三四五六七八九幺"
# 一 二 三 are among the commonest characters of any answer, so a number in Chinese digits is looked for only
# after a phone cue (电话一三九…) or from a 幺 (幺三八…), never from every 一.
GATE_LEAD = f"0-9０-９@＠信xXｘＸhH加qQｑＱ扣企幺话机码系式{_PROVINCES}"
GATE_COND = (
    r"(?<=[0-9０-９])(?:(?:\s?[-—–－]\s?|\s)?[0-9０-９]){6}|(?<=[@＠信xXｘＸhHqQｑＱ])|(?<=加)[vVｖＶ]|(?<=扣)扣|(?<=企)鹅"
    rf"|(?<=[{_PROVINCES}]) ?[A-Za-zＡ-Ｚａ-ｚ]|(?<=幺)(?:[ \-]?[{_CN}]){{6}}"
    rf"|(?:(?<=电话|手机|号码|联系|座机|固话)|(?<=联系方式))[^0-9{_CN}]{{0,4}}[{_CN}](?:[ \-]?[{_CN}]){{6}}"
)
# All of the above in one pattern that starts with one character class, so that the engine skips ahead in C
# (nlp/redact.py folds it into one pass with the address and name scanners).
_GATE = re.compile(f"[{GATE_LEAD}](?:{GATE_COND})")


def gate(text: str) -> bool:
    """Whether any detector below could find something: seven digits (a QQ number of five or six needs its cue,
    Q or 扣扣 or 企鹅), an "@", a WeChat cue, a province and a letter (a plate) or seven Chinese digits after a
    phone cue or from a 幺. Most answers ("俺家三个娃", "每月1800元", "编号（12345）") have none and skip every
    detector."""
    return _GATE.search(text) is not None


def working_copy(text: str) -> str:
    """The text as the detectors read it: full-width digits and letters as ASCII, runs of seven or more
    Chinese digits as digits (幺三八… → 138…)."""
    work = text.translate(_WIDE_MAP) if _WIDE_ALNUM.search(text) else text
    if _CN_RUN.search(work):
        work = _CN_RUN.sub(lambda m: m.group(0).translate(_CN_DIGITS), work)
    return work


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def valid_resident_id(number: str) -> bool:
    """GB 11643 checksum of an 18-character resident identity number."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == number[17].upper()


def valid_old_id(number: str) -> bool:
    """A 15-digit first-generation ID: region code, then a YYMMDD birth date that exists on a calendar."""
    if len(number) != 15 or not number.isdigit() or number[0] not in "12345678":
        return False
    month, day = int(number[8:10]), int(number[10:12])
    return 1 <= month <= 12 and 1 <= day <= 31


def luhn_ok(digits: str) -> bool:
    """The check digit of bank cards: 16–19 digits that fail it are an order number or a typo, not a card."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
PLATE = re.compile(
    rf"[{_PROVINCES}] ?[A-Za-z](?:[ ·・•\-]|\u00b7)?(?=[A-Za-z0-9]{{5,6}}(?![A-Za-z0-9]))"
    r"(?=(?:[A-Za-z]*\d){2})[A-Za-z0-9]{5,6}"
)
WECHAT = re.compile(
    r"(?:微信|薇信|威信|[vVwW][xX]|[vV]信|加[vV]|[wW]e[cC]hat|加我)(?:号码?|账号|id|ID)?"
    r"(?:吧|呀|啊|是|为|号是)?[\s:：（(]*(wxid_[A-Za-z0-9_\-]+|[A-Za-z][A-Za-z0-9_\-]{5,24})(?![A-Za-z0-9_\-])"
    # …or the id first and the word after it: weiqx666（微信）, hongyun88 是微信
    r"|(?<![A-Za-z0-9_\-])(wxid_[A-Za-z0-9_\-]+|[A-Za-z](?=[A-Za-z_\-]*\d)[A-Za-z0-9_\-]{5,24})\s*[（(]?(?:是我的)?(?:微信|vx|VX|wx|WX)"
)
_QQ_CUE = re.compile(
    r"(?:QQ|扣扣|企鹅|(?<![A-Za-z])[Qq](?=\s*(?:号|:|：)))(?:号码?|群)?(?:是|为)?[\s:：（(]*$", re.I
)
_PHONE_CUE_BEFORE = re.compile(
    r"(?:电话|座机|固话|手机|号码|联系方式|联系|拨打|拨|打|热线|传真|tel|Tel|TEL)[^\d]{0,6}$"
)
_PHONE_CUE_AFTER = re.compile(r"^[^\d]{0,6}(?:电话|座机|固话)")
_CARD_CUE = re.compile(r"(?:卡号|银行卡|卡|账号|帐号|账户|帐户|存折)[^\d]{0,6}$")
# A run of five or more digits (the shortest QQ number; ages, amounts and years are shorter and never get this
# far), possibly split by single spaces or hyphens, with a final X for ID numbers. Letters may touch it
# (sfz3415…, QQ7146…). The pattern begins with a digit so that the engine skips ahead in C; a +86, (+86) or
# bracketed area code before it is added afterwards (_PREFIX).
_RUN = re.compile(r"\d(?:(?:\s?[-—–]\s?|\s)?\d){4,}(?:\s?[Xx](?![A-Za-z]))?")
_PREFIX = re.compile(r"(?:[(（]\+?86[)）]|[(（]\s?0\d{2,3}\s?[)）]|\+)\s?$")
_SEP = re.compile(r"[^\dXx]")
MAX_NUMBER_CHARS = 40


def _classify(digits: str, before: str, after: str) -> tuple[str, str] | None:
    """(kind, token) of one run of digits, from its shape and the words around it; None for ordinary numbers."""
    n = len(digits)
    if n == 18 and valid_resident_id(digits):
        return "id_number", ID_TOKEN
    if not digits.isdigit():
        return None
    if n == 15 and valid_old_id(digits):
        return "id_number", ID_TOKEN
    if 16 <= n <= 19 and (luhn_ok(digits) or _CARD_CUE.search(before)):
        return "bank_card", CARD_TOKEN
    if n == 11 and digits[0] == "1" and digits[1] in "3456789":
        return "phone", MOBILE_TOKEN
    if n == 13 and digits.startswith("861") and digits[3] in "3456789":
        return "phone", MOBILE_TOKEN
    if 10 <= n <= 12 and digits[0] == "0" and digits[1] != "0":
        return "phone", PHONE_TOKEN
    if (
        7 <= n <= 8
        and digits[0] not in "01"
        and (_PHONE_CUE_BEFORE.search(before) or _PHONE_CUE_AFTER.search(after))
    ):
        return "phone", PHONE_TOKEN
    return None


def _split_points(run: str) -> list[int]:
    """Offsets in the run where a separator ends and a digit group starts (where a second number could begin)."""
    return [m.end() for m in re.finditer(r"(?:\s?[-—–]\s?|\s)(?=\d)", run)]


def _runs(work: str, taken: list[Span]) -> Iterator[tuple[int, int]]:
    for m in _RUN.finditer(work):
        start, end = m.span()
        prefix = _PREFIX.search(work, max(0, start - 9), start)
        if prefix:
            start = prefix.start()
        if _free(taken, start, end):
            yield start, end


def digit_spans(work: str, taken: list[Span]) -> list[Span]:
    """Every run of digits classified whole; a run that is not one number is tried from each group on, so
    "13344523733 15612345678" gives two phones and "电话 2 13812345678" one."""
    out: list[Span] = []
    for start, end in _runs(work, taken):
        groups = [start, *(start + q for q in _split_points(work[start:end]))]
        pos = start
        for g in groups:
            if g < pos:
                continue
            found = _longest(work, g, end)
            if found:
                out.append(found)
                pos = found.end
    return out


def _longest(work: str, start: int, end: int) -> Span | None:
    """The longest prefix of work[start:end] ending at a group boundary that is a personal number."""
    # No personal number is longer than this with its separators (a 19-digit card in groups of four is 23): looking
    # no further keeps a 20,000-character cell of "1 1 1 …" linear instead of cubic.
    cut = min(end, start + MAX_NUMBER_CHARS)
    run = work[start:cut]
    ends = [*([len(run)] if cut == end else []), *(p for p in reversed(_split_points(run)))]
    for stop in ends:
        piece = run[:stop].rstrip(" -—–")
        digits = _SEP.sub("", piece)
        qq = _QQ_CUE.search(work[max(0, start - 8) : start])
        if qq and 5 <= len(digits) <= 11 and digits.isdigit() and digits[0] != "0":
            return Span(start, start + len(piece), "qq", QQ_TOKEN)
        kind = _classify(
            digits, work[max(0, start - 10) : start], work[start + len(piece) : start + len(piece) + 8]
        )
        if kind:
            return Span(start, start + len(piece), *kind)
    return None


def _free(spans: list[Span], start: int, end: int) -> bool:
    return not any(s.start < end and start < s.end for s in spans)


class Taken:
    """Which characters of a text are already replaced. The overlap test costs the length of the span asked about,
    not the number of spans kept: a 20,000-character cell of "路1号路1号…" yields thousands of spans, and testing
    each against all the others was quadratic."""

    def __init__(self, length: int, spans: list[Span] | None = None) -> None:
        self.mask = bytearray(length + 1)
        for span in spans or ():
            self.add(span)

    def free(self, start: int, end: int) -> bool:
        return self.mask.find(1, start, end) == -1

    def add(self, span: Span) -> None:
        self.mask[span.start : span.end] = b"\x01" * (span.end - span.start)


def keep_free(text: str, candidates: list[Span], taken: list[Span] | None = None) -> list[Span]:
    """The candidates, in the order given, that overlap neither ``taken`` nor one kept before them."""
    occupied = Taken(len(text), taken)
    out = []
    for span in candidates:
        if occupied.free(span.start, span.end):
            out.append(span)
            occupied.add(span)
    return out


def number_spans(text: str) -> list[Span]:
    """E-mails, WeChat ids, plates and personal numbers in ``text`` (already known to pass :func:`gate`)."""
    work = working_copy(text)
    spans = (
        [Span(m.start(), m.end(), "email", EMAIL_TOKEN) for m in EMAIL.finditer(work)] if "@" in work else []
    )
    if _WECHAT_HINT.search(work):
        spans += [
            Span(*m.span(m.lastindex or 1), "wechat", WECHAT_TOKEN)
            for m in WECHAT.finditer(work)
            if _wechat_ok(work, m, spans)
        ]
    if _PLATE_HINT.search(work):
        spans += [
            Span(*m.span(), "plate", PLATE_TOKEN) for m in PLATE.finditer(work) if _free(spans, *m.span())
        ]
    if _FIVE_DIGITS.search(work):
        spans += digit_spans(work, spans)
    return spans


def _wechat_ok(work: str, m: re.Match[str], spans: list[Span]) -> bool:
    """Not inside an e-mail, and vx/wx not the end of a longer word of letters."""
    before = work[m.start() - 1 : m.start()]
    return _free(spans, *m.span(m.lastindex or 1)) and not (before.isascii() and before.isalpha())
