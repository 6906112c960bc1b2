"""An app on a fresh database with one user per role, and their tokens."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from fuqing.auth import add_user, create_token
from fuqing.db import open_database
from tests.conftest import install_corpus, install_model


@pytest.fixture()
def api(db_settings, model_template):  # type: ignore[no-untyped-def]
    install_model(model_template, db_settings.resolved_home)
    db = open_database(db_settings)
    tokens = {}
    with db.session() as s:
        for role in ("fieldworker", "staff", "caseworker", "researcher", "admin"):
            add_user(s, role, role)
            tokens[role] = create_token(s, role)
        add_user(s, "fieldworker2", "fieldworker")
        tokens["fieldworker2"] = create_token(s, "fieldworker2")
    app = create_app(db_settings, db=db)
    with TestClient(app) as client:
        client.tokens = tokens  # type: ignore[attr-defined]
        yield client
    db.dispose()


@pytest.fixture()
def api_with_corpus(api, bundled_home):  # type: ignore[no-untyped-def]
    """The app with the ingested bundled corpus in its home (opened lazily on the first corpus request)."""
    install_corpus(bundled_home, api.app.state.services.settings.resolved_home)
    return api


def auth(client, role: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {client.tokens[role]}"}
