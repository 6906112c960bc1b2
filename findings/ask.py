"""Natural-language questions to filters, offline: 金寨县的留守妇女最需要什么 → {county: 金寨县, group: left_behind}.

Only what is recognised becomes a filter: region names present in the data, taxonomy names and synonyms, and
time words. Every other content word is reported back as not understood, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from findings.summaries import Filters, summarize
from findings.summary_index import SummaryIndex
from fuqing.models import Response
from nlp.normalize import normalize_for_features
from nlp.segment import get_segmenter, is_content_token

SYNONYMS: dict[str, list[str]] = {
    "left_behind": ["留守妇女", "留守", "丈夫在外", "老公在外", "男人在外打工"],
    "single_mother": ["单亲母亲", "单亲妈妈", "单身母亲", "单亲", "单身妈妈"],
    "disability": ["残疾妇女", "残疾人", "残疾", "残障"],
    "hardship": ["困难妇女", "困难家庭", "贫困", "低保户", "低保", "特困"],
    "employment": ["就业增收", "就业", "工作", "找活", "增收", "挣钱", "创业"],
    "skills_training": ["技能培训", "培训", "技能", "学手艺"],
    "childcare_education": ["子女照料与教育", "子女教育", "子女", "孩子", "托管", "上学", "教育"],
    "health": ["医疗健康", "医疗", "看病", "健康", "两癌", "疾病"],
    "mental_health": ["心理与情感支持", "心理", "情感", "孤独", "精神慰藉"],
    "legal_rights": ["法律维权", "法律", "维权", "家暴", "离婚"],
    "financial_aid": ["生活救助", "救助", "补贴", "救济"],
    "eldercare": ["养老照护", "养老", "照护老人", "老人"],
    "community": ["文化活动与社会参与", "文化活动", "社会参与", "活动", "志愿"],
}
# Words that shape the question but are not filters (最需要什么, 有多少, 情况如何).
QUESTION_WORDS = {
    "最",
    "需要",
    "什么",
    "哪些",
    "哪个",
    "多少",
    "情况",
    "怎么样",
    "如何",
    "主要",
    "问题",
    "需求",
    "妇女",
    "女性",
    "群众",
    "村里",
    "当地",
    "地区",
    "最多",
    "多",
    "人",
    "统计",
    "看看",
    "一下",
    "分析",
    "调研",
    "调查",
    "结果",
    "反映",
    "集中",
    "有",
    "的",
    "在",
    "了",
    "吗",
    "呢",
    "请问",
    "帮助",
    "帮忙",
    "提供",
    "妇联",
    "哪",
    "些",
    "是",
    "都",
    "和",
    "及",
    "县",
    "乡",
    "镇",
    "村",
    "各",
    "全",
    "全部",
    "所有",
    "大家",
    "她们",
    "人群",
    "哪里",
    "地方",
}
_REGION_SUFFIX = re.compile(r"(自治县|县|区|市|乡|镇|街道|村|社区|居委会)$")


@dataclass
class Parsed:
    filters: Filters
    understood: dict[str, str] = field(default_factory=dict)
    not_understood: list[str] = field(default_factory=list)


def _regions(session: Session, index: SummaryIndex | None = None) -> list[tuple[str, str]]:
    """(level, name) for every region name present in the data, longest names first."""
    out = []
    for level in ("county", "township", "village"):
        if index is not None:
            out += [(level, n) for n in index.values(level)]
            continue
        col = getattr(Response, level)
        out += [(level, n) for (n,) in session.execute(select(col).where(col.is_not(None)).distinct()) if n]
    return sorted(out, key=lambda t: -len(t[1]))


def _time_range(text: str, today: date) -> tuple[date | None, date | None, str | None]:
    if m := re.search(r"(20\d{2})年(\d{1,2})月", text):
        y, mo = int(m.group(1)), int(m.group(2))
        end = (date(y + (mo == 12), mo % 12 + 1, 1) - timedelta(days=1)) if 1 <= mo <= 12 else None
        return date(y, mo, 1), end, m.group(0)
    if m := re.search(r"(20\d{2})年", text):
        y = int(m.group(1))
        return date(y, 1, 1), date(y, 12, 31), m.group(0)
    first_this_month = today.replace(day=1)
    last_month_end = first_this_month - timedelta(days=1)
    table = [
        ("上个月", last_month_end.replace(day=1), last_month_end),
        ("上月", last_month_end.replace(day=1), last_month_end),
        ("这个月", first_this_month, today),
        ("本月", first_this_month, today),
        ("今年上半年", date(today.year, 1, 1), date(today.year, 6, 30)),
        ("上半年", date(today.year, 1, 1), date(today.year, 6, 30)),
        ("下半年", date(today.year, 7, 1), date(today.year, 12, 31)),
        ("今年", date(today.year, 1, 1), today),
        ("去年", date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
        ("最近三个月", today - timedelta(days=91), today),
        ("近三个月", today - timedelta(days=91), today),
        ("最近半年", today - timedelta(days=183), today),
        ("近半年", today - timedelta(days=183), today),
    ]
    for word, since, until in table:
        if word in text:
            return since, until, word
    return None, None, None


def parse_question(
    session: Session, question: str, *, today: date | None = None, index: SummaryIndex | None = None
) -> Parsed:
    today = today or date.today()
    text = normalize_for_features(question)
    f = Filters()
    understood: dict[str, str] = {}
    rest = text
    if index is not None:
        index.refresh(session)
    for level, name in _regions(session, index):
        short = _REGION_SUFFIX.sub("", name)
        for form in (name, short) if len(short) >= 2 else (name,):
            if form and form in rest and getattr(f, level) is None:
                setattr(f, level, name)
                understood[form] = f"{level}={name}"
                rest = rest.replace(form, " ")
                break
    for label, words in SYNONYMS.items():
        family = "group" if label in ("left_behind", "single_mother", "disability", "hardship") else "need"
        for w in sorted(words, key=len, reverse=True):
            if w in rest and getattr(f, family) is None:
                setattr(f, family, label)
                understood[w] = f"{family}={label}"
                rest = rest.replace(w, " ")
                break
    since, until, word = _time_range(rest, today)
    if word:
        f.since, f.until = since, until
        understood[word] = f"{since}~{until}"
        rest = rest.replace(word, " ")
    leftovers = [
        t
        for t in get_segmenter().tokens(rest)
        if is_content_token(t) and t not in QUESTION_WORDS and not re.fullmatch(r"[\d年月日]+", t)
    ]
    return Parsed(f, understood, list(dict.fromkeys(leftovers)))


def ask(
    session: Session,
    question: str,
    *,
    threshold: int = 5,
    today: date | None = None,
    index: SummaryIndex | None = None,
    base: int = 5,
) -> dict[str, Any]:
    if not question or not question.strip():
        from fuqing.errors import InputError

        raise InputError("问题不能为空。", hint="例如：金寨县的留守妇女最需要什么")
    parsed = parse_question(session, question, today=today, index=index)
    result: dict[str, Any] = {
        "question": question,
        "filters": parsed.filters.to_dict(),
        "understood": parsed.understood,
        "not_understood": parsed.not_understood,
    }
    if not parsed.understood and parsed.not_understood:
        result["message"] = (
            "没有看懂这个问题与调查数据的关系：没有识别出地区、人群、需求或时间。可以问“金寨县的留守妇女最需要什么”。"
        )
    result["summary"] = summarize(session, parsed.filters, threshold=threshold, index=index, base=base)
    return result
