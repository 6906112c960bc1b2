"""Hostile uploads through the API (issue 15): a clear 4xx, quickly, and the service answers afterwards."""

from __future__ import annotations

import time
from pathlib import Path

from tests import hostile_files as hostile
from tests.api.conftest import auth


def test_the_far_corner_sheet_is_a_422_in_under_two_seconds(api, tmp_path: Path) -> None:
    path = hostile.far_corner_xlsx(tmp_path)
    started = time.perf_counter()
    with open(path, "rb") as fh:
        r = api.post(
            "/api/uploads/inspect", files={"file": ("名单.xlsx", fh)}, headers=auth(api, "fieldworker")
        )
    assert time.perf_counter() - started < 2
    assert r.status_code == 422, r.text
    assert "2000 列" in r.json()["error"]["message"] or "2000 列" in r.text
    assert api.get("/api/health").status_code == 200


def test_a_zip_bomb_upload_is_refused_and_leaves_nothing_staged(api, tmp_path: Path) -> None:
    path = hostile.zip_bomb_xlsx(tmp_path, megabytes=32)
    with open(path, "rb") as fh:
        r = api.post(
            "/api/uploads",
            files={"file": ("a.xlsx", fh)},
            data={"new_survey_title": "x"},
            headers=auth(api, "admin"),
        )
    assert r.status_code == 422, r.text
    home = api.app.state.services.settings.resolved_home
    assert not [p for p in (home / "tmp").rglob("*") if p.is_file()]
