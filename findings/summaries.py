"""Themed summaries: who needs what, where, how many, with intervals, over time, and in whose words.

Counts come from SQL aggregates over the applied labels (human labels win, see survey/tagging.py). Small cells
are protected: at village level, counts below the threshold are shown as "<N" and no quote is taken from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from findings.disclosure import Disclosure
from findings.summary_index import Aggregate, SummaryIndex
from fuqing.errors import InputError
from fuqing.models import Response, ResponseLabel
from fuqing.textclean import clean_text
from fuqing.timeutil import CST
from nlp.keywords import keywords
from nlp.taxonomy import taxonomy

MAX_QUOTES = 8


@dataclass
class Filters:
    survey_id: int | None = None
    county: str | None = None
    township: str | None = None
    village: str | None = None
    since: date | None = None
    until: date | None = None
    group: str | None = None
    need: str | None = None
    channel: str | None = None
    fieldworker: str | None = None
    age_band: str | None = None
    marital_status: str | None = None

    def __post_init__(self) -> None:
        """Text filters arrive from query strings, JSON bodies and the command line: control characters become
        spaces and a lone surrogate is refused here, once, before a filter reaches a report writer (a DOCX cannot
        hold either) or a log line."""
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                setattr(self, f.name, clean_text(value, f"筛选条件 {f.name}")[:200])

    def to_dict(self) -> dict[str, Any]:
        return {
            k: (v.isoformat() if isinstance(v, date) else v)
            for k, v in asdict(self).items()
            if v not in (None, "")
        }

    @classmethod
    def parse(cls, values: Mapping[str, Any]) -> Filters:
        """Filters from text (a query string, command-line options): empty means "all"; checked (``validate``)."""
        text = {f.name: (str(values.get(f.name) or "").strip() or None) for f in fields(cls)}
        survey_id = text.pop("survey_id")
        if survey_id is not None and not survey_id.isdigit():
            raise InputError(f"调查编号应是数字：{survey_id!r}。", hint="请从调查列表中选择。")
        out = cls(
            **{k: v for k, v in text.items() if k not in ("since", "until")},
            survey_id=int(survey_id) if survey_id else None,
            since=_parse_date("起始日期", text["since"]),
            until=_parse_date("结束日期", text["until"]),
        )
        out.validate()
        return out

    def validate(self) -> None:
        tax = taxonomy()
        if self.group and (self.group not in tax.ids or tax.family_of(self.group) != "groups"):
            raise InputError(
                f"未知人群标签 {self.group!r}。",
                hint="可用：" + "、".join(lab.id for lab in tax.family("groups")),
            )
        if self.need and (self.need not in tax.ids or tax.family_of(self.need) != "needs"):
            raise InputError(
                f"未知需求标签 {self.need!r}。",
                hint="可用：" + "、".join(lab.id for lab in tax.family("needs")),
            )
        if self.since and self.until and self.since > self.until:
            raise InputError(
                f"起始日期 {self.since} 晚于结束日期 {self.until}。", hint="请检查 --since 与 --until。"
            )


def _parse_date(name: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"{name}不是有效日期：{value!r}。", hint="请按“年-月-日”填写，例如 2025-06-01。"
        ) from None


def prefilter(f: Filters) -> list[Any]:
    """The SQL conditions a one-off index may load by (the label filters are applied in the index)."""
    conds: list[Any] = []
    for name in ("survey_id", "county", "township", "village"):
        value = getattr(f, name)
        if value not in (None, ""):
            conds.append(getattr(Response, name) == value)
    if f.since:
        conds.append(Response.collected_at >= datetime.combine(f.since, time.min, CST))
    if f.until:
        conds.append(Response.collected_at <= datetime.combine(f.until, time.max, CST))
    return conds


def summarize(
    session: Session,
    f: Filters,
    *,
    threshold: int = 5,
    with_keywords: bool = True,
    index: SummaryIndex | None = None,
    base: int = 5,
) -> dict[str, Any]:
    """The summary of the responses matching ``f``, every figure published under one disclosure rule
    (findings/disclosure.py: nothing below ``threshold``, counts rounded to ``base``).

    ``index`` is the service's long-lived SummaryIndex (refreshed here, so it counts what is committed now);
    without one, a one-off index is loaded with the filter's region and time conditions.
    """
    f.validate()
    if index is None:
        index = SummaryIndex(prefilter(f))
    index.refresh(session)
    agg = index.aggregate(f)
    rule = Disclosure(threshold, base)
    out: dict[str, Any] = {"filters": f.to_dict(), "small_cell_threshold": threshold, "rounding_base": base}
    n = rule.published(agg.respondents)
    if not n:  # none, or fewer than the threshold: no statistic at all
        return _empty(out, agg.respondents, rule)
    out["respondents"] = n
    out["needs"] = _label_block(agg, index.needs, rule, n)
    out["groups"] = _label_block(agg, index.groups, rule, n)
    crosstab: dict[str, dict[str, Any]] = {}
    for (g, need), c in agg.crosstab.items():
        crosstab.setdefault(g, {})[need] = rule.count(c)
    out["crosstab"] = crosstab
    out["regions"] = _regions(agg, index.needs, rule)
    out |= _trend(agg, rule)
    # Keywords from the most recent 2,000 answers: stable top words, bounded cost on 1,000,000 responses.
    texts = _texts(session, agg.keyword_ids) if with_keywords else []
    out["keywords"] = _shared_keywords(texts, threshold) if with_keywords else []
    out["quotes"] = _quotes(session, agg, out["needs"], threshold)
    return out


def _empty(out: dict[str, Any], respondents: int, rule: Disclosure) -> dict[str, Any]:
    out.update(
        {"needs": {}, "groups": {}, "crosstab": {}, "regions": [], "trend": [], "keywords": [], "quotes": []}
    )
    out["undated"] = 0
    if respondents == 0:
        out["respondents"] = 0
        out["message"] = "没有符合条件的回答：请放宽筛选条件。"
    else:
        out["respondents"] = rule.withheld
        out["message"] = (
            f"符合条件的回答不足 {rule.threshold} 份：为保护受访者，不显示任何统计。请放宽筛选条件（例如去掉村或人群）。"
        )
    return out


def _label_block(agg: Aggregate, ids: list[str], rule: Disclosure, n: int) -> dict[str, Any]:
    """Count, share and 95% interval of each label (from published figures), largest share first."""
    tax = taxonomy()
    block = {
        lab_id: {"name": tax.get(lab_id).name, **rule.cell(agg.label_counts[lab_id], n)} for lab_id in ids
    }
    return dict(sorted(block.items(), key=lambda kv: -(kv[1]["share"] or 0)))


def _regions(agg: Aggregate, needs: list[str], rule: Disclosure) -> list[dict[str, Any]]:
    """One level below the filter's region: respondents and the three largest needs of each place."""
    sizes = rule.additive([size for _, size, _ in agg.regions])
    return [
        {
            "level": agg.level,
            "name": name or "（未填）",
            "respondents": shown,
            "top_needs": [
                {"need": needs[j], "count": rule.count(c)}
                for j, c in sorted(enumerate(counts), key=lambda t: -t[1])[:3]
                if c and isinstance(shown, int)
            ],
        }
        for (name, _size, counts), shown in zip(agg.regions, sizes, strict=True)
    ]


