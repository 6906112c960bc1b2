"""Summary benchmark: 1,000,000 responses with labels, summaries with filters, on SQLite and PostgreSQL,
against the bare SQL aggregate (count per label for the same filter).

The summaries go through one long-lived SummaryIndex, as in the service: its first load is timed separately
(cold), then each case is timed warm, and once more right after 1,000 new responses and 100 reviews (the
incremental refresh included).

Run: python bench/bench_summary.py [--rows 1000000] [--skip-pg]   (writes bench/out/summary.json)
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from fuqing.actors import Actor
from fuqing.vault import Vault

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import percentile, save

SYSTEM = Actor.system()
VAULT = Vault(bytes(32), "bench")  # a throwaway key: the bench data are invented

REPO = Path(__file__).resolve().parents[1]
COUNTIES = ["金寨县", "霍山县", "岳西县", "临泉县", "阜南县", "寿县", "萧县", "砀山县", "歙县", "宿松县"]


def fill(db, n: int) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import insert

    from fuqing.models import Response, ResponseLabel, Survey
    from nlp.taxonomy import taxonomy

    texts = [
        json.loads(line)
        for line in (REPO / "evals/data/needs_train.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    fam = {lab.id: lab.family for lab in taxonomy().labels}
    rng = random.Random(1)
    with db.session() as s:
        sv = Survey(title="bench", questions=[])
        s.add(sv)
        s.flush()
        sid = sv.id
    batch = 20_000
    for start in range(0, n, batch):
        rows, labels = fake_rows(texts, sid, range(start, min(n, start + batch)), rng, fam)
        with db.session() as s:
            s.execute(insert(Response.__table__), rows)
            s.execute(insert(ResponseLabel.__table__), labels)
    if db.dialect == "postgresql":  # ids were given explicitly: move the sequence past them
        from sqlalchemy import text

        with db.session() as s:
            s.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('responses', 'id'), (SELECT max(id) FROM responses))"
                )
            )


def fake_rows(texts, sid, numbers, rng, fam):  # type: ignore[no-untyped-def]
    """Responses (ids numbered from 1) in random places, with the bundled answers' labels applied."""
    from survey.masks import bit_of

    rows, labels = [], []
    for i in numbers:
        r = texts[i % len(texts)]
        c = rng.randrange(len(COUNTIES))
        masks = {"groups_mask": 0, "needs_mask": 0}
        for lab in r["groups"] + r["needs"]:
            column, bit = bit_of(lab)
            masks[column] |= bit
            labels.append(
                {
                    "response_id": i + 1,
                    "label": lab,
                    "family": fam[lab],
                    "score": 0.9,
                    "source": "model",
                    "status": "applied",
                }
            )
        rows.append(
            {
                "id": i + 1,
                "survey_id": sid,
                "source_id": str(i),
                "county": COUNTIES[c],
                "township": f"{COUNTIES[c][:2]}{rng.randrange(12)}镇",
                "village": f"村{rng.randrange(30)}",
                "age_band": rng.choice(["<30", "30-39", "40-49", "50-59", "60+"]),
                "marital_status": rng.choice(["已婚", "离异", "丧偶", "未婚"]),
                "channel": "问卷星",
                "collected_at": datetime(2025, 1 + i % 12, 1 + i % 28, tzinfo=UTC),
                "answers": {},
                "text_raw": r["text"],
                "text_redacted": r["text"],
                **masks,
            }
        )
    return rows, labels


def bare_conditions(f):  # type: ignore[no-untyped-def]
    """The plain SQL WHERE for a filter: region and time columns, and a label through the labels table."""
    from sqlalchemy import and_, exists
    from sqlalchemy.orm import aliased

    from findings.summaries import prefilter
    from fuqing.models import Response, ResponseLabel

    conds = prefilter(f)
    for label in (f.group, f.need):
        if label:
            rl = aliased(ResponseLabel)
            conds.append(
                exists().where(and_(rl.response_id == Response.id, rl.label == label, rl.status == "applied"))
            )
    return conds


