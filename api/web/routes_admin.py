"""Admin pages: users (add, set a password, issue or revoke tokens) and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse

import usecases as uc
from api.web.context import AuditPage, Page, UsersPage
from fuqing.auth import ROLE_NAMES

router = APIRouter(prefix="/admin", include_in_schema=False)


def _users_page(page: Page, **extra: object) -> HTMLResponse:
    values = {"users": uc.list_users(page.uc), "roles": ROLE_NAMES, "new_token": None, "notice": None}
    return page.render("admin_users.html", **{**values, **extra})


@router.get("/users", response_class=HTMLResponse)
def users(page: UsersPage) -> HTMLResponse:
    return _users_page(page)


@router.post("/users", response_class=HTMLResponse)
def new_user(
    page: UsersPage,
    name: str = Form(...),
    role: str = Form(...),
    display_name: str = Form(""),
    password: str = Form(""),
) -> HTMLResponse:
    uc.add_user(page.uc, name, role, password=password or None, display_name=display_name.strip() or None)
    return _users_page(page, notice=f"已添加用户 {name}。")


@router.post("/users/{name}/tokens", response_class=HTMLResponse)
def new_token(name: str, page: UsersPage) -> HTMLResponse:
    token = uc.create_token(page.uc, name, label="web")
    return _users_page(page, new_token={"name": name, "token": token})


@router.post("/users/{name}/tokens/revoke", response_class=HTMLResponse)
def revoke(name: str, page: UsersPage) -> HTMLResponse:
    n = uc.revoke_tokens(page.uc, name)
    return _users_page(page, notice=f"已撤销 {name} 的 {n} 个令牌。")


@router.post("/users/{name}/password", response_class=HTMLResponse)
def password(name: str, page: UsersPage, password: str = Form(...)) -> HTMLResponse:
    uc.set_password(page.uc, name, password)
    return _users_page(page, notice=f"已为 {name} 设置新密码。")


@router.get("/audit", response_class=HTMLResponse)
def audit(page: AuditPage) -> HTMLResponse:
    return page.render("admin_audit.html", rows=uc.read_audit_log(page.uc, 200))