def _trend(agg: Aggregate, rule: Disclosure) -> dict[str, Any]:
    """Respondents per month, and how many answers have no date (left out of the months)."""
    dated = sum(c for _, c in agg.trend)
    counts = rule.additive([c for _, c in agg.trend] + [agg.respondents - dated])
    months = [{"month": m, "respondents": c} for (m, _), c in zip(agg.trend, counts, strict=False)]
    return {"trend": months, "undated": counts[-1]}


def _shared_keywords(texts: list[str], threshold: int) -> list[dict[str, Any]]:
    """Keywords that at least ``threshold`` answers use: a word only one woman wrote could point to her."""
    found = keywords(texts)
    return [{"word": w, "weight": s} for w, s in found if sum(1 for t in texts if w in t) >= threshold]


def _texts(session: Session, ids: list[int]) -> list[str]:
    return [t for _, t in _rows_for(session, Response.id, ids, Response.text_redacted) if t]


def _rows_for(
    session: Session, key: Any, ids: list[int], *columns: Any, where: tuple[Any, ...] = ()
) -> list[Any]:
    """(key, *columns) of the rows whose ``key`` is one of ``ids``, in chunks: a plan every database gets right."""
    out: list[Any] = []
    conn = session.connection()
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        out += conn.execute(select(key, *columns).where(key.in_(chunk), *where)).all()
    return out


def _quotes(session: Session, agg: Aggregate, needs: dict[str, Any], threshold: int) -> list[dict[str, Any]]:
    """3–8 quotes: for the largest needs, the most confident of their recent answers of a readable length,
    from different villages, never from a village with fewer than ``threshold`` respondents in this selection."""
    top = [k for k, v in needs.items() if v["share"]][:4]
    candidates = {need: agg.quote_candidates.get(need) or [] for need in top}
    wanted = sorted({rid for ids in candidates.values() for rid in ids})
    if not wanted:
        return []
    # Two lookups by response id (not a join filtered by label, which PostgreSQL plans as a scan of every
    # response with that label): the candidates' applied label scores, then their texts and places.
    applied = (ResponseLabel.status == "applied",)
    scores = {
        (rid, label): score or 0.0
        for rid, label, score in _rows_for(
            session,
            ResponseLabel.response_id,
            wanted,
            ResponseLabel.label,
            ResponseLabel.score,
            where=applied,
        )
    }
    places = (Response.text_redacted, Response.county, Response.township, Response.village)
    rows = {r[0]: r for r in _rows_for(session, Response.id, wanted, *places)}
    quotes: list[dict[str, Any]] = []
    used_villages: set[tuple[str | None, str | None, str | None]] = set()
    seen_texts: set[str] = set()
    for need in top:
        ranked = sorted(
            (rid for rid in candidates[need] if (rid, need) in scores and rid in rows),
            key=lambda rid: (-scores[(rid, need)], rid),
        )
        taken = 0
        for rid in ranked:
            _, text, county, township, village = rows[rid]
            place = (county, township, village)  # the full path: same-named villages are different places
            if agg.village_sizes.get(place, 0) < threshold or text in seen_texts:
                continue
            if place in used_villages and taken:
                continue
            quotes.append(
                {
                    "response_id": rid,
                    "need": need,
                    "text": text,
                    "county": county,
                    "township": township,
                    "score": scores[(rid, need)],
                }
            )
            used_villages.add(place)
            seen_texts.add(text)
            taken += 1
            if taken == 2 or len(quotes) >= MAX_QUOTES:
                break
        if len(quotes) >= MAX_QUOTES:
            break
    return quotes
