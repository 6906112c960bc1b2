"""Old page addresses, kept for one release: each answers with a permanent redirect (308 keeps the method and the
form, so an old bookmark or a page cached in a phone still works) to the address named in the README's glossary."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

router = APIRouter(include_in_schema=False)

# old path (FastAPI pattern) -> (new path pattern, methods)
MOVED: dict[str, tuple[str, tuple[str, ...]]] = {
    "/upload": ("/uploads/new", ("GET",)),
    "/upload/inspect": ("/uploads/inspect", ("POST",)),
    "/upload/start": ("/uploads/start", ("POST",)),
    "/upload/jobs/{job_id}": ("/uploads/jobs/{job_id}", ("GET",)),
    "/dashboard": ("/summaries", ("GET",)),
    "/dashboard/panel": ("/summaries/panel", ("GET",)),
    "/summary": ("/drafts", ("GET",)),
    "/summary/draft": ("/drafts", ("GET",)),  # drafting is now a POST; an old link opens the page
    "/clause/{clause_id:path}": ("/corpus/clauses/{clause_id}", ("GET",)),
    "/admin/users/{name}/revoke": ("/admin/users/{name}/tokens/revoke", ("POST",)),
}


def _redirect(new: str):  # type: ignore[no-untyped-def]
    async def moved(request: Request) -> RedirectResponse:
        target = new.format(**request.path_params)
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(target + query, status_code=308)

    return moved


for old, (new, methods) in MOVED.items():
    router.add_api_route(old, _redirect(new), methods=list(methods))


@router.api_route("/respond", methods=["GET", "POST"])
async def respond(request: Request) -> RedirectResponse:
    """GET was the form (now /responses/new); POST submitted it (now POST /responses)."""
    return RedirectResponse("/responses/new" if request.method == "GET" else "/responses", status_code=308)
