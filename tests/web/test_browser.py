"""Journeys in a real browser: Playwright drives Debian's chromium against a live uvicorn server.

Screenshots of each page go to $FUQING_ARTIFACTS (default: <pytest tmp>/artifacts).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from findings.summaries import Filters, summarize
from fuqing.actors import Actor
from fuqing.auth import add_user
from fuqing.config import Settings
from fuqing.db import open_database
from survey.demo import load_demo
from tests.conftest import install_corpus, install_model, serve_in_thread
from tests.web.conftest import PASSWORD

SYSTEM = Actor.system()

CHROMIUM = "/usr/bin/chromium"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"{CHROMIUM} is absent: install the Debian packages chromium and chromium-driver",
)


@pytest.fixture(scope="module")
def live(tmp_path_factory, model_template, bundled_home) -> Iterator[dict]:  # type: ignore[no-untyped-def]
    """A live server on a free port with the demo survey loaded and one user per role."""

    from api.app import create_app
    from nlp.service import load_tagger

    home = tmp_path_factory.mktemp("live") / "home"
    home.mkdir()
    install_model(model_template, home)
    install_corpus(bundled_home, home)
    settings = Settings(home=home)
    db = open_database(settings)
    tagger = load_tagger(settings)
    with db.session() as s:
        for role in ("fieldworker", "staff", "researcher", "admin"):
            add_user(s, role, role, password=PASSWORD)
        survey, _ = load_demo(s, tagger, SYSTEM)
        sid = survey.id
    artifacts = Path(os.environ.get("FUQING_ARTIFACTS") or tmp_path_factory.getbasetemp() / "artifacts")
    artifacts.mkdir(parents=True, exist_ok=True)
    with serve_in_thread(create_app(settings, db=db, tagger=tagger)) as url:
        yield {"url": url, "db": db, "survey_id": sid, "artifacts": artifacts}
    db.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def _page(browser, live, role: str, width: int = 1280):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(live["url"] + "/login")
    page.get_by_label("用户名", exact=True).fill(role)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(live["url"] + "/")
    return page


def _shot(page, live, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(live["artifacts"] / f"{name}.png"), full_page=True)


def test_fieldworker_uploads_a_wjx_export_and_sees_the_report(browser, live) -> None:  # type: ignore[no-untyped-def]
    page = _page(browser, live, "fieldworker")
    _shot(page, live, "home-fieldworker")
    page.get_by_role("link", name="上传文件").first.click()
    _shot(page, live, "upload")
    export = FIXTURES / "wjx_reportgen_800_0_按选项文本_header_plus20.csv"
    page.set_input_files("#upload-file", str(export))  # the change event submits the inspection
    page.wait_for_selector("#detected-format")
    assert "问卷星" in page.inner_text("#detected-format")
    assert page.locator("select[id^=map-]").count() >= 10  # the column mapping, one labelled select per field
    _shot(page, live, "upload-inspect")
    page.select_option(
        "#start-survey", str(live["survey_id"])
    )  # a fieldworker uploads into an existing survey
    page.get_by_role("button", name="确认并导入").click()
    page.wait_for_selector("#job-finished")
    _shot(page, live, "upload-report")
    assert int(page.inner_text("#rows-total")) == 20
    assert (
        int(page.inner_text("#rows-ok"))
        + int(page.inner_text("#rows-failed"))
        + int(page.inner_text("#rows-duplicate"))
        == 20
    )
    page.goto(live["url"] + "/uploads")
    assert export.name in page.content()
    _shot(page, live, "uploads")
    page.context.close()


def test_response_form_on_a_phone_keeps_a_draft_when_offline(browser, live) -> None:  # type: ignore[no-untyped-def]
    page = _page(browser, live, "fieldworker", width=360)
    page.goto(live["url"] + "/responses/new")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling at 360 px
    page.get_by_label("她目前最需要哪些帮助？（原话记录）").fill("想学电商直播，把家里的茶叶卖出去")
    page.get_by_label("县（区）").fill("金寨县")
    page.context.set_offline(True)
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("#draft-note:has-text('网络中断')")
    _shot(page, live, "respond-offline")
    page.context.set_offline(False)
    page.reload()
    assert (
        page.get_by_label("她目前最需要哪些帮助？（原话记录）").input_value()
        == "想学电商直播，把家里的茶叶卖出去"
    )
    assert "已恢复" in page.inner_text("#draft-note")
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("#respond-result:has-text('已保存')")
    _shot(page, live, "respond-saved")
    page.context.close()


def _busiest_township(live) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from fuqing.models import Response

    with live["db"].session() as s:
        county, town, _n = s.execute(
            select(Response.county, Response.township, func.count())
            .where(Response.survey_id == live["survey_id"], Response.township.is_not(None))
            .group_by(Response.county, Response.township)
            .order_by(func.count().desc())
        ).first()
    return county, town


def test_staff_filter_ask_open_a_citation_and_download_a_docx(browser, live, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = _page(browser, live, "staff")
    page.goto(f"{live['url']}/summaries?survey_id={live['survey_id']}")
    page.wait_for_selector("#needs-table")
    page.wait_for_selector("[data-chart=needs] svg")  # ECharts drew the chart from the JSON data
    everyone = int(page.inner_text("#respondents"))
    _shot(page, live, "dashboard")
    county, town = _busiest_township(live)  # enough answers that the figures are shown, not withheld
    page.select_option("#f-county", county)
    page.select_option("#f-township", town)  # the cascade offers only this county's townships
    page.get_by_role("button", name="筛选").click()
    page.wait_for_selector("#needs-table")
    filtered = int(page.inner_text("#respondents"))
    with live["db"].session() as s:
        expected = summarize(s, Filters(survey_id=live["survey_id"], county=county, township=town))[
            "respondents"
        ]
    assert 0 < filtered == expected < everyone
    _shot(page, live, "dashboard-filtered")

    page.get_by_role("link", name="提问").first.click()
    page.get_by_label("问题（例如：金寨县的留守妇女最需要什么）").fill(f"{county}的留守妇女最需要什么")
    page.get_by_role("button", name="提问").click()
    page.wait_for_selector("#answer #needs-table")
    assert county in page.inner_text("#answer")
    _shot(page, live, "ask")

    page.goto(f"{live['url']}/summary?survey_id={live['survey_id']}")
    page.wait_for_selector("a.citation")
    _shot(page, live, "summary")
    page.locator("a.citation").first.click()
    page.wait_for_selector("#clause-dialog[open] .clause-text")
    assert len(page.inner_text("#clause-dialog .clause-text")) > 10
    _shot(page, live, "clause")
    page.get_by_role("button", name="关闭").click()
    with page.expect_download() as info:
        page.click("#download-docx")
    path = tmp_path / "report.docx"
    info.value.save_as(path)
    assert path.read_bytes()[:2] == b"PK" and path.stat().st_size > 5000
    page.context.close()


def test_reviewer_corrects_a_label_and_sees_it_counted(browser, live) -> None:  # type: ignore[no-untyped-def]
    page = _page(browser, live, "staff")
    page.goto(live["url"] + "/review")
    item = page.locator("article.review-item").first
    item.wait_for()
    rid = int(item.get_attribute("id").split("-")[1])
    _shot(page, live, "review")
    exact = {"with_keywords": False, "threshold": 1, "base": 1}  # the counting itself, not what is published
    with live["db"].session() as s:
        before = summarize(s, Filters(survey_id=live["survey_id"]), **exact)
    boxes = item.locator("input[name=labels][value]")
    for i in range(boxes.count()):
        boxes.nth(i).uncheck()
    need = next(n for n in before["needs"] if not item.locator(f"#lab-{rid}-{n}").is_checked())
    item.locator(f"#lab-{rid}-{need}").check()
    item.get_by_role("button", name="保存更正").click()
    page.wait_for_selector(f"#review-{rid}.done")
    shown = int(page.inner_text(f"#review-{rid} [data-label={need}] strong"))
    _shot(page, live, "review-done")
    with live["db"].session() as s:
        after = summarize(s, Filters(survey_id=live["survey_id"]), **exact)
        published = summarize(s, Filters(survey_id=live["survey_id"]), with_keywords=False)
    assert after["needs"][need]["count"] == before["needs"][need]["count"] + 1
    assert shown == published["needs"][need]["count"]  # the page shows the published (rounded) figure
    page.goto(f"{live['url']}/summaries?survey_id={live['survey_id']}")
    page.wait_for_selector("#needs-table")
    row = page.locator(f"#needs-table tr[data-need={need}] td").first.inner_text()
    assert int(row) == shown
    page.context.close()


def test_admin_and_researcher_pages_render(browser, live) -> None:  # type: ignore[no-untyped-def]
    page = _page(browser, live, "admin")
    for path, name in (("/admin/users", "admin-users"), ("/admin/audit", "admin-audit"), ("/evals", "evals")):
        page.goto(live["url"] + path)
        _shot(page, live, name)
    assert "demo.load" in page.goto(live["url"] + "/admin/audit").text()
    page.keyboard.press("Tab")  # keyboard: the first Tab reaches the skip link
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    page.context.close()
