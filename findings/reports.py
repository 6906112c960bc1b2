"""Reports of a summary and its drafted findings: DOCX (Word/WPS), XLSX, Markdown, HTML and CSV.

Every text cell that a spreadsheet could read as a formula (=, +, -, @) is neutralised on export.
"""

from __future__ import annotations

import base64
import csv
import html
import io
from datetime import datetime
from pathlib import Path
from typing import Any

from findings.disclosure import interval_text, share_text
from fuqing.errors import InputError
from fuqing.timeutil import CST
from nlp.taxonomy import taxonomy

MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}
FORMATS = tuple(MEDIA)


def neutralise(value: Any) -> Any:
    """A leading = + - @ (or tab/CR) would make Excel or WPS run the cell as a formula: prefix a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _tables(summary: dict[str, Any]) -> dict[str, tuple[list[str], list[list[Any]]]]:
    tax = taxonomy()
    out: dict[str, tuple[list[str], list[list[Any]]]] = {}
    for fam, title in (("needs", "需求"), ("groups", "人群")):
        rows = [
            [
                v["name"],
                lab,
                v["count"],
                share_text(v),
                interval_text(v),
            ]
            for lab, v in summary.get(fam, {}).items()
        ]
        out[title] = (["名称", "标签", "人数", "占比", "95% 区间"], rows)
    needs = [lab.id for lab in tax.family("needs")]
    cross = summary.get("crosstab", {})
    out["人群×需求"] = (
        ["人群"] + [tax.get(n).name for n in needs],
        [[tax.get(g).name] + [cross.get(g, {}).get(n, 0) for n in needs] for g in cross],
    )
    out["地区"] = (
        ["层级", "地区", "回答数", "最多的需求"],
        [
            [
                r["level"],
                r["name"],
                r["respondents"],
                "、".join(f"{tax.get(t['need']).name}({t['count']})" for t in r["top_needs"]),
            ]
            for r in summary.get("regions", [])
        ],
    )
    out["月度趋势"] = (["月份", "回答数"], [[t["month"], t["respondents"]] for t in summary.get("trend", [])])
    return out


def _chart_png(summary: dict[str, Any]) -> bytes | None:
    """Needs by group, as a grouped bar chart. Chinese labels need a CJK font; without one, label ids are used."""
    cross = summary.get("crosstab", {})
    if not cross:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    cjk = [
        f.name
        for f in font_manager.fontManager.ttflist
        if any(k in f.name for k in ("CJK", "Hei", "Song", "WenQuanYi", "Sans SC"))
    ]
    tax = taxonomy()
    name = (lambda i: tax.get(i).name) if cjk else (lambda i: i)
    if cjk:
        plt.rcParams["font.sans-serif"] = [cjk[0]]
    needs = [lab.id for lab in tax.family("needs")]
    fig, ax = plt.subplots(figsize=(8, 4), dpi=110)
    width = 0.8 / max(1, len(cross))
    for k, (group, row) in enumerate(cross.items()):
        values = [row.get(n, 0) if isinstance(row.get(n, 0), int) else 0 for n in needs]
        ax.bar([i + k * width for i in range(len(needs))], values, width, label=name(group))
    ax.set_xticks(
        [i + 0.4 - width / 2 for i in range(len(needs))],
        [name(n) for n in needs],
        rotation=35,
        ha="right",
        fontsize=8,
    )
    ax.set_ylabel("count")
    ax.legend(fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _method(summary: dict[str, Any], model: dict[str, Any] | None) -> str:
    n = summary["respondents"]
    text = (
        f"本报告基于约 {n} 份符合筛选条件的调查回答。开放题回答先去除姓名、住址、身份证号、电话等个人信息，再由需求标注模型"
        "（词与字 n-gram 特征的逻辑回归，逐标签校准并交叉验证选取阈值）与透明规则标注人群与需求；人工审核过的标签优先。"
        f"为保护受访者，所有人数按 {summary.get('rounding_base', 5)} 取整，占比及其 95% Wilson 区间由取整后的人数算出；"
        f"少于 {summary.get('small_cell_threshold', 5)} 人的格子显示为“<{summary.get('small_cell_threshold', 5)}”，"
        "能由合计推算出它的另一个格子显示为“不公开”；原话只摘自回答人数不少于这一门槛的村。"
    )
    if model:
        text += f"所用模型：{model.get('version')}（{model.get('n_train')} 条训练数据）。"
        dev = model.get("dev_metrics")
        if dev:
            text += f"在留出的 {dev['n']} 条开发集上：人群 macro-F1 {dev['groups']:.2f}，需求 macro-F1 {dev['needs']:.2f}，完全匹配 {dev['exact']:.2f}。"
    return text


def _clauses(draft: dict[str, Any], corpus: Any) -> list[tuple[str, str, str]]:
    ids = []
    for item in draft.get("findings", []) + draft.get("suggestions", []):
        for cid in item.get("citations", []):
            if cid not in ids:
                ids.append(cid)
    out = []
    for cid in ids:
        from corpus.documents import citation

        doc, unit = corpus.unit(cid)
        out.append((cid, citation(doc, unit), unit.text))
    return out


def build_report(
    summary: dict[str, Any],
    draft: dict[str, Any],
    corpus: Any,
    fmt: str,
    path: Path,
    *,
    title: str,
    model: dict[str, Any] | None = None,
) -> Path:
    if fmt not in FORMATS:
        raise InputError(f"不支持的报告格式 {fmt!r}。", hint="可选：" + "、".join(FORMATS))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    parts = {
        "title": title,
        "generated": datetime.now(CST).strftime("%Y-%m-%d %H:%M"),
        "scope": draft.get("scope") or "全部调查",
        "filters": summary.get("filters", {}),
        "method": _method(summary, model),
        "tables": _tables(summary),
        "clauses": _clauses(draft, corpus),
    }
    writer = {"docx": _docx, "xlsx": _xlsx, "md": _markdown, "html": _html, "csv": _csv}[fmt]
    writer(summary, draft, parts, path)
    return path


def _item_line(item: dict[str, Any]) -> str:
    return item["text"] + "".join(item.get("rendered_citations", []))


def _docx(summary: dict[str, Any], draft: dict[str, Any], parts: dict[str, Any], path: Path) -> None:
    from docx import Document
    from docx.shared import Inches

    doc = Document()
    doc.add_heading(parts["title"], level=0)
    doc.add_paragraph(f"范围：{parts['scope']}　生成时间：{parts['generated']}")
    doc.add_heading("一、调查方法", level=1)
    doc.add_paragraph(parts["method"])
    doc.add_heading("二、调研发现", level=1)
    for item in draft.get("findings", []) or [{"text": "没有可报告的发现。", "rendered_citations": []}]:
        doc.add_paragraph(_item_line(item), style="List Number")
    doc.add_heading("三、工作建议", level=1)
    for item in draft.get("suggestions", []):
        doc.add_paragraph(_item_line(item), style="List Number")
    doc.add_heading("四、统计表", level=1)
    for name, (header, rows) in parts["tables"].items():
        if not rows:
            continue
        doc.add_heading(name, level=2)
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for i, h in enumerate(header):
            table.rows[0].cells[i].text = str(h)
        for row in rows:
            cells = table.add_row().cells
            for i, v in enumerate(row):
                cells[i].text = str(v)
    png = _chart_png(summary)
    if png:
        doc.add_heading("各人群的需求", level=2)
        doc.add_picture(io.BytesIO(png), width=Inches(6))
    if summary.get("quotes"):
        doc.add_heading("五、代表性原话", level=1)
        for q in summary["quotes"]:
            doc.add_paragraph(
                f"“{q['text']}”（{q.get('county') or ''}{q.get('township') or ''}，回答 #{q['response_id']}）"
            )
    if parts["clauses"]:
        doc.add_heading("附录：所引条款全文", level=1)
        for cid, cite, text in parts["clauses"]:
            doc.add_paragraph(f"{cite}（{cid}）").runs[0].bold = True
            doc.add_paragraph(text)
    doc.save(path)


def _xlsx(summary: dict[str, Any], draft: dict[str, Any], parts: dict[str, Any], path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "调研发现"
    ws.append(["类型", "内容", "引用条款"])
    for kind, items in (("发现", draft.get("findings", [])), ("建议", draft.get("suggestions", []))):
        for item in items:
            ws.append(
                [kind, neutralise(item["text"]), neutralise("".join(item.get("rendered_citations", [])))]
            )
    for name, (header, rows) in parts["tables"].items():
        sheet = wb.create_sheet(name.replace("×", "x")[:31])
        sheet.append(header)
        for row in rows:
            sheet.append([neutralise(v) for v in row])
    quotes = wb.create_sheet("原话")
    quotes.append(["回答", "需求", "原话", "县", "乡镇"])
    for q in summary.get("quotes", []):
        quotes.append(
            [
                q["response_id"],
                q["need"],
                neutralise(q["text"]),
                neutralise(q.get("county")),
                neutralise(q.get("township")),
            ]
        )
    wb.save(path)


def _markdown(summary: dict[str, Any], draft: dict[str, Any], parts: dict[str, Any], path: Path) -> None:
    lines = [
        f"# {parts['title']}",
        "",
        f"范围：{parts['scope']}　生成时间：{parts['generated']}",
        "",
        "## 调查方法",
        "",
        parts["method"],
        "",
        "## 调研发现",
        "",
    ]
    lines += [f"{i}. {_item_line(it)}" for i, it in enumerate(draft.get("findings", []), 1)] or [
        "没有可报告的发现。"
    ]
    lines += ["", "## 工作建议", ""] + [
        f"{i}. {_item_line(it)}" for i, it in enumerate(draft.get("suggestions", []), 1)
    ]
    for name, (header, rows) in parts["tables"].items():
        if rows:
            lines += ["", f"## {name}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            lines += ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in rows]
    png = _chart_png(summary)
    if png:
        chart = path.with_suffix(".chart.png")
        chart.write_bytes(png)
        lines += ["", f"![各人群的需求]({chart.name})"]
    if summary.get("quotes"):
        lines += ["", "## 代表性原话", ""] + [
            f"> “{q['text']}”（回答 #{q['response_id']}）" for q in summary["quotes"]
        ]
    if parts["clauses"]:
        lines += ["", "## 附录：所引条款全文", ""]
        for cid, cite, text in parts["clauses"]:
            lines += [f"**{cite}**（{cid}）", "", text, ""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _html(summary: dict[str, Any], draft: dict[str, Any], parts: dict[str, Any], path: Path) -> None:
    e = html.escape
    body = [
        f"<h1>{e(parts['title'])}</h1>",
        f"<p>范围：{e(parts['scope'])}　生成时间：{e(parts['generated'])}</p>",
        "<h2>调查方法</h2>",
        f"<p>{e(parts['method'])}</p>",
    ]
    for title, items in (("调研发现", draft.get("findings", [])), ("工作建议", draft.get("suggestions", []))):
        body.append(
            f"<h2>{title}</h2><ol>" + "".join(f"<li>{e(_item_line(it))}</li>" for it in items) + "</ol>"
        )
    for name, (header, rows) in parts["tables"].items():
        if rows:
            body.append(
                f"<h2>{e(name)}</h2><table><thead><tr>"
                + "".join(f"<th>{e(str(h))}</th>" for h in header)
                + "</tr></thead><tbody>"
            )
            body += ["<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>" for row in rows]
            body.append("</tbody></table>")
    png = _chart_png(summary)
    if png:
        body.append(
            f'<h2>各人群的需求</h2><img alt="各人群的需求" src="data:image/png;base64,{base64.b64encode(png).decode()}">'
        )
    if summary.get("quotes"):
        body.append(
            "<h2>代表性原话</h2>"
            + "".join(
                f"<blockquote>“{e(q['text'])}”（回答 #{q['response_id']}）</blockquote>"
                for q in summary["quotes"]
            )
        )
    if parts["clauses"]:
        body.append(
            "<h2>附录：所引条款全文</h2>"
            + "".join(
                f"<h3>{e(cite)}（{e(cid)}）</h3><p>{e(text)}</p>" for cid, cite, text in parts["clauses"]
            )
        )
    style = "body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.6}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em}"
    path.write_text(
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{e(parts["title"])}</title><style>{style}</style></head><body>{"".join(body)}</body></html>',
        encoding="utf-8",
    )


def _csv(summary: dict[str, Any], draft: dict[str, Any], parts: dict[str, Any], path: Path) -> None:
    """The needs and groups tables, UTF-8 with a BOM so that Excel on Chinese Windows shows the characters."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        for name in ("需求", "人群"):
            header, rows = parts["tables"][name]
            w.writerow(["表", *header])
            for row in rows:
                w.writerow([name, *[neutralise(v) for v in row]])
