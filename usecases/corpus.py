"""The policy corpus: its documents, one clause, search, and adding or re-indexing documents."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from usecases.context import Ctx, use_case

if TYPE_CHECKING:
    from corpus.search import Method
    from corpus.service import AddResult


@use_case("corpus:read")
def list_documents(ctx: Ctx) -> list[dict[str, Any]]:
    return [
        {
            "doc_id": d.doc_id,
            "title": d.title,
            "date": d.date,
            "department": d.department,
            "units": len(d.units),
            "structure": d.structure,
            "bundled": d.bundled,
        }
        for d in ctx.services.corpus.get().documents()
    ]


@use_case("corpus:read")
def search_corpus(
    ctx: Ctx, query: str, *, k: int = 5, doc: Sequence[str] | None = None, method: Method = "hybrid"
) -> list[dict[str, Any]]:
    """Ranked clauses: {doc_id, clause_id, section, title, text, citation, score}."""
    hits = ctx.services.corpus.get().search(query, k=k, doc=list(doc) if doc else None, method=method)
    return [h.to_dict() for h in hits]


@use_case("corpus:read")
def show_clause(ctx: Ctx, clause_id: str) -> dict[str, Any]:
    """One clause (``DOC_ID#CLAUSE``, or a Chinese short title in place of the doc id) with its citation."""
    doc, unit = ctx.services.corpus.get().unit(clause_id)
    return _clause_view(doc, unit)


@use_case("corpus:read")
def show_document(ctx: Ctx, ref: str) -> dict[str, Any]:
    """A document with its table of clauses, or one clause when ``ref`` names one."""
    doc, unit = ctx.services.corpus.get().show(ref)
    if unit is not None:
        return {"clause": _clause_view(doc, unit)}
    return {"document": doc.to_dict()}


@use_case("corpus:write")
def add_documents(
    ctx: Ctx,
    paths: Sequence[Path],
    *,
    doc_id: str | None = None,
    title: str | None = None,
    replace: bool = False,
) -> list[AddResult]:
    """Add (or replace) policy files; every file is checked first, and none is written if any fails."""
    results = ctx.services.corpus.get().add(list(paths), doc_id=doc_id, title=title, replace=replace)
    with ctx.db.session(write=True) as s:
        for r in results:
            ctx.audit(s, "corpus.add", "document", r.doc_id, units=r.units, replaced=r.replaced)
    return results


@use_case("corpus:write")
def reindex_corpus(ctx: Ctx) -> int:
    """Refit the embedding on every document and rebuild both indexes (after many additions)."""
    from corpus.service import Corpus

    n = Corpus(ctx.settings).reindex()
    with ctx.db.session(write=True) as s:
        ctx.audit(s, "corpus.reindex", "corpus", None, documents=n)
    return n


def _clause_view(doc: Any, unit: Any) -> dict[str, Any]:
    from corpus.documents import citation

    return {
        "doc_id": doc.doc_id,
        "clause_id": f"{doc.doc_id}#{unit.clause}",
        "doc_title": doc.title,
        "date": doc.date,
        "citation": citation(doc, unit),
        **unit.to_dict(),
    }
