"""The duty-of-care journey in a real browser (Debian's chromium via Playwright, a live uvicorn): a fieldworker
submits a disclosure on a phone, the county's staff see an urgent case on the home page with the referral clauses
and assign it, the assignee reads the contact, records the contact and closes the case, the audit log shows every
step, and the group robot got one message without the answer."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fuqing.actors import Actor
from fuqing.auth import add_user
from fuqing.config import Settings
from fuqing.db import open_database
from survey.surveys import create_survey
from tests.conftest import install_corpus, install_model, serve_in_thread
from tests.receiver import Receiver
from tests.web.conftest import PASSWORD
from tests.web.test_browser import CHROMIUM, _page, _shot, browser  # noqa: F401 (the browser fixture)

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is absent")

DISCLOSURE = "他喝醉了就打我，我怕哪天被打死"


@pytest.fixture(scope="module")
def live(tmp_path_factory, model_template, bundled_home) -> Iterator[dict]:  # type: ignore[no-untyped-def]
    from api.app import create_app

    home = tmp_path_factory.mktemp("cases") / "home"
    home.mkdir()
    install_model(model_template, home)
    install_corpus(bundled_home, home)
    with Receiver() as robot:
        settings = Settings(home=home, alert_webhook=robot.url)
        db = open_database(settings)
        with db.session() as s:
            add_user(s, "fieldworker", "fieldworker", password=PASSWORD)
            add_user(s, "staff", "staff", password=PASSWORD, county="金寨县")
            add_user(s, "lixia", "caseworker", password=PASSWORD, display_name="李霞", county="金寨县")
            add_user(s, "admin", "admin", password=PASSWORD)
            sid = create_survey(s, "入户走访", actor=Actor.system()).id
        artifacts = tmp_path_factory.getbasetemp() / "artifacts"
        artifacts.mkdir(parents=True, exist_ok=True)
        with serve_in_thread(create_app(settings, db=db)) as url:
            yield {"url": url, "db": db, "survey_id": sid, "artifacts": artifacts, "robot": robot}
        db.dispose()


def test_a_disclosure_reaches_a_person_and_is_followed_up(browser, live) -> None:  # noqa: F811
    phone = _page(browser, live, "fieldworker", width=360)
    phone.goto(live["url"] + "/responses/new")
    phone.get_by_label("她目前最需要哪些帮助？（原话记录）").fill(DISCLOSURE)
    phone.get_by_label("县（区）").fill("金寨县")
    phone.get_by_text("联系方式（可选，只在需要跟进时填写）").click()
    phone.get_by_label("姓名").fill("王秀英")
    phone.get_by_label("电话").fill("13812345678")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_selector("#respond-result:has-text('已保存')")
    phone.context.close()

    staff = _page(browser, live, "staff")
    deadline = time.monotonic() + 20
    while "待处理的跟进个案" not in staff.content() and time.monotonic() < deadline:
        time.sleep(0.5)
        staff.reload()
    assert "紧急" in staff.inner_text("#cases-h >> xpath=..")
    _shot(staff, live, "home-urgent-case")
    staff.locator("section.alert a[href^='/cases/']").first.click()
    staff.wait_for_selector("h1:has-text('个案')")
    assert "反家庭暴力法" in staff.content() and "12338" in staff.content()
    assert "13812345678" not in staff.content() and "王秀英" not in staff.content()
    staff.get_by_label("跟进人").select_option(label="李霞")
    staff.get_by_role("button", name="指派").click()
    staff.wait_for_selector("text=跟进人：李霞")
    case_url = staff.url
    _shot(staff, live, "case-assigned")
    staff.context.close()

    worker = _page(browser, live, "lixia")
    worker.goto(case_url)
    worker.get_by_role("button", name="查看联系方式（会记入审计日志）").click()
    assert "13812345678" in worker.content()
    worker.get_by_label("新的状态").select_option(label="已联系")
    worker.get_by_label("记录（加密保存，只有跟进人和管理员可见）").fill("已电话联系，约好周三上门")
    worker.get_by_role("button", name="保存").click()
    worker.wait_for_selector("text=状态：")
    worker.get_by_label("新的状态").select_option(label="已结案")
    worker.get_by_role("button", name="保存").click()
    worker.wait_for_selector("strong:has-text('已结案')")
    _shot(worker, live, "case-closed")
    worker.context.close()

    admin = _page(browser, live, "admin")
    admin.goto(live["url"] + "/admin/audit")
    audit = admin.content()
    for step in ("case.assign", "case.contact_read", "case.update"):
        assert step in audit
    assert "约好周三" not in audit and "13812345678" not in audit
    admin.context.close()

    robot = live["robot"]
    deadline = time.monotonic() + 10
    while not robot.bodies and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(robot.bodies) == 1
    content = robot.bodies[0]["text"]["content"]
    assert "金寨县" in content and "打我" not in content and "王秀英" not in content
