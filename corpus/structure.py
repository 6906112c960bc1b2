"""Splitting a cleaned document into citable units (clauses) while keeping the document's own numbering.

Policy documents number parts 一、, sections （一） and items 1.; laws have 第X章/第X节 headings and 第X条
articles whose paragraphs (款) stay with the article. A document with neither falls back to paragraphs,
and says so, because a citation to "paragraph 3" is weaker than one to an article.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Literal

from corpus.numerals import CN_NUMERAL_CHARS, cn_to_int, int_to_cn

Structure = Literal["policy", "law", "paragraphs"]

_CN = f"[{CN_NUMERAL_CHARS}]+"
_PART = re.compile(rf"^({_CN})、\s*(.+)$")
_SECTION = re.compile(rf"^[（(]({_CN})[)）]\s*(.*)$")
_ITEM = re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*(.+)$")
_ARTICLE = re.compile(rf"^第({_CN}|\d+)条(?:之({_CN}))?(?:[\s\u3000]+|$)(.*)$")
_LAW_HEADING = re.compile(rf"^(?:#+\s*)?第({_CN}|\d+)(编|分编|章|节)(?:[\s\u3000]+(.*))?$")
_MD_TITLE = re.compile(r"^#\s+(.+)$")
_DATE_CN = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_SENTENCE_END = re.compile(r"[。！？!?；;]")


@dataclass
class Unit:
    clause: str
    label: str
    kind: str
    section: list[str]
    title: str
    text: str
    order: int = 0
    keywords: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class Parsed:
    structure: Structure
    units: list[Unit]
    title: str | None = None
    date: str | None = None
    department: str | None = None
    notes: list[str] = field(default_factory=list)


def first_sentence(text: str, limit: int = 40) -> str:
    m = _SENTENCE_END.search(text)
    sentence = text[: m.start()] if m else text
    sentence = sentence.strip()
    return sentence if len(sentence) <= limit else sentence[:limit] + "…"


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def _heading_text(line: str) -> str:
    return re.sub(r"^#+\s*", "", line).strip()


def parse_policy(paragraphs: list[str]) -> list[Unit]:
    units: list[Unit] = []
    part_no = section_no = 0
    part_title = section_title = ""
    current: Unit | None = None

    def path() -> list[str]:
        return [p for p in (part_title, section_title) if p]

    for para in paragraphs:
        if m := _PART.match(para):
            part_no, section_no = cn_to_int(m.group(1)), 0
            part_title, section_title = para, ""
            current = None
            continue
        if (m := _SECTION.match(para)) and len(para) < 80 and not _SENTENCE_END.search(para[-1:] or ""):
            section_no = cn_to_int(m.group(1))
            section_title = para
            current = None
            continue
        if m := _ITEM.match(para):
            number, body = m.group(1), m.group(2).strip()
            current = Unit(number, f"第{number}条", "item", path(), first_sentence(body), body)
            units.append(current)
            continue
        if current is not None:
            current.text += "\n" + para
            continue
        if part_no == 0:
            clause, label, kind, title = "preamble", "序言", "preamble", first_sentence(para)
        elif section_no == 0:
            clause, label, kind = f"p{part_no}", part_title.split("、", 1)[0] + "、", "intro"
            title = _PART.match(part_title).group(2)  # type: ignore[union-attr]
        else:
            clause, label, kind = f"p{part_no}s{section_no}", section_title.split(")", 1)[0] + ")", "intro"
            sm = _SECTION.match(section_title)
            title = sm.group(2) if sm and sm.group(2) else section_title
        current = Unit(clause, label, kind, path(), title, para)
        units.append(current)
    return units


def parse_law(paragraphs: list[str]) -> tuple[list[Unit], list[str], list[str]]:
    """Returns units, the title lines and the history lines before the body."""
    units: list[Unit] = []
    titles: list[str] = []
    history: list[str] = []
    path: dict[str, str] = {}
    current: Unit | None = None
    seen: set[str] = set()
    for para in paragraphs:
        if para.startswith("<!--"):
            continue
        if (m := _LAW_HEADING.match(para)) and len(para) < 60:
            level = m.group(2)
            text = _heading_text(para)
            if level == "编":
                path = {"编": text}
            elif level == "分编":
                path = {k: v for k, v in path.items() if k == "编"} | {"分编": text}
            elif level == "章":
                path = {k: v for k, v in path.items() if k in ("编", "分编")} | {"章": text}
            else:
                path = {k: v for k, v in path.items() if k != "节"} | {"节": text}
            current = None
            continue
        if (m := _MD_TITLE.match(para)) and not units:
            titles.append(m.group(1).strip())
            continue
        if m := _ARTICLE.match(para):
            n = cn_to_int(m.group(1))
            clause = str(n) if not m.group(2) else f"{n}-{cn_to_int(m.group(2))}"
            label = f"第{int_to_cn(n)}条" + (f"之{m.group(2)}" if m.group(2) else "")
            if clause in seen:  # a repeated number is a quotation, not a new article
                if current is not None:
                    current.text += "\n" + para
                continue
            seen.add(clause)
            body = m.group(3).strip()
            current = Unit(clause, label, "article", list(path.values()), first_sentence(body), body)
            units.append(current)
            continue
        if current is not None:
            current.text += "\n" + para
        elif not units and not path:
            history.append(para)
        else:
            current = Unit("preamble", "序言", "preamble", list(path.values()), first_sentence(para), para)
            units.append(current)
    return units, titles, history


def parse_paragraphs(paragraphs: list[str]) -> list[Unit]:
    return [
        Unit(f"para{i}", f"第{i}段", "paragraph", [], first_sentence(p), p)
        for i, p in enumerate(paragraphs, start=1)
    ]


def detect_structure(paragraphs: list[str]) -> Structure:
    articles = sum(1 for p in paragraphs if _ARTICLE.match(p))
    if articles >= 3:
        return "law"
    items = sum(1 for p in paragraphs if _ITEM.match(p))
    parts = sum(1 for p in paragraphs if _PART.match(p) or _SECTION.match(p))
    if items >= 2 or (parts >= 2 and items + parts >= 3):
        return "policy"
    return "paragraphs"


def parse_document(text: str) -> Parsed:
    paragraphs = _paragraphs(text)
    structure = detect_structure(paragraphs)
    notes: list[str] = []
    title = date = department = None
    if structure == "law":
        units, titles, history = parse_law(paragraphs)
        if titles:
            title = "·".join(titles)
        dates = [
            f"{int(y):04d}-{int(m):02d}-{int(d):02d}" for h in history for y, m, d in _DATE_CN.findall(h)
        ]
        if dates:
            date = max(dates)
        for h in history:
            if dm := re.search(r"全国人民代表大会常务委员会|全国人民代表大会|国务院", h):
                department = dm.group(0)
                break
    elif structure == "policy":
        units = parse_policy(paragraphs)
    else:
        units = parse_paragraphs(paragraphs)
        notes.append("未识别到条款结构（第X条 或 一、（一）1. 编号），已按段落切分；引用将指向段落。")
    for i, u in enumerate(units):
        u.order = i
    return Parsed(structure, units, title, date, department, notes)
