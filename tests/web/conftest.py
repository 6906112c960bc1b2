"""The web app with one user per role (password and token), and helpers to sign in and post forms with CSRF."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from fuqing.auth import add_user, create_token
from fuqing.db import open_database
from tests.conftest import install_corpus, install_model

PASSWORD = "secret-pass-1"
ROLES = ("fieldworker", "staff", "researcher", "admin")


@pytest.fixture()
def web(db_settings, model_template, bundled_home):  # type: ignore[no-untyped-def]
    """A TestClient on a fresh database (SQLite and PostgreSQL), users ``fieldworker``… ``admin`` with passwords."""
    home = db_settings.resolved_home
    install_model(model_template, home)
    install_corpus(bundled_home, home)
    db = open_database(db_settings)
    tokens = {}
    with db.session() as s:
        for role in ROLES:
            add_user(s, role, role, password=PASSWORD)
            tokens[role] = create_token(s, role)
    app = create_app(db_settings, db=db)
    with TestClient(app) as client:
        client.tokens = tokens  # type: ignore[attr-defined]
        yield client
    db.dispose()


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "page has no CSRF field"
    return m.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> None:
    client.cookies.clear()
    csrf = csrf_of(client.get("/login").text)
    r = client.post(
        "/login", data={"name": name, "password": password, "csrf": csrf, "next": "/"}, follow_redirects=False
    )
    assert r.status_code == 303, r.text


def post(client: TestClient, path: str, page: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    """POST a form with the CSRF token read from ``page`` (as the browser would)."""
    csrf = csrf_of(client.get(page).text)
    return client.post(path, data={**(data or {}), "csrf": csrf}, **kw)
