"""The places responses come from, as a county → township → village tree."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fuqing.models import Response


def region_tree(session: Session, survey_id: int | None = None) -> dict[str, dict[str, list[str]]]:
    """county -> township -> villages, for cascading pickers (one index scan of the region columns)."""
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
