"""Admin pages: users (add, set a password, issue or revoke tokens) and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from api.web.context import Ctx, page_for
from fuqing.audit import record
from fuqing.auth import ROLE_NAMES, add_user, create_token, revoke_tokens, set_password
from fuqing.models import ApiToken, AuditLog, User

router = APIRouter(prefix="/admin", include_in_schema=False)


def _users_page(ctx: Ctx, **extra: object) -> HTMLResponse:
    with ctx.db.session() as s:
        users = list(s.scalars(select(User).order_by(User.id)))
        counts: dict[int, int] = {}
        for uid, _tid in s.execute(
            select(ApiToken.user_id, ApiToken.id).where(ApiToken.revoked_at.is_(None))
        ):
            counts[uid] = counts.get(uid, 0) + 1
    values = {"users": users, "roles": ROLE_NAMES, "tokens": counts, "new_token": None, "notice": None}
    values.update(extra)
    return ctx.render("admin_users.html", **values)


@router.get("/users", response_class=HTMLResponse)
def users(ctx: Ctx = Depends(page_for("user:manage"))) -> HTMLResponse:
    return _users_page(ctx)


@router.post("/users", response_class=HTMLResponse)
def new_user(
    name: str = Form(...),
    role: str = Form(...),
    display_name: str = Form(""),
    password: str = Form(""),
    ctx: Ctx = Depends(page_for("user:manage")),
) -> HTMLResponse:
    with ctx.db.session(write=True) as s:
        u = add_user(s, name, role, password=password or None, display_name=display_name.strip() or None)
        record(s, ctx.user, "user.add", "user", u.name, role=u.role)
    return _users_page(ctx, notice=f"已添加用户 {name}。")


@router.post("/users/{name}/tokens", response_class=HTMLResponse)
def new_token(name: str, ctx: Ctx = Depends(page_for("user:manage"))) -> HTMLResponse:
    with ctx.db.session(write=True) as s:
        token = create_token(s, name, label="web")
        record(s, ctx.user, "token.create", "user", name)
    return _users_page(ctx, new_token={"name": name, "token": token})


@router.post("/users/{name}/revoke", response_class=HTMLResponse)
def revoke(name: str, ctx: Ctx = Depends(page_for("user:manage"))) -> HTMLResponse:
    with ctx.db.session(write=True) as s:
        n = revoke_tokens(s, name)
        record(s, ctx.user, "token.revoke", "user", name, count=n)
    return _users_page(ctx, notice=f"已撤销 {name} 的 {n} 个令牌。")


@router.post("/users/{name}/password", response_class=HTMLResponse)
def password(
    name: str, password: str = Form(...), ctx: Ctx = Depends(page_for("user:manage"))
) -> HTMLResponse:
    with ctx.db.session(write=True) as s:
        set_password(s, name, password)
        record(s, ctx.user, "user.password", "user", name)
    return _users_page(ctx, notice=f"已为 {name} 设置新密码。")


@router.get("/audit", response_class=HTMLResponse)
def audit(ctx: Ctx = Depends(page_for("audit:read"))) -> HTMLResponse:
    with ctx.db.session() as s:
        rows = list(s.scalars(select(AuditLog).order_by(AuditLog.id.desc()).limit(200)))
    return ctx.render("admin_audit.html", rows=rows)
