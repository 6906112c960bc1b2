"""The skipping yes/no tests of nlp/regex_gate.py find something exactly where the plain pattern does."""

from __future__ import annotations

import random
import re

import pytest

from nlp.regex_gate import by_first_character, first_chars, gate, top_level
from nlp.risk import FIGURATIVE_RE, any_phrase, figurative_gate
from nlp.risk_rules import FIGURATIVE, PHRASES

PATTERNS = [
    r"(?<!不)打(?:了)?(?:我|俺)|被[^，]{0,3}打|家暴",
    r"(?:没|无)(?:饭|米)|断(?:粮|顿)|一[瓶把]?农药",
    r"[打揍]人|动手(?:打)?|(?:还|又)打(?![架闹])",
]
ALPHABET = "打了我俺被不家暴没无饭米断粮顿一瓶把农药揍人动手还又架闹，。的是在"


def _texts(n: int = 4000) -> list[str]:
    rng = random.Random(4)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 14))) for _ in range(n)]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_the_gate_finds_what_the_pattern_finds(pattern: str) -> None:
    plain, fast = re.compile(pattern), gate(pattern)
    assert fast.pattern != pattern  # the skipping form was built
    for t in _texts():
        assert bool(fast.search(t)) == bool(plain.search(t)), t


def test_grouping_by_first_character_keeps_every_alternative() -> None:
    plain = re.compile("|".join(f"(?:{p})" for p in PATTERNS))
    grouped = re.compile(by_first_character(PATTERNS))
    for t in _texts():
        assert bool(grouped.search(t)) == bool(plain.search(t)), t


def test_first_characters_are_read_from_the_parse_tree() -> None:
    assert first_chars(r"(?<!x)ab|[cd]e?|(?:f|g)*h") == frozenset("acdfgh")
    assert first_chars(r"[^a]b") is None  # a negated class may begin with anything
    assert first_chars(r"a?") is None  # may match the empty string
    assert gate(r"\d+").pattern == r"\d+"  # unknown: the pattern as it is


def test_top_level_split_ignores_bars_inside_groups_and_classes() -> None:
    assert top_level(r"a(?:b|c)|[|]d|e") == ["a(?:b|c)", "[|]d", "e"]


def test_the_risk_gates_agree_with_the_phrases_on_the_bundled_answers() -> None:
    from nlp.normalize import normalize_many
    from nlp.risk_model import bundled

    phrases = re.compile("|".join(f"(?:{p})" for kind in PHRASES.values() for p in kind))
    lines = bundled("risk_train.jsonl").read_text(encoding="utf-8").splitlines()
    texts = normalize_many([re.search(r'"text": "([^"]*)"', line).group(1) for line in lines])  # type: ignore[union-attr]
    assert sum(bool(phrases.search(t)) for t in texts) > 100
    for t in texts:
        assert bool(any_phrase().search(t)) == bool(phrases.search(t)), t
        assert bool(figurative_gate().search(t)) == bool(FIGURATIVE_RE.search(t)), t
    assert FIGURATIVE_RE.pattern == FIGURATIVE
