"""A whole journey with planted names, addresses and numbers, logging at DEBUG: none of them may appear in the logs,
the audit log, an evaluation run, a report file or anything a staff user is shown."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

import usecases as uc
from fuqing.actors import Actor
from fuqing.models import AuditLog
from tests.web.conftest import post, sign_in

PLANTED = [
    "王秀英",
    "红石村3组12号",
    "13800138000",
    "34152219850612452X",
    "wxid_qiuju88",
    "李桂兰",
    "0564-5123456",
]
ROWS = [
    (
        "王秀英",
        "红石村3组12号",
        "13800138000",
        "金寨县",
        "梅山镇",
        "小河村",
        "想在家门口找活干，电话13800138000",
    ),
    (
        "李桂兰",
        "柳树湾村5组3号",
        "0564-5123456",
        "金寨县",
        "梅山镇",
        "小河村",
        "我叫李桂兰，微信wxid_qiuju88，想学手艺",
    ),
]


def _csv(path: Path) -> Path:
    lines = ["姓名,家庭住址,联系电话,县,乡镇,村,您最需要哪些帮助,身份证号"]
    for i in range(12):
        name, address, phone, county, town, village, text = ROWS[i % 2]
        lines.append(f"{name},{address},{phone},{county},{town},{village},第{i}户：{text},34152219850612452X")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def debug_log(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "debug.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    logging.getLogger("sqlalchemy.engine").setLevel(
        logging.INFO
    )  # every statement (and its parameters, if shown)
    yield path
    root.removeHandler(handler)
    root.setLevel(old)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml"))


def test_planted_values_reach_no_log_audit_run_report_or_page(web, tmp_path: Path, debug_log: Path):  # type: ignore[no-untyped-def]
    staff = {"Authorization": f"Bearer {web.tokens['staff']}"}
    with open(_csv(tmp_path / "people.csv"), "rb") as fh:
        r = web.post(
            "/api/uploads",
            files={"file": ("people.csv", fh, "text/csv")},
            data={"new_survey_title": "留痕测试"},
            headers={"Authorization": f"Bearer {web.tokens['admin']}"},
        )
    assert r.status_code == 201, r.text
    shown = [
        web.get("/api/responses", headers=staff).text,
        web.get("/api/summaries", headers=staff).text,
        web.post("/api/drafts", json={}, headers=staff).text,
        web.post("/api/ask", json={"question": "金寨县最需要什么"}, headers=staff).text,
    ]
    reports = [web.post(f"/api/reports?format={f}", json={}, headers=staff).content for f in ("docx", "xlsx")]
    sign_in(web, "staff")
    shown += [web.get("/summaries/panel").text, post(web, "/drafts", "/drafts").text, web.get("/review").text]
    services = web.app.state.services
    run = uc.run_eval(uc.Ctx(services, Actor.system()), "robustness", limit=10, resamples=20)
    with services.db.session() as s:
        audit = json.dumps(
            [[a.actor, a.action, a.object_id, a.detail] for a in s.scalars(select(AuditLog))],
            ensure_ascii=False,
        )
    run_files = "".join(p.read_text(encoding="utf-8", errors="ignore") for p in run.report.parent.iterdir())
    places = {
        "log": debug_log.read_text(encoding="utf-8"),
        "audit": audit,
        "eval run": run_files,
        "pages": "".join(shown),
        "reports": "".join(_docx_text(b) for b in reports),
    }
    assert (
        "hidden due to hide_parameters" in places["log"]
    )  # the statements were logged, their values were not
    for where, text in places.items():
        leaked = [v for v in PLANTED if v in text]
        assert not leaked, f"{where} holds {leaked}"
