"""Intake benchmarks: a 100,000-row 问卷星 export (CSV and XLSX) into SQLite, against a bare csv+executemany
baseline, and single-response POST throughput on one uvicorn worker.

Run: python bench/bench_intake.py [--rows 100000] [--skip-xlsx] [--skip-http]
Writes bench/out/intake.json.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import percentile, save
from fuqing.actors import Actor

SYSTEM = Actor.system()

REPO = Path(__file__).resolve().parents[1]
HEADERS = [
    "序号",
    "提交答卷时间",
    "所用时间",
    "来源",
    "来源详情",
    "来自IP",
    "1、所在县（区）",
    "2、所在乡镇（街道）",
    "3、所在村（社区）",
    "4、您的年龄",
    "5、婚姻状况",
    "6、您家目前有哪些困难（多选）",
    "7、您目前最需要妇联提供哪些帮助？",
    "8、调查员姓名",
]


def make_rows(n: int) -> list[list[str]]:
    texts = [
        json.loads(line)
        for line in (REPO / "evals/data/needs_train.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    rows = []
    for i in range(n):
        r = texts[i % len(texts)]
        m = r.get("meta", {})
        rows.append(
            [
                str(i + 1),
                f"2025/{i % 12 + 1}/{i % 28 + 1} 10:{i % 60:02d}:00",
                f"{60 + i % 400}秒",
                "手机提交",
                "直接访问",
                f"36.{i % 200}.{i % 97}.{i % 13}(安徽-合肥)",
                m.get("county", "金寨县"),
                m.get("township", ""),
                m.get("village", ""),
                f"{m.get('age', 40)}岁",
                m.get("marital_status", "已婚"),
                "没有稳定收入┋孩子上学" if i % 2 else "看病贵",
                r["text"],
                "王芳",
            ]
        )
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        w.writerows(rows)


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    wb.save(path)


def child_import(path: str, home: str) -> None:
    """Runs in a fresh process so its peak memory is the import's own."""
    import resource

    from fuqing.config import Settings
    from fuqing.db import open_database
    from survey.intake import import_file

    settings = Settings(home=Path(home), max_upload_mb=500)
    db = open_database(settings)
    t = time.perf_counter()
    report = import_file(db, settings, Path(path), actor=SYSTEM, new_survey_title="bench")
    elapsed = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(elapsed, 2), "rows_ok": report.rows_ok, "peak_rss_mb": round(rss, 1)}))


def run_import(path: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as home:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(path), home], capture_output=True, text=True, check=True
        ).stdout
    return json.loads(out.strip().splitlines()[-1])


def baseline(path: Path) -> float:
    """A bare csv read and executemany of the same rows into a SQLite table: the floor for any importer."""
    with tempfile.TemporaryDirectory() as tmp:
        con = sqlite3.connect(Path(tmp) / "b.db")
        con.execute("PRAGMA journal_mode=WAL")
        con.execute(f"CREATE TABLE t ({', '.join(f'c{i} TEXT' for i in range(len(HEADERS)))})")
        t = time.perf_counter()
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            batch = []
            for row in reader:
                batch.append(row)
                if len(batch) == 2000:
                    con.executemany(f"INSERT INTO t VALUES ({','.join('?' * len(HEADERS))})", batch)
                    batch = []
            if batch:
                con.executemany(f"INSERT INTO t VALUES ({','.join('?' * len(HEADERS))})", batch)
        con.commit()
        return round(time.perf_counter() - t, 2)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _load(url: str, token: str, total: int, concurrency: int) -> tuple[float, list[float], int]:
    import httpx

    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))
    texts = [
        "孩子他爸在外打工，想在家门口找点活干",
        "婆婆瘫在床上，走不开，想学点手艺",
        "离婚后抚养费不给，想问问法律上咋办",
    ]

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for i in counter:
            body = {
                "source_id": f"bench-{i}",
                "text": texts[i % 3],
                "county": "金寨县",
                "township": "梅山镇",
                "village": "小河村",
                "age": 30 + i % 40,
            }
            t = time.perf_counter()
            r = await client.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
            latencies.append((time.perf_counter() - t) * 1000)
            if r.status_code not in (200, 201):
                errors += 1

    async with httpx.AsyncClient(timeout=30) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        return time.perf_counter() - started, latencies, errors


