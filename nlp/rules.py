"""The transparent rule layer: phrases that add or veto labels, with negation and contrast handled.

A rule hit carries the phrase that matched, so a reviewer can see exactly why a label was added or removed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from nlp.batchmatch import JoinedTexts
from nlp.normalize import normalize_for_features
from nlp.taxonomy import taxonomy

# A negator shortly before a phrase ("不需要培训", "没打算…"), or a dismissal right after it ("培训就算了").
_NEG_BEFORE = re.compile(r"(不|没|别|无需|不用|不想|不要|不缺|用不着|谈不上|不算)[^。，,；;！!？?]{0,3}$")
_NEG_AFTER = re.compile(r"^[^。，,；;]{0,2}(就算了|算了|不需要|不用了|不要紧|没必要|倒不缺|倒还好|还好)")


@dataclass(frozen=True)
class RuleHit:
    label: str
    action: str  # add | veto
    phrase: str

    def explanation(self) -> str:
        return ("规则命中：" if self.action == "add" else "规则否决：") + self.phrase


@dataclass(frozen=True)
class Rule:
    label: str
    action: str
    pattern: re.Pattern[str]


@lru_cache(maxsize=1)
def load_rules() -> tuple[Rule, ...]:
    data = (
        yaml.safe_load(resources.files("nlp").joinpath("data", "rules.yaml").read_text(encoding="utf-8"))
        or {}
    )
    known = set(taxonomy().ids)
    rules = []
    for label, spec in data.items():
        if label not in known:
            raise ValueError(f"rules.yaml names an unknown label {label!r}")
        for action in ("add", "veto"):
            for phrase in (spec or {}).get(action, []) or []:
                rules.append(Rule(label, action, re.compile(phrase)))
    return tuple(rules)


def _negated(text: str, start: int, end: int) -> bool:
    return bool(_NEG_BEFORE.search(text[max(0, start - 6) : start]) or _NEG_AFTER.search(text[end : end + 8]))


def apply_rules(
    text: str, *, normalized: str | None = None, rules: Sequence[Rule] | None = None
) -> list[RuleHit]:
    """All rule hits in a text; a negated `add` phrase does not count."""
    norm = normalized if normalized is not None else normalize_for_features(text)
    hits: list[RuleHit] = []
    for rule in load_rules() if rules is None else rules:
        for m in rule.pattern.finditer(norm):
            phrase = m.group(0)
            if rule.action == "add" and _negated(norm, m.start(), m.end()):
                continue  # "不需要培训" is no evidence for training; only explicit veto phrases remove labels
            hits.append(RuleHit(rule.label, rule.action, phrase))
            break
    return hits


def apply_rules_many(normalized: Sequence[str]) -> list[list[RuleHit]]:
    """``apply_rules`` for a batch of normalised texts: each pattern is searched once over the whole batch, and
    only the texts it may match are checked one by one (same hits, in the same order)."""
    rules = load_rules()
    if len(normalized) < 8:
        return [apply_rules(t, normalized=t) for t in normalized]
    joined = JoinedTexts(normalized)
    per_text: dict[int, list[Rule]] = {}
    for rule in rules:  # in rule order, so each text's candidate rules keep the order of rules.yaml
        for i in joined.candidates(rule.pattern):
            per_text.setdefault(i, []).append(rule)
    out: list[list[RuleHit]] = [[] for _ in normalized]
    for i, candidates in per_text.items():
        out[i] = apply_rules(normalized[i], normalized=normalized[i], rules=candidates)
    return out
