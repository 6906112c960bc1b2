"""Cleaning policy pages as they are scraped from government websites.

Such pages arrive in traditional characters with pinyin readings pasted after characters, with mojibake
where a GBK byte was lost, with site navigation and page metadata, and with SEO spam appended at the end.
Every rule here is general (a pattern or a statistic), never a match on one known page.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from nlp.normalize import HAN, has_tone_mark, strip_pinyin_annotations, to_simplified

_HAN_RE = re.compile(f"[{HAN}]")
_PINYIN_CHARS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
# A lost GBK lead byte shows as `?`; a broken reading may follow; then zero or more characters decoded one
# byte out of step; then the orphaned trail byte, which is ASCII (0x40-0x7E).
_ARTEFACT = re.compile(
    rf"\?(?P<remnant>[{_PINYIN_CHARS}]{{1,6}}\))?(?P<run>[{HAN}]{{0,8}}?)(?P<trail>[\x40-\x7e])"
)
_DATE = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")
_META_FIELDS = re.compile(
    r"(发布时间|发布日期|发文日期|成文日期|来源|信息来源|发布机构|发文机关|阅读|浏览|点击|作者|编辑)\s*[:：]"
)
_BOILERPLATE = [
    re.compile(r"^(您的位置|当前位置|所在位置|您现在的位置|位置)\s*[:：]"),
    re.compile(r"^首页\s*(>|»|›|/)"),
    re.compile(r"^字[体号]\s*[:：]"),
    re.compile(r"保护视力色|护眼模式|背景色\s*[:：]"),
    re.compile(r"打印本页|关闭窗口|【打印】|【关闭】|分享到\s*[:：]?|扫一扫|返回顶部|收藏本页"),
    re.compile(r"^(上一篇|下一篇|相关链接|责任编辑)\s*[:：]"),
    re.compile(r"^[\s\[\]【】()（）|:：>»·\-_=*#.]+$"),
]


@dataclass
class CleanReport:
    pinyin_removed: int = 0
    artefacts_repaired: list[tuple[str, str]] = field(default_factory=list)
    artefacts_dropped: list[str] = field(default_factory=list)
    boilerplate_lines: list[str] = field(default_factory=list)
    spam_lines: int = 0
    spam_chars: int = 0
    tail_dropped: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {
            "pinyin_removed": self.pinyin_removed,
            "artefacts_repaired": len(self.artefacts_repaired),
            "artefacts_dropped": len(self.artefacts_dropped),
            "boilerplate_lines": len(self.boilerplate_lines),
            "spam_lines": self.spam_lines,
            "spam_chars": self.spam_chars,
            "tail_dropped": len(self.tail_dropped),
        }


@dataclass
class Cleaned:
    text: str
    title: str | None
    date: str | None
    department: str | None
    report: CleanReport


def _bigrams(text: str) -> Counter[str]:
    return Counter(
        text[i : i + 2] for i in range(len(text) - 1) if _HAN_RE.match(text[i]) and _HAN_RE.match(text[i + 1])
    )


@lru_cache(maxsize=1)
def _lexicon():  # type: ignore[no-untyped-def]
    import rjieba

    return rjieba.Jieba()


def _is_common(ch: str) -> bool:
    """In GB2312 level 1 (the 3,755 most common characters) once simplified."""
    try:
        code = to_simplified(ch).encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and 0xB0 <= code[0] <= 0xD7


def _plausibility(window: str, context: Counter[str]) -> float:
    """How ordinary a character sequence looks: dictionary words, the page's own bigrams, common characters."""
    simple = to_simplified(window)
    lex = _lexicon()
    score = 0.0
    for i in range(len(window) - 1):
        if lex.has_word(simple[i : i + 2]):
            score += 3.0
        score += math.log1p(context[window[i : i + 2]])
    score += 0.5 * sum(_is_common(ch) for ch in window[1:-1])
    return score


def repair_artefacts(text: str, report: CleanReport) -> str:
    """Re-align characters garbled by a lost GBK lead byte, choosing the lost byte by the document's own bigrams.

    The lead byte is gone, so every candidate lead byte is tried; the candidate whose characters join their
    neighbours as ordinary Chinese does (a dictionary word such as 当地 or 融入, or a bigram the page itself
    uses often, such as 妇联) wins. If no
    candidate is supported by the context, the garbage is dropped and reported rather than guessed.
    """
    if "?" not in text:
        return text
    context = _bigrams(_ARTEFACT.sub(" ", text))

    def _fix(m: re.Match[str]) -> str:
        run, trail = m.group("run"), m.group("trail")
        if m.group("remnant") is None and not run and not trail.isalpha():
            return m.group(0)
        try:
            tail_bytes = run.encode("gb18030") + trail.encode("ascii")
        except UnicodeEncodeError:
            tail_bytes = b""
        prev_ch = text[m.start() - 1] if m.start() > 0 else ""
        next_ch = text[m.end()] if m.end() < len(text) else ""
        best, best_score = None, 0.0
        for lead in range(0x81, 0xFF) if tail_bytes else ():
            try:
                cand = bytes([lead]).__add__(tail_bytes).decode("gb18030")
            except UnicodeDecodeError:
                continue
            if not cand or not all(_HAN_RE.match(ch) for ch in cand):
                continue
            score = _plausibility(prev_ch + cand + next_ch, context)
            if score > best_score:
                best, best_score = cand, score
        if best is None:
            report.artefacts_dropped.append(m.group(0))
            return ""
        report.artefacts_repaired.append((m.group(0), best))
        return best

    return _ARTEFACT.sub(_fix, text)


