"""Announcing new cases to a group robot: over real HTTP to a local receiver, with retries, at most once, and never
with the answer text, a name or a village."""

from __future__ import annotations

from sqlalchemy import select, update

from fuqing.actors import Actor
from fuqing.models import Case
from survey import alerts
from survey.cases import open_cases
from tests.conftest import insert_labelled
from tests.receiver import Receiver

TEXT = "他喝醉了就打我，我怕哪天被打死，王秀英"


def _one_case(db, survey_id: int) -> int:
    [rid] = insert_labelled(
        db,
        survey_id,
        [{"text": TEXT, "county": "金寨县", "township": "梅山镇", "village": "红石村", "labels": []}],
    )
    from nlp.risk_model import default_risk_detector

    with db.session(write=True) as s:
        [cid] = open_cases(s, [rid], default_risk_detector())
    return cid


def test_announced_once_after_a_failure_without_the_answer(db, survey_id, monkeypatch):
    cid = _one_case(db, survey_id)
    monkeypatch.setattr(alerts, "FIRST_WAIT_S", 0.0)
    with Receiver(fail_first=1) as robot:
        assert alerts.send_due(db, robot.url) == 0  # the robot answered 500: it waits and is tried again
        assert alerts.send_due(db, robot.url) == 1
        assert alerts.send_due(db, robot.url) == 0  # sent: never again
    assert robot.attempts == 2 and len(robot.bodies) == 1
    content = robot.bodies[0]["text"]["content"]
    assert robot.bodies[0]["msgtype"] == "text"
    assert f"{cid} 号" in content and "金寨县" in content and "紧急" in content and "暴力" in content
    for secret in ("打我", "王秀英", "红石村", "打死"):
        assert secret not in content
    with db.session() as s:
        case = s.get(Case, cid)
        assert case.alert_sent_at is not None and case.alert_attempts == 2


def test_gives_up_after_the_last_attempt_and_two_senders_do_not_double(db, survey_id, monkeypatch):
    cid = _one_case(db, survey_id)
    monkeypatch.setattr(alerts, "FIRST_WAIT_S", 0.0)
    with Receiver(fail_first=100) as robot:
        for _ in range(alerts.MAX_ATTEMPTS + 3):
            alerts.send_due(db, robot.url)
    assert robot.attempts == alerts.MAX_ATTEMPTS
    with db.session(write=True) as s:
        s.execute(update(Case).where(Case.id == cid).values(alert_attempts=0, alert_next_at=None))
    # A claim is one conditional UPDATE: the second of two senders that saw the same attempt count gets nothing.
    assert alerts._claim(db, cid, 0) is True
    assert alerts._claim(db, cid, 0) is False
    with db.session() as s:
        assert s.scalar(select(Case.alert_attempts).where(Case.id == cid)) == 1


def test_demo_answers_open_no_case(db, survey_id):
    from nlp.risk_model import default_risk_detector

    [rid] = insert_labelled(
        db, survey_id, [{"text": TEXT, "county": None, "township": None, "village": None, "labels": []}]
    )
    with db.session(write=True) as s:
        from fuqing.models import Response

        s.execute(update(Response).where(Response.id == rid).values(is_demo=True))
        assert open_cases(s, [rid], default_risk_detector()) == []
    assert Actor.system()
