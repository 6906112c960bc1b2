"""The demo survey: invented answers for trying every page, marked as such everywhere."""

from __future__ import annotations

from survey.demo import load_demo as load
from usecases.context import Ctx, use_case


@use_case("demo:load")
def load_demo(ctx: Ctx) -> int:
    """Create the demo survey (once; loading twice is a no-op) and return its id."""
    with ctx.db.session(write=True) as s:
        survey, _created = load(s, ctx.services.tagger.get(), ctx.actor, floor=ctx.settings.kappa_floor)
        return survey.id
