"""Pages and their core helpers: the demo survey, background imports with progress, evaluation runs."""

from __future__ import annotations

import json
import time
from pathlib import Path

from sqlalchemy import func, select

from fuqing.models import Response, Survey
from survey.jobs import estimate_rows
from tests.web.conftest import csrf_of, post, sign_in

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WJX = FIXTURES / "wjx_reportgen_800_2_按选项序号_header_plus20.csv"


def test_empty_database_offers_the_demo_and_loads_it_once(web) -> None:  # type: ignore[no-untyped-def]
    sign_in(web, "staff")
    assert "请管理员在首页加载演示数据" in web.get("/").text
    assert post(web, "/demo", "/", follow_redirects=False).status_code == 403  # staff may not load it
    sign_in(web, "admin")
    home = web.get("/").text
    assert "加载演示数据" in home and "演示调查" in home
    r = post(web, "/demo", "/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/summaries?survey_id=")
    post(web, "/demo", "/", follow_redirects=False)  # twice: still one demo survey
    with web.app.state.services.db.session() as s:
        demos = s.scalars(select(Survey).where(Survey.is_demo.is_(True))).all()
        n = s.scalar(select(func.count()).select_from(Response).where(Response.is_demo.is_(True)))
        tagged = s.scalar(select(func.count()).select_from(Response).where(Response.needs_mask != 0))
    assert len(demos) == 1 and "演示数据" in demos[0].title and n > 1000 and tagged > n // 2
    home = web.get("/").text
    assert "演示数据</span>" in home and "加载演示数据" not in home
    panel = web.get(f"/summaries/panel?survey_id={demos[0].id}").text
    assert f'<strong id="respondents">{n}</strong>' in panel


def test_upload_through_the_pages_runs_in_the_background(web) -> None:  # type: ignore[no-untyped-def]
    staff = {"Authorization": f"Bearer {web.tokens['staff']}"}
    sid = web.post("/api/surveys", json={"title": "网页上传"}, headers=staff).json()["id"]
    sign_in(web, "fieldworker")
    csrf = csrf_of(web.get("/uploads/new").text)
    with open(WJX, "rb") as fh:
        r = web.post(
            "/uploads/inspect", files={"file": (WJX.name, fh, "text/csv")}, headers={"X-CSRF-Token": csrf}
        )
    assert r.status_code == 200 and "问卷星" in r.text
    assert 'value="new"' not in r.text and " disabled" in r.text  # no new survey, no re-mapping for this role
    form = {"survey_id": str(sid), "staged": _value(r.text, "staged")}
    for role in ("county", "needs_text"):
        form[f"guess_{role}"] = _value(r.text, f"guess_{role}")
    assert form["staged"]
    r = web.post("/uploads/start", data=form, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and "/uploads/jobs/" in r.text
    job_url = r.text.split('hx-get="', 1)[1].split('"', 1)[0]
    for _ in range(600):
        r = web.get(job_url)
        if "导入完成" in r.text or "error" in r.text:
            break
        time.sleep(0.1)
    assert 'id="rows-total">20<' in r.text, r.text
    sign_in(web, "admin")  # another user cannot watch this job
    assert web.get(job_url).status_code == 404
    sign_in(web, "fieldworker")
    assert (
        "网页上传" not in web.get("/uploads").text
    )  # the list shows files, the survey title is on the report
    assert WJX.name in web.get("/uploads").text
    csrf = csrf_of(web.get("/uploads/new").text)  # signing in again started a new session with a new token
    r = web.post(
        "/uploads/start", data=form, headers={"X-CSRF-Token": csrf}
    )  # a staged file is imported once
    assert r.status_code == 404 and "重新选择文件" in r.text


def _value(html: str, name: str) -> str:
    return html.split(f'name="{name}" value="', 1)[1].split('"', 1)[0]


def test_row_estimate_for_progress(tmp_path: Path) -> None:
    assert estimate_rows(WJX) == 20
    (tmp_path / "a.jsonl").write_text('{"a": 1}\n{"a": 2}\n{"a": 3}', encoding="utf-8")
    assert estimate_rows(tmp_path / "a.jsonl") == 3
    assert estimate_rows(tmp_path / "x.xlsx") is None


def _run(home: Path, run_id: str, suite: str, f1: float) -> None:
    d = home / "evals" / run_id
    d.mkdir(parents=True)
    config = {"suite": suite, "started_at": run_id, "seconds": 1.5, "git_commit": "abc"}
    (d / "config.json").write_text(json.dumps(config), encoding="utf-8")
    headline = {"macro_f1": {"value": f1, "ci": [f1 - 0.05, f1 + 0.05], "higher_is_better": True}}
    (d / "metrics.json").write_text(json.dumps({"headline": headline}), encoding="utf-8")


def test_evaluation_runs_and_their_comparison(web) -> None:  # type: ignore[no-untyped-def]
    sign_in(web, "researcher")
    assert "还没有评测运行" in web.get("/evals").text
    home = web.app.state.services.settings.resolved_home
    _run(home, "20250101-000000-classify", "classify", 0.70)
    _run(home, "20250102-000000-classify", "classify", 0.75)
    page = web.get("/evals").text
    assert "20250101-000000-classify" in page and "macro_f1 = 0.750" in page
    r = web.get("/evals/compare?a=20250101-000000-classify&b=20250102-000000-classify")
    assert r.status_code == 200, r.text
    assert "+0.0500" in r.text and "差异在抽样波动之内" in r.text, r.text[-1500:]
    assert web.get("/evals/20250101-000000-classify").status_code == 200
    assert web.get("/evals/20250101-000000-classify/files/config.json").status_code == 404
    assert web.get("/evals/nope/files/x.png").status_code == 422
