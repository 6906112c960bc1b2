"""GET /api/evals: the runs for the web pages, behind the eval:read permission."""

from pathlib import Path

from evals.runs import SuiteResult, save_run
from evals.runs import headline as fig
from tests.api.conftest import api, auth  # noqa: F401 - the app fixture with a user per role


def _save(settings) -> str:  # type: ignore[no-untyped-def]
    data = Path(__file__)
    result = SuiteResult(
        "segmentation",
        {"limit": 1},
        {"texts": data},
        {"headline": {"token_agreement": fig(0.97, [0.95, 0.99])}},
        [{"id": 0}],
    )
    return save_run(settings, result)


def test_runs_listed_and_read_through_the_api(api):  # noqa: F811
    run_id = _save(api.app.state.services.settings)
    res = api.get("/api/evals", headers=auth(api, "researcher"))
    assert res.status_code == 200
    assert [r["run_id"] for r in res.json()] == [run_id]
    assert res.json()[0]["headline"]["token_agreement"]["ci"] == [0.95, 0.99]
    assert api.get("/api/evals?suite=classify", headers=auth(api, "researcher")).json() == []

    one = api.get(f"/api/evals/{run_id}", headers=auth(api, "researcher")).json()
    assert one["config"]["suite"] == "segmentation" and one["config"]["datasets"]["texts"]["sha256"]
    report = api.get(f"/api/evals/{run_id}/report", headers=auth(api, "researcher"))
    assert report.status_code == 200 and "token_agreement" in report.text

    assert api.get("/api/evals", headers=auth(api, "fieldworker")).status_code == 403
    assert api.get("/api/evals").status_code == 401
    missing = api.get("/api/evals/20000101-000000-classify", headers=auth(api, "researcher"))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert api.get("/api/evals/not-a-run", headers=auth(api, "researcher")).status_code == 422
