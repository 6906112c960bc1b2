"""report.md and report.html of a run: headline figures with intervals, the suite's tables and its plots.

Plots are written as sibling PNG files (linked from the Markdown) and embedded in the HTML as data: URIs, so
the HTML is one self-contained file that opens offline; nothing is loaded from a CDN.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

from evals.results import SuiteResult

TITLES = {
    "classify": "需求标注评测",
    "fairness": "分组公平性评测",
    "robustness": "稳健性评测",
    "retrieval": "政策检索评测",
    "drafting": "起草核验评测",
    "segmentation": "分词评测",
    "redaction": "个人信息脱敏评测",
    "risk": "风险提示评测",
}


def fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, float) for v in value):
        return f"[{fmt(value[0])}, {fmt(value[1])}]"
    if value is None:
        return "–"
    return str(value)


def headline_rows(headline: dict[str, Any]) -> list[list[str]]:
    return [
        [name, fmt(h.get("value")), fmt(h.get("ci")) if h.get("ci") else "–"] for name, h in headline.items()
    ]


def _md_table(columns: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        return fmt(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _html_table(columns: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(fmt(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _provenance(config: dict[str, Any]) -> list[list[str]]:
    rows = [
        ["run", config["run_id"]],
        ["git commit", config.get("git_commit") or "–"],
        ["started", config.get("started_at", "")],
        ["seconds", str(config.get("seconds", ""))],
    ]
    for name, d in config.get("datasets", {}).items():
        rows.append([f"data: {name}", f"{Path(d['path']).name} sha256 {d['sha256'][:16]}…"])
    for key, value in config.get("options", {}).items():
        rows.append([f"option: {key}", fmt(value)])
    return rows


def write_reports(path: Path, config: dict[str, Any], result: SuiteResult) -> None:
    title = f"{TITLES.get(result.suite, result.suite)}（{result.suite}）"
    head = headline_rows(result.metrics.get("headline", {}))
    for name, png in result.plots.items():
        (path / f"{name}.png").write_bytes(png)

    md = [
        f"# {title}",
        "",
        "## 主要指标（95% 自助法区间）",
        "",
        _md_table(["metric", "value", "95% CI"], head),
    ]
    for note in result.notes:
        md += ["", f"> {note}"]
    for t in result.tables:
        md += ["", f"## {t.title}", "", _md_table(t.columns, t.rows)]
    if result.plots:
        md += ["", "## 图"]
        md += [f"\n![{name}]({name}.png)" for name in result.plots]
    md += ["", "## 运行信息", "", _md_table(["", ""], _provenance(config)), ""]
    (path / "report.md").write_text("\n".join(md), encoding="utf-8")

    parts = [
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;"
        "font-size:13px;text-align:left}th{background:#f3f3f3}img{max-width:100%}"
        "blockquote{color:#555;border-left:3px solid #ccc;margin:0;padding-left:1em}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        "<h2>主要指标（95% 自助法区间）</h2>",
        _html_table(["metric", "value", "95% CI"], head),
    ]
    parts += [f"<blockquote>{html.escape(n)}</blockquote>" for n in result.notes]
    for t in result.tables:
        parts += [f"<h2>{html.escape(t.title)}</h2>", _html_table(t.columns, t.rows)]
    if result.plots:
        parts.append("<h2>图</h2>")
        for name, png in result.plots.items():
            data = base64.b64encode(png).decode("ascii")
            parts.append(
                f"<figure><img alt='{html.escape(name)}' src='data:image/png;base64,{data}'></figure>"
            )
    parts += ["<h2>运行信息</h2>", _html_table(["", ""], _provenance(config)), "</body></html>"]
    (path / "report.html").write_text("".join(parts), encoding="utf-8")
