"""Query processing: how a question in everyday words becomes weighted search terms.

People ask 打老婆的人派出所怎么处理; laws say 家庭暴力, 公安机关, 告诫书. General steps bridge that gap without
touching the index: an everyday→legal vocabulary (data/query_synonyms.txt, written from the laws, not from
evaluation queries) whose phrases also match with aspect particles between their characters (订了亲 → 订亲); an
age under eighteen read as 未成年人; and lower weights for the words of the question itself (怎么办, 有没有,
法律上), for the digits of an age and for the expansions, so that added words help but never outvote what the
person actually said. All three ranked lists (word BM25, bigram BM25, dense) use the same expansions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from corpus.numerals import CN_NUMERAL_CHARS, cn_to_int
from nlp.normalize import normalize_for_features
from nlp.segment import get_segmenter


def char_bigrams(text: str) -> list[str]:
    """Character bigrams: robust to typos, homophones and words the segmenter splits differently."""
    norm = normalize_for_features(text).replace(" ", "")
    return [norm[i : i + 2] for i in range(len(norm) - 1)]


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, list[str]]:
    """Everyday words → the words laws use (家暴 → 家庭暴力); general domain knowledge, not per-query tuning."""
    table: dict[str, list[str]] = {}
    text = resources.files("corpus").joinpath("data", "query_synonyms.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or "=" not in line:
            continue
        left, right = line.split("=", 1)
        for word in left.split(","):
            table.setdefault(word.strip(), []).extend(w for w in right.split() if w)
    return table


GAP = "…"  # in a key: one to four characters of the same clause (被…打 matches 被丈夫打, 被婆婆打)
_GAP_RE = r"[^\s，。！？；、,.!?;:：]{1,4}"


@lru_cache(maxsize=1)
def _gapped_keys() -> dict[str, re.Pattern[str]]:
    return {
        key: re.compile(_GAP_RE.join(re.escape(part) for part in key.split(GAP)))
        for key in _synonyms()
        if GAP in key
    }


def _key_in(key: str, texts: tuple[str, ...]) -> bool:
    if GAP not in key:
        return any(key in t for t in texts)
    pattern = _gapped_keys().get(key)
    if pattern is None:  # a table swapped in at run time (tests) is not precompiled
        pattern = re.compile(_GAP_RE.join(re.escape(part) for part in key.split(GAP)))
    return any(pattern.search(t) for t in texts)


# Words of the question itself (how, can, is there, the law...): they say nothing about which clause is meant.
QUESTION_WORDS = frozenset(
    "怎么 怎么办 怎样 如何 能不能 能否 可不可以 可以 有没有 是不是 会不会 "  # noqa: SIM905
    "要不要 该不该 算不算 什么 哪些 哪里 多少 几个 这么 那么 这种 这样 "
    "那种 情况 干吗 为啥 为什么 到底 应该 一般 法律 规定 文件 政策 允许 "
    "合法 没有 有关 相关 处理 办法 问题 方面 我们 她们 他们".split()
)
QUESTION_WORD_WEIGHT = 0.3
EXPANSION_WEIGHT = 0.5
DENSE_EXPANSION_WEIGHT = 0.3


_AGE = re.compile(rf"(\d{{1,3}}|[{CN_NUMERAL_CHARS}]{{1,4}})(?:周)?岁")
ADULT_AGE = 18
_ASPECT = re.compile("[了过着]")


def query_expansions(query: str) -> list[str]:
    """The legal words that the query's everyday words stand for (家暴 → 家庭暴力), and 未成年人 when the
    query names an age under eighteen (十五岁的女儿): laws speak of minors, people speak of ages."""
    norm = normalize_for_features(query)
    bare = _ASPECT.sub("", norm)  # 订了亲, 怀着孕 also name 订亲, 怀孕
    out: list[str] = []
    for word, targets in _synonyms().items():
        if _key_in(word, (norm, bare)):
            out.extend(t for t in targets if t not in out)
    for m in _AGE.finditer(query):
        try:
            age = int(m.group(1)) if m.group(1).isdigit() else cn_to_int(m.group(1))
        except ValueError:
            continue
        if age < ADULT_AGE and "未成年人" not in out:
            out.append("未成年人")
    return out


def weighted_query_terms(query: str, expansions: Sequence[str] | None = None) -> dict[str, float]:
    """The query's own words at full weight (question words at less), plus the legal words its everyday words
    stand for at EXPANSION_WEIGHT: an expansion adds evidence but must not outvote what the person said."""
    seg = get_segmenter()
    terms: dict[str, float] = {}
    ages = {t for m in _AGE.finditer(query) for t in seg.tokens(m.group(0), search=True)}
    for tok in seg.tokens(query, search=True):
        weight = QUESTION_WORD_WEIGHT if tok in QUESTION_WORDS or tok in ages else 1.0
        terms[tok] = max(terms.get(tok, 0.0), weight)
    for target in query_expansions(query) if expansions is None else expansions:
        for tok in seg.tokens(target):
            terms.setdefault(tok, EXPANSION_WEIGHT)
    return terms


def weighted_query_bigrams(query: str, expansions: Sequence[str] | None = None) -> dict[str, float]:
    """The character-bigram view of the same: the query's bigrams (also with aspect particles dropped, so
    订了婚 gives 订婚) at full weight and its expansions' bigrams at EXPANSION_WEIGHT."""
    terms = dict.fromkeys(char_bigrams(query) + char_bigrams(_ASPECT.sub("", query)), 1.0)
    for target in query_expansions(query) if expansions is None else expansions:
        for gram in char_bigrams(target):
            terms.setdefault(gram, EXPANSION_WEIGHT)
    return terms


def query_tokens(query: str) -> list[str]:
    """The word terms without their weights (for benchmarks that score with an unweighted baseline)."""
    return list(weighted_query_terms(query))
