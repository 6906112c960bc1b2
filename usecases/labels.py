"""Labels: tagging a text, the labels of a stored response, training the model and retagging what is stored."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from survey import labels
from usecases.context import Ctx, use_case


@use_case("summary:read")
def tag_text(ctx: Ctx, text: str) -> dict[str, Any]:
    """Groups and needs of one text, with scores, sources and explanations (nothing is stored)."""
    from nlp.risk_model import default_risk_detector

    [t] = ctx.services.tagger.get().tag([text])
    [risk] = default_risk_detector().assess([text])
    return {
        "labels": [lab.to_dict() for lab in t.labels],
        "uncertain": t.uncertain,
        "disagreements": t.disagreements,
        "injection": t.injection,
        "risk": {
            "kinds": risk.kinds,
            "urgency": risk.urgency,
            "flags": [{"kind": f.kind, "score": f.score, "source": f.source} for f in risk.flags],
        },
    }


@use_case("response:read")
def response_labels(ctx: Ctx, response_id: int) -> list[dict[str, Any]]:
    ctx.services.settle()
    with ctx.db.session() as s:
        return labels.labels_of(s, response_id)


@use_case("model:train")
def train_model(ctx: Ctx, data: Path | None = None, *, with_reviewed: bool = True) -> dict[str, Any]:
    """Train the needs model (bundled data, or ``data``, plus human-reviewed responses); it becomes current."""
    from nlp.model_store import train_and_save
    from survey.review import reviewed_examples

    extra = []
    if with_reviewed:
        with ctx.db.session() as s:
            extra = reviewed_examples(s)
    trained = train_and_save(ctx.settings, data, extra)
    with ctx.db.session(write=True) as s:
        ctx.audit(s, "model.train", "model", trained.version, reviewed=len(extra))
    return {"version": trained.version, "reviewed": len(extra), **trained.manifest}


@use_case("model:train")
def retag_responses(ctx: Ctx, progress: Callable[[int], None] | None = None) -> int:
    """Tag every stored response with the current model (human labels stay)."""
    n = labels.retag_all(ctx.db, ctx.services.tagger.get(), floor=ctx.settings.kappa_floor, progress=progress)
    with ctx.db.session(write=True) as s:
        ctx.audit(s, "model.retag", "response", None, count=n)
    return n
