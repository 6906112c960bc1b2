"""The in-memory summary index counts exactly what the stored labels say, and follows later writes."""

import random
from collections import Counter
from datetime import UTC, date, datetime

import pytest

from findings.summaries import Filters, summarize
from findings.summary_index import SummaryIndex
from fuqing.actors import Actor
from fuqing.models import Response, ResponseLabel, Survey
from nlp.taxonomy import taxonomy
from survey.masks import refresh_masks
from survey.responses import submit_response
from survey.review import review
from tests.conftest import TEST_VAULT

SYSTEM = Actor.system()

COUNTIES = {"金寨县": ["梅山镇", "天堂寨镇"], "霍山县": ["衡山镇", "佛子岭镇"]}
VILLAGES = ["一村", "二村", "三村"]


def _generate(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    tax = taxonomy()
    groups = [lab.id for lab in tax.family("groups")]
    needs = [lab.id for lab in tax.family("needs")]
    rows = []
    for i in range(n):
        county = rng.choice(list(COUNTIES))
        township = rng.choice(COUNTIES[county])
        rows.append(
            {
                "source_id": f"r{i}",
                "county": county,
                "township": township,
                "village": township[:2] + rng.choice(VILLAGES),
                "channel": rng.choice(["入户", "电话", None]),
                "age_band": rng.choice(["18-29", "30-44", "45-59", None]),
                "collected_at": None
                if rng.random() < 0.05
                else datetime(2025, rng.randint(1, 6), rng.randint(1, 28), rng.randint(0, 23), tzinfo=UTC),
                "text": f"第{i}条回答，说说家里的难处和想法",
                "labels": rng.sample(groups, rng.randint(0, 2)) + rng.sample(needs, rng.randint(0, 3)),
            }
        )
    return rows


@pytest.fixture()
def generated(db):
    rows = _generate(240, seed=7)
    with db.session(write=True) as s:
        sv = Survey(title="随机", questions=[])
        s.add(sv)
        s.flush()
        ids = []
        for r in rows:
            resp = Response(
                survey_id=sv.id,
                source_id=r["source_id"],
                county=r["county"],
                township=r["township"],
                village=r["village"],
                channel=r["channel"],
                age_band=r["age_band"],
                collected_at=r["collected_at"],
                answers={},
                text_redacted=r["text"],
            )
            s.add(resp)
            s.flush()
            r["id"] = resp.id
            ids.append(resp.id)
            for lab in r["labels"]:
                s.add(
                    ResponseLabel(
                        response_id=resp.id,
                        label=lab,
                        family=taxonomy().family_of(lab),
                        score=0.8,
                        source="model",
                        status="applied",
                    )
                )
        s.flush()
        refresh_masks(s, ids)
        survey_id = sv.id
    return db, survey_id, rows


def _expected(rows: list[dict], f: Filters) -> tuple[int, Counter, Counter]:
    """Counts computed directly from the generated rows, independently of SQL and of the index."""
    chosen = []
    for r in rows:
        if any(
            getattr(f, k) and r.get(k) != getattr(f, k) for k in ("county", "township", "village", "channel")
        ):
            continue
        if f.age_band and r["age_band"] != f.age_band:
            continue
        local = r["collected_at"].timestamp() + 8 * 3600 if r["collected_at"] else None  # Beijing time
        if f.since and (local is None or datetime.fromtimestamp(local, UTC).date() < f.since):
            continue
        if f.until and (local is None or datetime.fromtimestamp(local, UTC).date() > f.until):
            continue
        if f.group and f.group not in r["labels"]:
            continue
        if f.need and f.need not in r["labels"]:
            continue
        chosen.append(r)
    labels = Counter(lab for r in chosen for lab in r["labels"])
    months = Counter(
        datetime.fromtimestamp(r["collected_at"].timestamp() + 8 * 3600, UTC).strftime("%Y-%m")
        for r in chosen
        if r["collected_at"]
    )
    return len(chosen), labels, months


FILTERS = [
    Filters(),
    Filters(county="金寨县"),
    Filters(county="霍山县", township="衡山镇"),
    Filters(county="金寨县", township="梅山镇", village="梅山一村"),
    Filters(channel="电话", age_band="30-44"),
    Filters(since=date(2025, 2, 1), until=date(2025, 3, 31)),
    Filters(group="left_behind"),
    Filters(county="金寨县", need="employment", since=date(2025, 3, 1)),
]


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: str(f.to_dict()))
def test_index_counts_match_the_rows(generated, f):
    db, survey_id, rows = generated
    index = SummaryIndex()
    with db.session() as s:
        out = summarize(s, f, threshold=1, base=1, index=index, with_keywords=False)
    n, labels, months = _expected(rows, f)
    assert out["respondents"] == n
    if n == 0:
        return
    for fam in ("needs", "groups"):
        assert {k: v["count"] for k, v in out[fam].items()} == {k: labels.get(k, 0) for k in out[fam]}
    assert {m["month"]: m["respondents"] for m in out["trend"]} == dict(months)
    assert sum(r["respondents"] for r in out["regions"]) == n
    # The one-off path (an index loaded with the filter's SQL conditions) gives the same summary.
    with db.session() as s:
        assert summarize(s, f, threshold=1, base=1, with_keywords=False) == out


def test_index_follows_new_responses_and_reviews(generated):
    db, survey_id, rows = generated
    index = SummaryIndex()
    with db.session() as s:
        before = summarize(s, Filters(county="金寨县"), index=index, with_keywords=False, threshold=1, base=1)
    loaded, rev = index.n, index.rev
    assert loaded == len(rows)
    with db.session(write=True) as s:
        submit_response(
            s,
            survey_id,
            {"text": "想学电商", "county": "金寨县", "township": "梅山镇", "village": "梅山一村"},
            SYSTEM,
            TEST_VAULT,
        )
    target = next(r for r in rows if r["county"] == "金寨县" and "employment" not in r["labels"])
    with db.session(write=True) as s:
        review(s, target["id"], ["employment"], SYSTEM)
    with db.session() as s:
        after = summarize(s, Filters(county="金寨县"), index=index, with_keywords=False, threshold=1, base=1)
    assert index.rev > rev and index.n == loaded + 1  # the review updated a row in place
    assert after["respondents"] == before["respondents"] + 1
    assert after["needs"]["employment"]["count"] == before["needs"]["employment"]["count"] + 1
    # Nothing changed: the next refresh reads no rows.
    with db.session() as s:
        index.refresh(s)
    assert index.n == loaded + 1


def test_region_names_come_from_the_index(generated):
    db, _, _ = generated
    index = SummaryIndex()
    with db.session() as s:
        index.refresh(s)
    assert index.values("county") == ["金寨县", "霍山县"]
    assert "梅山一村" in index.values("village")