def _is_boilerplate(line: str) -> bool:
    if any(p.search(line) for p in _BOILERPLATE):
        return True
    # A page-metadata line: several "field:" labels on one short line (发布时间:… 来源:… 阅读:…).
    return len(_META_FIELDS.findall(line)) >= 2 and len(line) < 120


def _spam_candidate(line: str) -> list[str] | None:
    parts = [p.strip() for p in re.split(r"[|｜]", line)]
    parts = [p for p in parts if p]
    if len(parts) < 5:
        return None
    lengths = sorted(len(p) for p in parts)
    if lengths[len(lengths) // 2] > 24:
        return None
    return parts


def _metadata(lines: list[str]) -> tuple[str | None, str | None]:
    date = department = None
    for line in lines:
        if date is None and re.search(r"发布|发文|成文|日期|时间", line):
            m = _DATE.search(line)
            if m:
                y, mo, d = (int(g) for g in m.groups())
                date = f"{y:04d}-{mo:02d}-{d:02d}"
        if department is None:
            m = re.search(r"(?:来源|信息来源|发布机构|发文机关)\s*[:：]\s*([^\s:：|]+)", line)
            if m:
                department = m.group(1).strip()
    return date, department


_TITLE_WORDS = re.compile(
    r"(关于|办法|意见|通知|规定|方案|条例|决定|细则|制度|纲要|计划|规划|指引|指南|措施|要点)"
)


def _leading_title(lines: list[str]) -> str | None:
    """A plain file's first line is its title when it reads like one: short, no sentence end, no numbering."""
    content = [ln for ln in lines if ln]
    if len(content) < 2:
        return None
    first = content[0]
    if first.startswith("#") or len(first) > 60 or first.endswith(("。", "；", ";", "：", ":", "，", ",")):
        return None
    if re.match(
        r"^(\d{1,3}\s*[.．、]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|第.+[条章节])",
        first,
    ):
        return None
    return first if _TITLE_WORDS.search(first) else None


def clean_text(raw: str, *, title_hint: str | None = None) -> Cleaned:
    """Clean one scraped page; the returned report says what was removed and why."""
    report = CleanReport()
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text, report.pinyin_removed = strip_pinyin_annotations(text)
    text = repair_artefacts(text, report)
    text = to_simplified(text)

    lines = [ln.strip() for ln in text.split("\n")]
    kept: list[str] = []
    header_meta: list[str] = []
    for line in lines:
        if not line:
            kept.append("")
            continue
        if _is_boilerplate(line):
            report.boilerplate_lines.append(line)
            header_meta.append(line)
            continue
        kept.append(line)

    # Spam: runs of short |-separated phrases that share little vocabulary with the rest of the page.
    candidates = {i: parts for i, ln in enumerate(kept) if ln and (parts := _spam_candidate(ln))}
    if candidates:
        body_vocab = _bigrams("\n".join(ln for i, ln in enumerate(kept) if i not in candidates))
        for i, parts in candidates.items():
            grams = _bigrams("|".join(parts))
            total = sum(grams.values())
            shared = sum(n for g, n in grams.items() if body_vocab[g] > 0)
            if total == 0 or shared / total < 0.35:
                report.spam_lines += 1
                report.spam_chars += len(kept[i])
                kept[i] = ""

    # Tail: trailing lines without any Han character are truncation debris (c_msg, js fragments).
    while kept and (not kept[-1] or not _HAN_RE.search(kept[-1])):
        if kept[-1]:
            report.tail_dropped.append(kept[-1])
        kept.pop()

    date, department = _metadata(header_meta)
    title = title_hint
    # The page title is the short heading line just before the page-metadata line, when there is one.
    if title is None:
        first_meta = next(
            (i for i, ln in enumerate(lines) if ln and _is_boilerplate(ln) and _META_FIELDS.search(ln)), None
        )
        if first_meta is not None:
            for ln in reversed(lines[:first_meta]):
                if ln and not _is_boilerplate(ln):
                    if len(ln) <= 60 and not ln.endswith(("。", "；", ";")) and _HAN_RE.search(ln):
                        title = ln
                    break
    if title is None:
        title = _leading_title(kept)
    if title is not None and title in kept[:10]:
        kept.remove(title)

    body = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return Cleaned(body, title, date, department, report)


__all__ = ["CleanReport", "Cleaned", "clean_text", "has_tone_mark", "repair_artefacts"]