def _wrk(url: str, token: str, concurrency: int, seconds: int = 15) -> dict[str, float]:
    """wrk (C, one thread) as the load generator, so the client costs little of the two cores."""
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{concurrency}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(Path(__file__).with_name("post.lua")),
            "-H",
            f"Authorization: Bearer {token}",
            "-H",
            "Content-Type: application/json",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def ms(label: str) -> float:
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)  # type: ignore[union-attr]
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "tool": "wrk",
        "seconds": seconds,
        "concurrency": concurrency,
        "rps": rps,
        "p50_ms": ms("50"),
        "p95_ms": int(re.search(r"p95_us (\d+)", out).group(1)) / 1000,  # type: ignore[union-attr]
        "p99_ms": ms("99"),
        "p90_ms": ms("90"),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def bench_http(total: int = 5000, concurrency: int = 8) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "FUQING_HOME": home, "ANONYMIZED_TELEMETRY": "False"}
        fq = [sys.executable, "-m", "api.cli"]
        subprocess.run(
            [*fq, "user", "add", "bench", "--role", "fieldworker"],
            env=env,
            check=True,
            capture_output=True,
            cwd=REPO,
        )
        token = subprocess.run(
            [*fq, "token", "create", "bench"], env=env, check=True, capture_output=True, text=True, cwd=REPO
        ).stdout.strip()
        subprocess.run([*fq, "survey", "create", "bench"], env=env, check=True, capture_output=True, cwd=REPO)
        port = _free_port()
        server = subprocess.Popen(
            [*fq, "serve", "--port", str(port)],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.time() + 120
            while time.time() < deadline:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        break
                except OSError:
                    time.sleep(0.3)
            url = f"http://127.0.0.1:{port}/api/surveys/1/responses"
            asyncio.run(_load(url, token, 300, concurrency))  # warm-up
            if shutil.which("wrk"):
                return _wrk(url, token, concurrency)
            elapsed, lat, errors = asyncio.run(_load(url, token, total, concurrency))
        finally:
            server.terminate()
            server.wait(timeout=20)
    return {
        "requests": total,
        "concurrency": concurrency,
        "rps": round(total / elapsed, 1),
        "p50_ms": round(percentile(lat, 50), 2),
        "p95_ms": round(percentile(lat, 95), 2),
        "errors": errors,
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_import(sys.argv[2], sys.argv[3])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--skip-xlsx", action="store_true")
    ap.add_argument("--skip-http", action="store_true")
    args = ap.parse_args()
    results: dict[str, object] = {"rows": args.rows}
    rows = make_rows(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "wjx.csv"
        write_csv(csv_path, rows)
        results["csv_mb"] = round(csv_path.stat().st_size / 1024 / 1024, 1)
        results["csv_import"] = run_import(csv_path)
        results["csv_baseline_s"] = baseline(csv_path)
        results["csv_ratio_to_baseline"] = round(
            results["csv_import"]["seconds"] / results["csv_baseline_s"], 1
        )  # type: ignore[index]
        print(
            "csv:",
            results["csv_import"],
            "baseline",
            results["csv_baseline_s"],
            "ratio",
            results["csv_ratio_to_baseline"],
        )
        if not args.skip_xlsx:
            xlsx_path = Path(tmp) / "wjx.xlsx"
            write_xlsx(xlsx_path, rows)
            results["xlsx_import"] = run_import(xlsx_path)
            print("xlsx:", results["xlsx_import"])
    if not args.skip_http:
        results["single_post"] = bench_http()
        print("single POST:", results["single_post"])
    print("written", save("intake", results))


if __name__ == "__main__":
    main()
