"""Finding and redacting personal identifiers in free text before anything analyses, summarises or quotes it.

Responses describe vulnerable women (violence, disability, debts); a name, an address or a phone number in a
quote could identify one. Three detectors each propose regions of the text, most specific first, and a later one
never takes a region an earlier one took: numbers and handles (nlp/redact_numbers.py: shape-validated, so amounts
and dates stay), household addresses (nlp/redact_places.py), names (nlp/redact_names.py). Each region becomes
one token per kind (〔姓名〕, 〔住址〕, 〔手机号〕…) and ``Redacted.counts`` counts them by the kinds of the labelled
data (name, address, phone, id_number, bank_card, qq, wechat, plate, email).

This runs on every imported row and every tagged text, so the text is read once by one regular expression
(:func:`_scanner`) that fails fast: it reports whether a number detector has anything to do (seven digits, an "@",
a WeChat, QQ or plate cue), whether an address could end somewhere (…村3组, …路12号, …小区5栋), and the few
positions where a surname has a cue around it; only those are looked at in Python. On this host that costs about
8 µs per answer of needs_train.jsonl and 15 µs per 70-character text of bench/bench_tagging.py (1–6 µs before
names and addresses were looked for): measured 5–9 % of the CSV import and 2–5 % of tagging. The name signals
without a cue word (a given-name character table, lists, given names alone) added about 28 % to redaction alone
(bench/README.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from nlp import redact_numbers as numbers
from nlp import redact_places as places
from nlp.redact_names import NAME_TOKEN, name_spans, scanner_parts
from nlp.redact_numbers import (
    CARD_TOKEN,
    EMAIL_TOKEN,
    ID_TOKEN,
    MOBILE_TOKEN,
    PHONE_TOKEN,
    PLATE_TOKEN,
    QQ_TOKEN,
    WECHAT_TOKEN,
    Span,
    luhn_ok,
    valid_resident_id,
)
from nlp.redact_places import ADDRESS_TOKEN

KINDS = ("name", "address", "phone", "id_number", "bank_card", "qq", "wechat", "plate", "email")
TOKENS = (
    NAME_TOKEN,
    ADDRESS_TOKEN,
    MOBILE_TOKEN,
    PHONE_TOKEN,
    ID_TOKEN,
    CARD_TOKEN,
    QQ_TOKEN,
    WECHAT_TOKEN,
    PLATE_TOKEN,
    EMAIL_TOKEN,
)

__all__ = [
    "KINDS",
    "TOKENS",
    "Redacted",
    "Span",
    "find_spans",
    "luhn_ok",
    "redact",
    "redact_value",
    "valid_resident_id",
    "ADDRESS_TOKEN",
    "CARD_TOKEN",
    "EMAIL_TOKEN",
    "ID_TOKEN",
    "MOBILE_TOKEN",
    "NAME_TOKEN",
    "PHONE_TOKEN",
    "PLATE_TOKEN",
    "QQ_TOKEN",
    "WECHAT_TOKEN",
]


class StoredRedacted(str):
    """An answer's text as stored after :func:`redact` (``responses.text_redacted``): a tagger takes it as it is
    instead of redacting it a second time (about 15 µs an answer, a tenth of tagging). Only code that reads the
    stored redacted text may wrap a string in it."""

    __slots__ = ()


@dataclass
class Redacted:
    text: str
    counts: dict[str, int] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)  # the replaced regions, as offsets into the original text

    @property
    def found(self) -> bool:
        """Whether anything was replaced."""
        return bool(self.counts)


def _by_start(s: Span) -> int:
    return s.start


def _longest_first(s: Span) -> int:
    return s.start - s.end


def _numbers(text: str) -> list[Span]:
    """Numbers and handles, without overlaps: where two cover one stretch the longer wins."""
    return numbers.keep_free(text, sorted(numbers.number_spans(text), key=_longest_first))


@lru_cache(maxsize=1)
def _scanner() -> re.Pattern[str]:
    """The number gate, the address gate and the name scanner in one pass over the text (one leading character
    class, each part behind a lookbehind on its own characters): an answer is read once, not three times."""
    name_lead, name_cond = scanner_parts()
    num, addr = (numbers.GATE_LEAD, numbers.GATE_COND), (places.GATE_LEAD, places.GATE_COND)
    lead = "".join(
        sorted(
            set(num[0].replace("0-9", "0123456789").replace("０-９", "０１２３４５６７８９"))
            | set(addr[0])
            | set(name_lead)
        )
    )
    return re.compile(
        f"[{lead}](?:(?<=[{num[0]}])(?=(?:{num[1]}))(?P<number>)|(?<=[{addr[0]}])(?=(?:{addr[1]}))(?P<address>)"
        f"|(?<=[{name_lead}])(?:{name_cond}))"
    )


def find_spans(text: str) -> list[Span]:
    """The regions to replace, in text order and without overlaps (a later detector skips taken regions)."""
    has_number = has_address = False
    names: list[re.Match[str]] = []
    for m in _scanner().finditer(text):
        kind = m.lastgroup
        if kind == "number":
            has_number = True
        elif kind == "address":
            has_address = True
        else:
            names.append(m)
    spans = _numbers(text) if has_number else []
    if has_address:
        spans += places.address_spans(text, spans)
    spans += name_spans(text, spans, names)
    if len(spans) > 1:
        spans.sort(key=_by_start)
    return spans


def redact(text: str | None) -> Redacted:
    """Replace names, addresses and personal numbers with tokens; ``counts`` says how many of each kind."""
    if not text:
        return Redacted(text or "")
    spans = find_spans(text)
    if not spans:
        return Redacted(text)
    parts, counts, pos = [], {}, 0
    for s in spans:
        parts += [text[pos : s.start], s.token]
        counts[s.kind] = counts.get(s.kind, 0) + 1
        pos = s.end
    parts.append(text[pos:])
    return Redacted("".join(parts), counts, spans)


def redact_value(value: object) -> object:
    """Redact every string inside a JSON-like value (answers shown to people who may not see raw data)."""
    if isinstance(value, str):
        return redact(value).text
    if isinstance(value, list):
        return [redact_value(v) for v in value]
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}
    return value
