"""Themed summaries: who needs what, where, how many, with intervals, over time, and in whose words.

Counts come from SQL aggregates over the applied labels (human labels win, see survey/tagging.py). Small cells
are protected: at village level, counts below the threshold are shown as "<N" and no quote is taken from them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from findings.summary_index import Aggregate, SummaryIndex
from fuqing.errors import InputError
from fuqing.models import Response, ResponseLabel
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


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval for a proportion k/n."""
    if n == 0:
        return (0.0, 0.0)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4))


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


def _cell(count: int, threshold: int, protect: bool) -> int | str:
    return f"<{threshold}" if protect and 0 < count < threshold else count


def _empty(out: dict[str, Any]) -> dict[str, Any]:
    out.update(
        {"needs": {}, "groups": {}, "crosstab": {}, "regions": [], "trend": [], "keywords": [], "quotes": []}
    )
    out["message"] = "没有符合条件的回答：请放宽筛选条件。"
    return out


def summarize(
    session: Session,
    f: Filters,
    *,
    threshold: int = 5,
    with_keywords: bool = True,
    index: SummaryIndex | None = None,
) -> dict[str, Any]:
    """The summary of the responses matching ``f``.

    ``index`` is the service's long-lived SummaryIndex (refreshed here, so it counts what is committed now);
    without one, a one-off index is loaded with the filter's region and time conditions.
    """
    f.validate()
    if index is None:
        index = SummaryIndex(prefilter(f))
    index.refresh(session)
    agg = index.aggregate(f)
    protect = bool(f.village)  # village-level tables are where a woman could be recognised
    out: dict[str, Any] = {
        "filters": f.to_dict(),
        "respondents": agg.respondents,
        "small_cell_threshold": threshold,
    }
    if agg.respondents == 0:
        return _empty(out)
    out["needs"] = _label_block(agg, index.needs, threshold, protect)
    out["groups"] = _label_block(agg, index.groups, threshold, protect)
    crosstab: dict[str, dict[str, Any]] = {}
    for (g, n), c in agg.crosstab.items():
        crosstab.setdefault(g, {})[n] = _cell(c, threshold, protect)
    out["crosstab"] = crosstab
    out["regions"] = _regions(agg, index.needs, threshold)
    out["trend"] = [{"month": m, "respondents": c} for m, c in agg.trend]
    # Keywords from the most recent 2,000 answers: stable top words, bounded cost on 1,000,000 responses.
    texts = _texts(session, agg.keyword_ids) if with_keywords else []
    out["keywords"] = [{"word": w, "weight": s} for w, s in keywords(texts)] if with_keywords else []
    out["quotes"] = _quotes(session, agg, out["needs"], threshold)
    return out


def _label_block(agg: Aggregate, ids: list[str], threshold: int, protect: bool) -> dict[str, Any]:
    """Count, share and 95% interval of each label, largest share first."""
    tax = taxonomy()
    n = agg.respondents
    block = {}
    for lab_id in ids:
        k = agg.label_counts[lab_id]
        low, high = wilson(k, n)
        block[lab_id] = {
            "name": tax.get(lab_id).name,
            "count": _cell(k, threshold, protect),
            "share": round(k / n, 4),
            "interval": [low, high],
        }
    return dict(sorted(block.items(), key=lambda kv: -kv[1]["share"]))


def _regions(agg: Aggregate, needs: list[str], threshold: int) -> list[dict[str, Any]]:
    """One level below the filter's region: respondents and the three largest needs of each place."""
    village_level = agg.level == "village"
    return [
        {
            "level": agg.level,
            "name": name or "（未填）",
            "respondents": _cell(size, threshold, village_level),
            "top_needs": [
                {"need": needs[j], "count": _cell(c, threshold, village_level)}
                for j, c in sorted(enumerate(counts), key=lambda t: -t[1])[:3]
                if c
            ],
        }
        for name, size, counts in agg.regions
    ]


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
    top = [k for k, v in needs.items() if v["share"] > 0][:4]
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
    used_villages: set[str | None] = set()
    seen_texts: set[str] = set()
    for need in top:
        ranked = sorted(
            (rid for rid in candidates[need] if (rid, need) in scores and rid in rows),
            key=lambda rid: (-scores[(rid, need)], rid),
        )
        taken = 0
        for rid in ranked:
            _, text, county, township, village = rows[rid]
            if agg.village_sizes.get(village, 0) < threshold or text in seen_texts:
                continue
            if village in used_villages and taken:
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
            used_villages.add(village)
            seen_texts.add(text)
            taken += 1
            if taken == 2 or len(quotes) >= MAX_QUOTES:
                break
        if len(quotes) >= MAX_QUOTES:
            break
    return quotes
