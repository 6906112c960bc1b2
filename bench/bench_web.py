"""Web benchmark: the dashboard with 100,000 responses, and the upload page during a 100,000-row import.

- dashboard first render: GET /summaries (the page shell with filters and the region cascade; the browser paints
  this) and GET /summaries/panel (the summary with charts and tables, loaded by htmx right after), each timed
  cold (first request of the process, summary index not yet loaded) and warm (p50/p95 over repeats);
- responsiveness: while a 100,000-row CSV imports in the background (survey/jobs.py), the latency of the progress
  poll GET /upload/jobs/ID and of GET /upload.

Run: python bench/bench_web.py [--rows 100000] [--repeat 10]   (writes bench/out/web.json)
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_intake import make_rows, write_csv
from bench.bench_summary import fill
from bench.common import percentile, save


def _timed(client, url: str) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    return (time.perf_counter() - t) * 1000


def _stats(ms: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1), "n": len(ms)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args()

    from fastapi.testclient import TestClient

    from api.app import create_app
    from fuqing.auth import add_user
    from fuqing.config import Settings
    from fuqing.db import open_database
    from nlp.service import load_tagger

    home = Path(tempfile.mkdtemp(prefix="bench-web-"))
    settings = Settings(home=home)
    db = open_database(settings)
    t = time.perf_counter()
    fill(db, args.rows)
    fill_s = time.perf_counter() - t
    with db.session() as s:
        add_user(s, "bench", "admin", password="bench-password")
    tagger = load_tagger(settings)
    client = TestClient(create_app(settings, db=db, tagger=tagger))
    login = client.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', login).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"name": "bench", "password": "bench-password", "csrf": csrf})

    out: dict[str, object] = {"rows": args.rows, "fill_s": round(fill_s, 1)}
    out |= summary_pages(client, args.repeat)
    out |= import_with_progress(client, home, args.rows)
    print(out)
    save("web", out)


def summary_pages(client, repeat: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "shell_cold_ms": round(_timed(client, "/summaries"), 1),
        "panel_cold_ms": round(_timed(client, "/summaries/panel"), 1),
        "shell_warm": _stats([_timed(client, "/summaries") for _ in range(repeat)]),
        "panel_warm": _stats([_timed(client, "/summaries/panel") for _ in range(repeat)]),
        "panel_county_warm": _stats(
            [_timed(client, "/summaries/panel?county=金寨县") for _ in range(repeat)]
        ),
    }


def import_with_progress(client, home: Path, rows: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """A web upload imported in the background, its progress polled every second while another page loads."""
    csv = home / "import.csv"
    write_csv(csv, make_rows(rows))
    page = client.get("/uploads/new").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    with open(csv, "rb") as fh:
        r = client.post(
            "/uploads/inspect", files={"file": ("import.csv", fh)}, headers={"X-CSRF-Token": csrf}
        )
    staged = re.search(r'name="staged" value="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]
    t = time.perf_counter()
    r = client.post(
        "/uploads/start",
        data={"staged": staged, "survey_id": "new", "new_survey_title": "bench"},
        headers={"X-CSRF-Token": csrf},
    )
    job = re.search(r'hx-get="(/uploads/jobs/[^"]+)"', r.text).group(1)  # type: ignore[union-attr]
    polls, pages, seen = [], [], []
    while True:
        t0 = time.perf_counter()
        body = client.get(job).text
        polls.append((time.perf_counter() - t0) * 1000)
        pages.append(_timed(client, "/uploads/new"))
        m = re.search(r'id="job-done">(\d+)<', body)
        if m:
            seen.append(int(m.group(1)))
        if "导入完成" in body or "导入中断" in body:
            break
        time.sleep(1.0)
    return {
        "import_s": round(time.perf_counter() - t, 1),
        "progress_poll_during_import": _stats(polls),
        "upload_page_during_import": _stats(pages),
        "progress_values_seen": len(set(seen)),
    }


if __name__ == "__main__":
    main()
