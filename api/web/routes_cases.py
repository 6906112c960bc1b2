"""Follow-up case pages: the list of a cadre's area, one case with its answer, steps and referral help, and the
referral contacts an administrator keeps. Each handler calls one use case and renders."""

from __future__ import annotations

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse

import usecases as uc
from api.deps import Id
from api.web.context import CasePage, Page, ReferralPage
from nlp.risk import KIND_NAMES

router = APIRouter(include_in_schema=False)


@router.get("/cases", response_class=HTMLResponse)
def cases_page(page: CasePage, status: str = "open") -> HTMLResponse:
    status = status if status in ("open", "all", "closed", "dismissed") else "open"
    items = uc.list_cases(page.uc, status)
    report = uc.case_report(page.uc)
    referrals = uc.list_referrals(page.uc)
    return page.render(
        "cases.html", items=items, status=status, report=report, referrals=referrals, kinds=KIND_NAMES
    )


def _case(page: Page, case_id: int, contact: dict | None = None) -> HTMLResponse:  # type: ignore[type-arg]
    return page.render("case.html", case=uc.show_case(page.uc, case_id), contact=contact)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(case_id: Id, page: CasePage) -> HTMLResponse:
    return _case(page, case_id)


@router.post("/cases/{case_id}/assign", response_model=None)
def case_assign(case_id: Id, page: CasePage, user_id: int = Form(...)) -> HTMLResponse | RedirectResponse:
    uc.assign_case(page.uc, case_id, user_id)
    return page.redirect(f"/cases/{case_id}")


@router.post("/cases/{case_id}/update", response_model=None)
def case_update(
    case_id: Id,
    page: CasePage,
    status: str = Form(""),
    note: str = Form(""),
    reason: str = Form(""),
) -> HTMLResponse | RedirectResponse:
    uc.update_case(page.uc, case_id, status or None, note, reason)
    return page.redirect(f"/cases/{case_id}")


@router.post("/cases/{case_id}/contact", response_class=HTMLResponse)
def case_contact(case_id: Id, page: CasePage) -> HTMLResponse:
    return _case(page, case_id, uc.read_case_contact(page.uc, case_id))


@router.post("/referrals", response_model=None)
def referral_add(
    page: ReferralPage,
    organisation: str = Form(""),
    phone: str = Form(""),
    county: str = Form(""),
    handles: list[str] = Form([]),
) -> HTMLResponse | RedirectResponse:
    uc.add_referral(page.uc, organisation, phone, county or None, handles)
    return page.redirect("/cases#referrals")


@router.post("/referrals/{referral_id}/delete", response_model=None)
def referral_remove(referral_id: Id, page: ReferralPage) -> HTMLResponse | RedirectResponse:
    uc.remove_referral(page.uc, referral_id)
    return page.redirect("/cases#referrals")
