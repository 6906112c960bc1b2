"""Single submissions are tagged on the queue's thread; readers that settle see their labels."""

import pytest

from fuqing.actors import Actor
from fuqing.models import Response, ResponseLabel, Survey
from nlp.tagger import Tagger, Tagging
from survey.responses import submit_response
from survey.tag_queue import TaggingQueue
from tests.conftest import TEST_VAULT

SYSTEM = Actor.system()


class BrokenTagger(Tagger):
    version = "broken"

    def tag(self, texts: list[str]) -> list[Tagging]:
        raise RuntimeError("model file unreadable")


@pytest.fixture()
def survey_id(db):
    with db.session(write=True) as s:
        sv = Survey(title="t", questions=[])
        s.add(sv)
        s.flush()
        return sv.id


def _submit(db, survey_id: int, texts: list[str]) -> list[int]:
    ids = []
    with db.session(write=True) as s:
        for t in texts:
            ids.append(submit_response(s, survey_id, {"text": t}, SYSTEM, TEST_VAULT)[0].id)
    return ids


def _labels(db, rid: int) -> set[str]:
    with db.session() as s:
        return set(
            s.scalars(
                ResponseLabel.__table__.select()
                .with_only_columns(ResponseLabel.label)
                .where(ResponseLabel.response_id == rid, ResponseLabel.status == "applied")
            )
        )


def test_queued_responses_are_tagged_in_batches(db, survey_id, tagger):
    queue = TaggingQueue(db, lambda: tagger, max_batch=2)
    ids = _submit(db, survey_id, ["老公常年在外打工，我一个人在家带娃，想学个手艺", "想找活干", "挺好的"])
    for rid in ids:
        queue.submit(rid)
    assert queue.settle(60)
    assert {"left_behind", "skills_training"} <= _labels(db, ids[0])
    assert "employment" in _labels(db, ids[1])
    with db.session() as s:
        assert all(s.get(Response, rid).tagged_version == tagger.version for rid in ids)
    queue.close()


def test_a_failed_batch_stays_untagged_and_is_caught_up_later(db, survey_id, tagger, caplog):
    broken = TaggingQueue(db, lambda: BrokenTagger())
    [rid] = _submit(db, survey_id, ["想找活干"])
    broken.submit(rid)
    assert broken.settle(10)  # the failure does not hang readers
    assert "tagging failed for 1 responses" in caplog.text
    with db.session() as s:
        assert s.get(Response, rid).tagged_version is None
    broken.close()
    fixed = TaggingQueue(db, lambda: tagger)
    assert fixed.catch_up() == 1
    assert fixed.settle(60) and "employment" in _labels(db, rid)
    assert fixed.catch_up() == 0
    fixed.close()
