"""Risk detection: which answers disclose violence, despair, an unsafe child or acute hardship, so that each one
reaches a person (survey/cases.py opens a follow-up case for every flagged answer).

Why two layers: the phrase layer (nlp/risk_rules.py) flags what names the act, however rare its wording in the
training data; the model (character n-grams, one logistic regression per kind) flags indirect and dialect
phrasing the phrases miss. A kind is flagged when either says so. Both are tuned for recall: the model's threshold
per kind is the highest one that keeps cross-validated recall on the training set at or above ``TARGET_RECALL``.
This supports a person's judgement, never replaces it: a flag opens a case, a person decides.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from fuqing.errors import InputError
from fuqing.jsonl import read_jsonl
from nlp.regex_gate import by_first_character, gate
from nlp.risk_rules import CONTEXT_GUARD, DENIAL, FIGURATIVE, URGENT_CUES, compile_phrases

RISK_KINDS = ("violence", "self_harm", "child_safety", "acute_hardship")
KIND_NAMES = {
    "violence": "暴力侵害",
    "self_harm": "轻生自伤",
    "child_safety": "儿童安全",
    "acute_hardship": "急难困境",
}
URGENCIES = ("urgent", "soon")  # most pressing first
URGENCY_NAMES = {"urgent": "紧急", "soon": "尽快"}
TARGET_RECALL = 0.97
FIGURATIVE_RE = re.compile(FIGURATIVE)
# Death at another's hands: the words of despair (死) that belong to violence.
THREAT_TO_LIFE = re.compile(
    r"被[^，。！？]{0,3}(?:打|弄|砍|掐|勒)死|(?:打|弄|砍|掐|杀)死(?:我|俺)|杀了(?:我|俺)"
)
_URGENT = {kind: re.compile(p) for kind, p in URGENT_CUES.items()}
_GUARD = {kind: re.compile(p) for kind, p in CONTEXT_GUARD.items()}


@dataclass(frozen=True, slots=True)
class RiskFlag:
    kind: str
    score: float
    source: str  # rule | model | rule+model
    evidence: str = ""  # the phrase that matched (rules only); shown to case readers, never sent anywhere


@dataclass(slots=True)
class RiskAssessment:
    flags: list[RiskFlag] = field(default_factory=list)
    urgency: str | None = None

    @property
    def kinds(self) -> list[str]:
        return [f.kind for f in self.flags]

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


class RiskDetector(ABC):
    version: str = "abstract"

    @abstractmethod
    def assess(self, texts: Sequence[str]) -> list[RiskAssessment]:
        """One assessment per text, in order (an empty one for an ordinary answer)."""


@dataclass
class RiskRow:
    id: str
    text: str
    risk: list[str]


def read_risk_rows(path: Path) -> list[RiskRow]:
    """Risk-labelled answers (shared/spec/formats.md); an unknown kind names its line and id."""
    rows: list[RiskRow] = []
    for n, obj in read_jsonl(Path(path)):
        text, risk = obj.get("text"), obj.get("risk")
        if not isinstance(text, str) or not isinstance(risk, list):
            raise InputError(
                f"{Path(path).name} 第 {n} 行缺少 text 或 risk。",
                hint='每行的格式：{"id": "k1", "text": "……", "risk": []}，risk 为空表示普通回答。',
            )
        unknown = [k for k in risk if k not in RISK_KINDS]
        if unknown:
            raise InputError(
                f"{Path(path).name} 第 {n} 行的 risk 含未知类别 {unknown[0]!r}。",
                hint="risk 只能取 " + "、".join(f"{k}（{KIND_NAMES[k]}）" for k in RISK_KINDS) + "。",
            )
        rows.append(RiskRow(str(obj.get("id", n)), text, list(dict.fromkeys(risk))))
    return rows


def phrase_hits(text: str) -> dict[str, str]:
    """Kind → the first phrase that names it, after everyday uses are blanked and denied phrases dropped."""
    if not any_phrase().search(text):
        return {}  # blanking only removes text: no phrase before it, none after (most answers end here)
    blanked = FIGURATIVE_RE.sub(lambda m: "□" * len(m.group()), text)
    hits: dict[str, str] = {}
    for kind, pattern in _phrases().items():
        guard = _GUARD.get(kind)
        if guard is not None and guard.search(blanked):
            continue
        for m in pattern.finditer(blanked):
            if not DENIAL.search(blanked[max(0, m.start() - 8) : m.start()]):
                hits[kind] = m.group()
                break
    return hits


@lru_cache(maxsize=1)
def _phrases() -> dict[str, re.Pattern[str]]:
    return compile_phrases()


@lru_cache(maxsize=1)
def any_phrase() -> re.Pattern[str]:
    """Whether any phrase of any kind is in the text, as a test the engine skips through (nlp/regex_gate.py)."""
    return gate(by_first_character([p.pattern for p in _phrases().values()]))


@lru_cache(maxsize=1)
def figurative_gate() -> re.Pattern[str]:
    """Whether an everyday use of a risk word (打工, 累死了) is in the text: most answers hold none, and then
    there is nothing to blank."""
    return gate(by_first_character([FIGURATIVE]))


def urgency_of(text: str, kinds: Sequence[str]) -> str | None:
    """Urgent (a day) when a kind's pressing cue is in the answer; otherwise soon (three days)."""
    if not kinds:
        return None
    return "urgent" if any(_URGENT[k].search(text) for k in kinds) else "soon"
