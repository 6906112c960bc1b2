"""The numbers behind the dashboard charts, as plain data: passed to the page with ``tojson`` and drawn by
ECharts in the browser (never string-built JavaScript). Protected small cells ("<5") stay out of the charts."""

from __future__ import annotations

from typing import Any

from nlp.taxonomy import taxonomy


def _num(value: Any) -> int | None:
    return value if isinstance(value, int) else None


def chart_data(summary: dict[str, Any]) -> dict[str, Any]:
    tax = taxonomy()
    needs = summary.get("needs", {})
    groups = summary.get("groups", {})
    need_ids = list(needs)
    group_ids = [g for g in groups if groups[g]["share"]]
    heat = []
    for gi, g in enumerate(group_ids):
        row = summary.get("crosstab", {}).get(g, {})
        for ni, n in enumerate(need_ids):
            v = _num(row.get(n, 0))
            if v:
                heat.append([ni, gi, v])
    return {
        "needs": {
            "names": [needs[n]["name"] for n in need_ids],
            "percent": [round((needs[n]["share"] or 0) * 100, 1) for n in need_ids],
            "counts": [_num(needs[n]["count"]) for n in need_ids],
        },
        "heatmap": {
            "needs": [tax.get(n).name for n in need_ids],
            "groups": [tax.get(g).name for g in group_ids],
            "cells": heat,
            "max": max((c[2] for c in heat), default=0),
        },
        "trend": {
            "months": [t["month"] for t in summary.get("trend", [])],
            "counts": [_num(t["respondents"]) for t in summary.get("trend", [])],
        },
    }