def write_some(db, n: int, reviews: int) -> None:  # type: ignore[no-untyped-def]
    """New responses (through submit_response) and human reviews (through review), as intake and staff do."""
    from sqlalchemy import select

    from fuqing.models import Response, Survey
    from survey.responses import submit_response
    from survey.review import review

    with db.session(write=True) as s:
        sid = s.scalar(select(Survey.id))
        for i in range(n):
            submit_response(
                s,
                sid,
                {"text": f"想在家门口找点活干{i}", "county": "金寨县", "source_id": f"w{i}"},
                SYSTEM,
                VAULT,
            )
        for rid in s.scalars(select(Response.id).where(Response.county == "金寨县").limit(reviews)):
            review(s, rid, ["left_behind", "employment"], SYSTEM)


def time_case(db, index, f, repeat: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Summary latency beside its baseline: the bare SQL label aggregate over the same filter."""
    from sqlalchemy import func, select

    from findings.summaries import summarize
    from fuqing.models import Response, ResponseLabel

    times, bare = [], []
    for _ in range(repeat):
        with db.session() as s:
            t = time.perf_counter()
            summarize(s, f, index=index)
            times.append((time.perf_counter() - t) * 1000)
    for _ in range(5):
        with db.session() as s:
            t = time.perf_counter()
            ids = select(Response.id).where(*bare_conditions(f)).subquery()
            s.execute(
                select(ResponseLabel.label, func.count())
                .where(ResponseLabel.status == "applied", ResponseLabel.response_id.in_(select(ids.c.id)))
                .group_by(ResponseLabel.label)
            ).all()
            bare.append((time.perf_counter() - t) * 1000)
    return {
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "bare_aggregate_p50_ms": round(percentile(bare, 50), 1),
        "ratio": round(percentile(times, 50) / max(percentile(bare, 50), 0.01), 2),
    }


def run(settings, n: int, repeat: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from findings.summaries import Filters, summarize
    from findings.summary_index import SummaryIndex
    from fuqing.db import open_database
    from fuqing.models import Response

    db = open_database(settings)
    t = time.perf_counter()
    fill(db, n)
    fill_s = time.perf_counter() - t
    with db.session() as s:
        s.execute(select(func.count()).select_from(Response)).scalar()
    cases = {
        "all": Filters(),
        "county": Filters(county="金寨县"),
        "county+group": Filters(county="霍山县", group="left_behind"),
        "township+need+time": Filters(
            county="岳西县",
            township="岳西3镇",
            need="employment",
            since=datetime(2025, 3, 1).date(),
            until=datetime(2025, 9, 30).date(),
        ),
    }
    out: dict[str, object] = {"rows": n, "fill_s": round(fill_s, 1), "dialect": db.dialect}
    index = SummaryIndex()
    with db.session() as s:
        t = time.perf_counter()
        summarize(s, Filters(), index=index)
        out["cold_first_summary_s"] = round(time.perf_counter() - t, 2)
    print(db.dialect, "cold first summary (loads the index)", out["cold_first_summary_s"], "s", flush=True)
    for name, f in cases.items():
        out[name] = time_case(db, index, f, repeat)
        print(db.dialect, name, out[name], flush=True)
    write_some(db, 1000, 100)
    with db.session() as s:
        t = time.perf_counter()
        summarize(s, cases["county"], index=index)
        out["county_after_1000_writes_ms"] = round((time.perf_counter() - t) * 1000, 1)
    print(
        db.dialect,
        "county summary right after 1,000 inserts + 100 reviews",
        out["county_after_1000_writes_ms"],
    )
    db.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--skip-pg", action="store_true")
    ap.add_argument("--skip-sqlite", action="store_true")
    ap.add_argument("--repeat", type=int, default=20, help="timed calls per case")
    args = ap.parse_args()
    from fuqing.config import Settings

    results: dict[str, object] = {}
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as home:
            results["sqlite"] = run(Settings(home=Path(home)), args.rows, args.repeat)
    if not args.skip_pg:
        import uuid

        import psycopg

        schema = f"fq_bench_{uuid.uuid4().hex[:8]}"
        base = "postgresql://127.0.0.1:5432/test"
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            with tempfile.TemporaryDirectory() as home:
                results["postgresql"] = run(
                    Settings(home=Path(home), database_url=f"{base}?options=-csearch_path%3D{schema}"),
                    args.rows,
                    args.repeat,
                )
        finally:
            with psycopg.connect(base, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    print("written", save("summary", results))


if __name__ == "__main__":
    main()
