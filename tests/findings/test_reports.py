from pathlib import Path

import pytest
from openpyxl import load_workbook

from findings.drafting import draft_findings
from findings.reports import build_report, neutralise
from findings.summaries import Filters, summarize
from fuqing.errors import InputError


@pytest.fixture()
def material(filled, corpus):
    with filled.session() as s:
        summary = summarize(s, Filters(), threshold=2)
        summary["quotes"].append(
            {
                "response_id": 1,
                "need": "employment",
                "text": '=HYPERLINK("http://x")',
                "county": "@evil",
                "township": "x",
            }
        )
        draft = draft_findings(summary, corpus, s).to_dict()
    return summary, draft


def test_docx_has_real_headings_tables_and_appendix(material, corpus, tmp_path: Path):
    from docx import Document

    summary, draft = material
    path = build_report(
        summary,
        draft,
        corpus,
        "docx",
        tmp_path / "r.docx",
        title="金寨县调研报告",
        model={
            "version": "needs-x",
            "n_train": 10,
            "dev_metrics": {"n": 360, "groups": 0.88, "needs": 0.86, "exact": 0.6},
        },
    )
    doc = Document(path)
    headings = [
        p.text for p in doc.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"
    ]
    assert headings[0] == "金寨县调研报告" and "二、调研发现" in headings and "附录：所引条款全文" in headings
    assert len(doc.tables) >= 3 and doc.tables[0].rows[0].cells[0].text == "名称"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "〔《" in text and "0.86" in text and doc.inline_shapes  # citations, measured accuracy, the chart


def test_xlsx_sheets_and_formula_cells_neutralised(material, corpus, tmp_path: Path):
    summary, draft = material
    wb = load_workbook(build_report(summary, draft, corpus, "xlsx", tmp_path / "r.xlsx", title="t"))
    assert {"调研发现", "需求", "人群", "原话"} <= set(wb.sheetnames)
    quotes = [row for row in wb["原话"].iter_rows(values_only=True)]
    assert any(str(c).startswith("'=HYPERLINK") for row in quotes for c in row if c)
    assert not any(
        str(c).startswith(("=", "@")) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c
    )


def test_markdown_html_csv(material, corpus, tmp_path: Path):
    summary, draft = material
    md = build_report(summary, draft, corpus, "md", tmp_path / "r.md", title="t").read_text(encoding="utf-8")
    assert md.startswith("# t") and "## 调研发现" in md and "〔《" in md
    page = build_report(
        summary, draft, corpus, "html", tmp_path / "r.html", title="<script>x</script>"
    ).read_text(encoding="utf-8")
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page and "data:image/png;base64," in page
    raw = build_report(summary, draft, corpus, "csv", tmp_path / "r.csv", title="t").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "就业增收".encode() in raw
    with pytest.raises(InputError):
        build_report(summary, draft, corpus, "pdf", tmp_path / "r.pdf", title="t")


def test_neutralise():
    assert (
        neutralise("=1+1") == "'=1+1"
        and neutralise("-3") == "'-3"
        and neutralise("正常") == "正常"
        and neutralise(5) == 5
    )


def test_a_manual_line_break_from_word_reaches_every_report(filled, corpus, db_settings, tmp_path: Path):
    """Word's \\x0b survives into CSV and Excel exports; imported, it used to break every DOCX and XLSX report of
    its survey (XML cannot hold it). Cleaned at entry, the answer keeps its line break and every writer takes it."""
    from fuqing.actors import Actor
    from fuqing.models import Response
    from survey.intake import import_file

    f = tmp_path / "vt.csv"
    f.write_text("县,您最需要哪些帮助\n金寨县,想学手艺\x0b也想找工作\x07\n", encoding="utf-8")
    report = import_file(filled, db_settings, f, actor=Actor.system(), new_survey_title="vt")
    with filled.session() as s:
        stored = s.query(Response).filter(Response.upload_id == report.upload_id).one().text_redacted
        summary = summarize(s, Filters(), threshold=2)
        draft = draft_findings(summary, corpus, s).to_dict()
    assert stored == "想学手艺\n也想找工作"  # the bell became a space, then trimmed
    summary["quotes"].append({"response_id": 1, "need": "employment", "text": stored, "county": "金寨县"})
    for fmt in ("docx", "xlsx"):
        assert build_report(summary, draft, corpus, fmt, tmp_path / f"r.{fmt}", title="t").stat().st_size > 0
