"""Shared fixtures of the findings tests: a small database of labelled responses in two counties."""

from datetime import UTC, datetime

import pytest

from fuqing.models import Response, ResponseLabel, Survey
from survey.masks import refresh_masks

# (county, township, village, month, text, labels)
ROWS = (
    [
        (
            "金寨县",
            "梅山镇",
            "小河村",
            3,
            f"老公在外打工，想在家门口找点活干{i}",
            ["left_behind", "employment"],
        )
        for i in range(6)
    ]
    + [
        (
            "金寨县",
            "梅山镇",
            "小河村",
            4,
            f"孩子上学没人接送，想有个托管{i}",
            ["left_behind", "childcare_education"],
        )
        for i in range(3)
    ]
    + [
        ("金寨县", "天堂寨镇", "前畈村", 4, f"一个人带娃，想学手艺{i}", ["single_mother", "skills_training"])
        for i in range(2)
    ]
    + [
        ("霍山县", "衡山镇", "南岳村", 5, f"婆婆瘫在床上走不开{i}", ["disability", "eldercare"])
        for i in range(4)
    ]
    + [("霍山县", "衡山镇", "南岳村", 5, "挺好的，没啥需要", [])]
)


@pytest.fixture()
def filled(db):
    with db.session() as s:
        sv = Survey(title="t", questions=[])
        s.add(sv)
        s.flush()
        for i, (county, township, village, month, text, labels) in enumerate(ROWS):
            r = Response(
                survey_id=sv.id,
                source_id=str(i),
                county=county,
                township=township,
                village=village,
                answers={},
                text_redacted=text,
                collected_at=datetime(2025, month, 10, 2, 0, tzinfo=UTC),
            )
            s.add(r)
            s.flush()
            for lab in labels:
                fam = (
                    "groups" if lab in ("left_behind", "single_mother", "disability", "hardship") else "needs"
                )
                s.add(
                    ResponseLabel(
                        response_id=r.id, label=lab, family=fam, score=0.9, source="human", status="applied"
                    )
                )
            # a superseded machine label must not count
            s.add(
                ResponseLabel(
                    response_id=r.id,
                    label="hardship",
                    family="groups",
                    score=0.4,
                    source="model",
                    status="superseded",
                )
            )
        s.flush()
        refresh_masks(s, [rid for (rid,) in s.query(Response.id)])
    return db
