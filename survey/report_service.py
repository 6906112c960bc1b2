"""One function from filters to a report file, shared by `fuqing report` and the API download."""

from __future__ import annotations

from pathlib import Path

from fuqing.config import Settings
from fuqing.db import open_database
from survey.reports import build_report
from survey.summaries import Filters, summarize


def make_report(
    settings: Settings,
    filters: Filters,
    fmt: str,
    output: Path,
    *,
    title: str,
    corpus=None,
    db=None,
    index=None,
) -> Path:  # type: ignore[no-untyped-def]
    from corpus.service import Corpus
    from nlp.model_store import current_model
    from survey.drafting import configured_drafter, draft_findings

    database = db or open_database(settings)
    corpus = corpus or Corpus.open(settings)
    drafter = configured_drafter(settings)
    try:
        model = current_model(settings, train_if_missing=False).manifest
    except Exception:
        model = None
    with database.session() as s:
        summary = summarize(s, filters, threshold=settings.small_cell_threshold, index=index)
        draft = draft_findings(summary, corpus, s, drafter).to_dict()
    return build_report(summary, draft, corpus, fmt, output, title=title, model=model)
