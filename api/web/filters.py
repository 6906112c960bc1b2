"""Reading summary filters from a page's query string, with messages a person can act on."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from fuqing.errors import InputError
from fuqing.models import Response
from nlp.taxonomy import taxonomy
from survey.summaries import Filters

FIELDS = ("survey_id", "county", "township", "village", "since", "until", "group", "need")


def _date(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{name} 不是有效日期：{value!r}。", hint="日期格式为 2025-06-01。") from None


def filters_from(params: Any) -> Filters:
    """Filters from query parameters; empty fields mean "all"."""
    values = {k: (params.get(k) or "").strip() or None for k in FIELDS}
    survey_id = values.pop("survey_id")
    since, until = values.pop("since"), values.pop("until")
    if survey_id is not None and not survey_id.isdigit():
        raise InputError(f"调查编号应是数字：{survey_id!r}。", hint="请从下拉框中选择调查。")
    f = Filters(
        survey_id=int(survey_id) if survey_id else None,
        since=_date("起始日期", since) if since else None,
        until=_date("结束日期", until) if until else None,
        **values,
    )
    f.validate()
    return f


def query_of(f: Filters) -> str:
    return urlencode(f.to_dict())


def region_tree(session: Session, survey_id: int | None = None) -> dict[str, dict[str, list[str]]]:
    """county -> township -> villages, for the cascading selects (one index scan of the region columns)."""
    q = select(Response.county, Response.township, Response.village).distinct()
    if survey_id is not None:
        q = q.where(Response.survey_id == survey_id)
    tree: dict[str, dict[str, set[str]]] = {}
    for county, township, village in session.execute(q):
        if not county:
            continue
        towns = tree.setdefault(county, {})
        if township:
            villages = towns.setdefault(township, set())
            if village:
                villages.add(village)
    return {c: {t: sorted(v) for t, v in sorted(ts.items())} for c, ts in sorted(tree.items())}


def label_options() -> dict[str, list[tuple[str, str]]]:
    tax = taxonomy()
    return {fam: [(lab.id, lab.name) for lab in tax.family(fam)] for fam in ("groups", "needs")}
