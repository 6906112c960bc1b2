"""Themed summaries: who needs what, where, how many, with intervals, over time, and in whose words.

Counts come from SQL aggregates over the applied labels (human labels win, see survey/tagging.py). Small cells
are protected: at village level, counts below the threshold are shown as "<N" and no quote is taken from them.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

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


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval for a proportion k/n."""
    if n == 0:
        return (0.0, 0.0)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4))


def _conditions(f: Filters) -> list[Any]:
    conds: list[Any] = []
    for name in (
        "survey_id",
        "county",
        "township",
        "village",
        "channel",
        "fieldworker",
        "age_band",
        "marital_status",
    ):
        value = getattr(f, name)
        if value not in (None, ""):
            conds.append(getattr(Response, name) == value)
    if f.since:
        conds.append(Response.collected_at >= datetime.combine(f.since, time.min, CST))
    if f.until:
        conds.append(Response.collected_at <= datetime.combine(f.until, time.max, CST))
    for label in (f.group, f.need):
        if label:
            rl = aliased(ResponseLabel)
            conds.append(
                exists().where(and_(rl.response_id == Response.id, rl.label == label, rl.status == "applied"))
            )
    return conds


def _cell(count: int, threshold: int, protect: bool) -> int | str:
    return f"<{threshold}" if protect and 0 < count < threshold else count


def _month(session: Session) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", Response.collected_at), "YYYY-MM")
    return func.strftime("%Y-%m", func.datetime(Response.collected_at, "+8 hours"))


def _bit(column: Any, j: int) -> Any:
    """(mask >> j) & 1 as an integer expression, valid in SQLite and PostgreSQL."""
    return column.op(">>")(j).op("&")(1)


def summarize(
    session: Session, f: Filters, *, threshold: int = 5, with_keywords: bool = True
) -> dict[str, Any]:
    f.validate()
    conds = _conditions(f)
    protect = bool(f.village)  # village-level tables are where a woman could be recognised
    tax = taxonomy()
    groups, needs = [lab.id for lab in tax.family("groups")], [lab.id for lab in tax.family("needs")]
    # One scan: respondents and every label count (labels live as bit masks on responses).
    sums = [func.sum(_bit(Response.groups_mask, j)) for j in range(len(groups))]
    sums += [func.sum(_bit(Response.needs_mask, j)) for j in range(len(needs))]
    row = session.execute(select(func.count(), *sums).where(*conds)).one()
    respondents = int(row[0] or 0)
    out: dict[str, Any] = {
        "filters": f.to_dict(),
        "respondents": respondents,
        "small_cell_threshold": threshold,
    }
    if respondents == 0:
        out.update(
            {
                "needs": {},
                "groups": {},
                "crosstab": {},
                "regions": [],
                "trend": [],
                "keywords": [],
                "quotes": [],
            }
        )
        out["message"] = "没有符合条件的回答：请放宽筛选条件。"
        return out
    counts = dict(zip(groups + needs, (int(v or 0) for v in row[1:]), strict=True))
    for fam, ids in (("needs", needs), ("groups", groups)):
        block = {}
        for lab_id in ids:
            k = counts[lab_id]
            low, high = wilson(k, respondents)
            block[lab_id] = {
                "name": tax.get(lab_id).name,
                "count": _cell(k, threshold, protect),
                "share": round(k / respondents, 4),
                "interval": [low, high],
            }
        out[fam] = dict(sorted(block.items(), key=lambda kv: -kv[1]["share"]))
    cells = [(g, n) for g in range(len(groups)) for n in range(len(needs))]
    cross_row = session.execute(
        select(
            *[func.sum(_bit(Response.groups_mask, g) * _bit(Response.needs_mask, n)) for g, n in cells]
        ).where(*conds)
    ).one()
    crosstab: dict[str, dict[str, Any]] = {}
    for (g, n), c in zip(cells, cross_row, strict=True):
        if c:
            crosstab.setdefault(groups[g], {})[needs[n]] = _cell(int(c), threshold, protect)
    out["crosstab"] = crosstab
    level = "village" if f.township else "township" if f.county else "county"
    region_col = getattr(Response, level)
    region_rows = session.execute(
        select(region_col, func.count(), *[func.sum(_bit(Response.needs_mask, j)) for j in range(len(needs))])
        .where(*conds)
        .group_by(region_col)
        .order_by(func.count().desc())
    ).all()
    village_level = level == "village"
    out["regions"] = [
        {
            "level": level,
            "name": r[0] or "（未填）",
            "respondents": _cell(int(r[1]), threshold, village_level),
            "top_needs": [
                {"need": needs[j], "count": _cell(int(c), threshold, village_level)}
                for j, c in sorted(enumerate(r[2:]), key=lambda t: -(t[1] or 0))[:3]
                if c
            ],
        }
        for r in region_rows
    ]
    month = _month(session)
    out["trend"] = [
        {"month": m, "respondents": int(c)}
        for m, c in session.execute(
            select(month, func.count())
            .where(*conds, Response.collected_at.is_not(None))
            .group_by(month)
            .order_by(month)
        ).all()
    ]
    # Keywords from the most recent 2,000 answers: stable top words, bounded cost on 1,000,000 responses.
    recent = select(Response.text_redacted).where(*conds, Response.text_redacted.is_not(None))
    texts = [t for (t,) in session.execute(recent.order_by(Response.id.desc()).limit(2000))]
    out["keywords"] = [{"word": w, "weight": s} for w, s in keywords(texts)] if with_keywords else []
    out["quotes"] = _quotes(session, conds, out["needs"], threshold)
    return out


def _quotes(
    session: Session, conds: list[Any], needs: dict[str, Any], threshold: int
) -> list[dict[str, Any]]:
    """3–8 quotes: for the largest needs, the most confident answers of a readable length, from different
    villages, never from a village with fewer than ``threshold`` respondents in this selection."""
    village_sizes = dict(
        session.execute(select(Response.village, func.count()).where(*conds).group_by(Response.village)).all()
    )
    quotes: list[dict[str, Any]] = []
    used_villages: set[str | None] = set()
    seen_texts: set[str] = set()
    for need in [k for k, v in needs.items() if v["share"] > 0][:4]:
        rows = session.execute(
            select(
                Response.id,
                Response.text_redacted,
                Response.county,
                Response.township,
                Response.village,
                ResponseLabel.score,
            )
            .join(
                ResponseLabel,
                and_(
                    ResponseLabel.response_id == Response.id,
                    ResponseLabel.label == need,
                    ResponseLabel.status == "applied",
                ),
            )
            .where(*conds, func.length(Response.text_redacted).between(8, 160))
            .order_by(ResponseLabel.score.desc(), Response.id)
            .limit(40)
        ).all()
        taken = 0
        for rid, text, county, township, village, score in rows:
            if (village_sizes.get(village, 0) or 0) < threshold or text in seen_texts:
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
                    "score": score,
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
