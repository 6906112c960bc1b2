"""Findings drafts and reports: the offline drafter and a DOCX report over 100,000 responses.

Run: python bench/bench_drafts.py [--rows 100000] [--repeat 10]   (writes bench/out/drafts.json)
The summary index is loaded and the corpus ingested once before timing, as in a running service.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import save, time_calls


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args()
    from survey.report_service import make_report

    from bench.bench_summary import fill
    from corpus.service import Corpus
    from findings.drafting import draft_findings
    from findings.summaries import Filters, summarize
    from findings.summary_index import SummaryIndex
    from fuqing.config import Settings
    from fuqing.db import open_database

    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home))
        db = open_database(settings)
        fill(db, args.rows)
        corpus = Corpus.open(settings)
        index = SummaryIndex()
        out: dict[str, object] = {"rows": args.rows}
        for name, f in {"all": Filters(), "county": Filters(county="金寨县")}.items():
            with db.session() as s:
                summary = summarize(s, f, index=index)
                draft_findings(summary, corpus, s)  # warm the retrieval caches

                def draft(summary: dict = summary) -> None:
                    with db.session() as s2:
                        draft_findings(summary, corpus, s2)

                out[f"offline_draft_{name}"] = time_calls(draft, args.repeat)
            target = Path(home) / "report.docx"

            def report(f: Filters = f, target: Path = target) -> None:
                make_report(
                    settings,
                    f,
                    "docx",
                    target,
                    title="基层妇女群众需求调研报告",
                    corpus=corpus,
                    db=db,
                    index=index,
                )

            t = time.perf_counter()
            report()
            out[f"docx_report_{name}_first_s"] = round(time.perf_counter() - t, 2)
            out[f"docx_report_{name}"] = time_calls(report, max(3, args.repeat // 3))
            print(name, {k: v for k, v in out.items() if name in k}, flush=True)
        db.dispose()
    print("written", save("drafts", out))


if __name__ == "__main__":
    main()
