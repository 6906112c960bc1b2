from pathlib import Path

from fuqing.actors import Actor
from fuqing.models import Response, ResponseLabel
from survey.agreement import agreement
from survey.intake import import_file
from survey.labels import batch_hook, tag_responses
from survey.review import review, review_queue, reviewed_examples
from tests.fixtures import exports

SYSTEM = Actor.system()


def _applied(db, response_id):
    with db.session() as s:
        return {
            (r.label, r.source)
            for r in s.query(ResponseLabel).filter(
                ResponseLabel.response_id == response_id, ResponseLabel.status == "applied"
            )
        }


def test_uploads_are_tagged_in_their_batches(db, db_settings, tmp_path: Path, tagger):
    f = exports.wjx_csv(tmp_path / "wjx.csv", n=12)
    report = import_file(
        db, db_settings, f, actor=SYSTEM, new_survey_title="t", on_batch=batch_hook(tagger), batch_size=5
    )
    with db.session() as s:
        rows = s.query(Response).filter(Response.survey_id == report.survey_id).order_by(Response.id).all()
        assert all(r.tagged_version == tagger.version for r in rows)
        first = rows[0].id
        stored = s.query(ResponseLabel).filter(ResponseLabel.response_id == first).all()
        assert stored and all(
            x.model_version == tagger.version and x.explanation and x.score is not None for x in stored
        )
    assert ("left_behind", "model") in _applied(db, first) or ("left_behind", "rule") in _applied(db, first)


def test_review_correction_wins_and_is_counted(db, db_settings, tmp_path: Path, tagger):
    f = exports.wjx_csv(tmp_path / "wjx.csv", n=6)
    report = import_file(db, db_settings, f, actor=SYSTEM, new_survey_title="t", on_batch=batch_hook(tagger))
    with db.session() as s:
        rid = (
            s.query(Response.id)
            .filter(Response.survey_id == report.survey_id)
            .order_by(Response.id)
            .first()[0]
        )
        s.query(Response).filter(Response.id == rid).update({"review_status": "queued"})
    with db.session() as s:
        assert rid in [q["id"] for q in review_queue(s)]
    with db.session(write=True) as s:
        out = review(s, rid, ["left_behind", "skills_training"], SYSTEM)
    assert out["labels"] == ["left_behind", "skills_training"]
    assert _applied(db, rid) == {("left_behind", "human"), ("skills_training", "human")}
    # retagging keeps the human's labels in force
    with db.session(write=True) as s:
        tag_responses(s, [rid], tagger)
    assert _applied(db, rid) == {("left_behind", "human"), ("skills_training", "human")}
    with db.session() as s:
        assert rid not in [q["id"] for q in review_queue(s)]
        kappa = {a.label: a for a in agreement(s)}
        assert kappa["skills_training"].n == 1 and kappa["skills_training"].human_yes == 1
        examples = reviewed_examples(s)
        assert examples[0].needs == ["skills_training"] and examples[0].groups == ["left_behind"]


def test_low_agreement_labels_need_review(db, db_settings, tmp_path: Path, tagger):
    f = exports.wjx_csv(tmp_path / "wjx.csv", n=30)
    report = import_file(db, db_settings, f, actor=SYSTEM, new_survey_title="t", on_batch=batch_hook(tagger))
    with db.session(write=True) as s:
        ids = [
            r
            for (r,) in s.query(Response.id)
            .filter(Response.survey_id == report.survey_id)
            .order_by(Response.id)
        ]
        for rid in ids[:24]:  # reviewers never agree with the machine about employment
            machine = {
                x.label
                for x in s.query(ResponseLabel).filter(
                    ResponseLabel.response_id == rid, ResponseLabel.status == "applied"
                )
            }
            review(s, rid, sorted(machine ^ {"employment"}), SYSTEM)
    with db.session(write=True) as s:
        tag_responses(s, ids[24:], tagger, floor=0.6)
    with db.session() as s:
        statuses = {
            x.status
            for x in s.query(ResponseLabel).filter(
                ResponseLabel.response_id.in_(ids[24:]), ResponseLabel.label == "employment"
            )
        }
        assert statuses == {"needs_review"}
        others = {
            x.status
            for x in s.query(ResponseLabel).filter(
                ResponseLabel.response_id.in_(ids[24:]), ResponseLabel.label == "left_behind"
            )
        }
        assert others <= {"applied"}
