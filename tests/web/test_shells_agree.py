"""The command line, the API and the web page draft findings through one use case: for the same filters they give
the same draft, and each is audited the same way (who, through which shell, what survived verification)."""

from __future__ import annotations

import html
import json
import re

from sqlalchemy import select
from typer.testing import CliRunner

import usecases as uc
from api.cli import app as cli
from fuqing.actors import Actor
from fuqing.models import AuditLog
from tests.fixtures import exports
from tests.web.conftest import post, sign_in


def _cli_draft(settings, county: str) -> dict:  # type: ignore[no-untyped-def]
    env = {"FUQING_HOME": str(settings.resolved_home), "FUQING_DATABASE_URL": settings.database_url or ""}
    res = CliRunner().invoke(
        cli, ["draft", "--county", county, "--json"], env={k: v for k, v in env.items() if v}
    )
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _texts(items: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [i["text"] for i in items]


def test_cli_api_and_web_draft_the_same_findings(web, tmp_path):  # type: ignore[no-untyped-def]
    services = web.app.state.services
    ctx = uc.Ctx(services, Actor.system())
    uc.import_upload(
        ctx, exports.wjx_csv(tmp_path / "wjx.csv", n=40), filename="wjx.csv", new_survey_title="t"
    )

    via_api = web.post(
        "/api/drafts", json={"county": "金寨县"}, headers={"Authorization": f"Bearer {web.tokens['staff']}"}
    ).json()
    via_cli = _cli_draft(services.settings, "金寨县")
    sign_in(web, "staff")
    page = post(web, "/drafts?county=金寨县", "/drafts", headers={"HX-Request": "true"}).text
    assert via_api["findings"], "the sample should give at least one finding"
    for key in ("findings", "suggestions", "rejected", "policy_gaps", "scope", "drafter", "respondents"):
        assert via_api[key] == via_cli[key], key
    shown = html.unescape(re.sub(r"<[^>]+>", "", page))
    for text in _texts(via_api["findings"]) + _texts(via_api["suggestions"]):
        assert text in shown

    with services.db.session() as s:
        entries = list(s.scalars(select(AuditLog).where(AuditLog.action == "draft").order_by(AuditLog.id)))
    assert [e.detail["via"] for e in entries] == ["api", "cli", "web"]
    assert entries[0].actor == entries[2].actor == "staff" and entries[1].actor.startswith("cli:")
    assert len({frozenset(e.detail) for e in entries}) == 1  # the same record, whichever shell
    assert (
        len({json.dumps({k: e.detail[k] for k in ("findings", "rejected", "filters")}) for e in entries}) == 1
    )
