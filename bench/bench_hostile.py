"""Hostile upload and a large honest one against a running `fuqing serve` (issue 15).

Measures (1) how long the far-corner sheet (cells A1 and XFD1048576) takes to be refused, and (2) how quickly
/api/health answers while a 50 MB honest CSV is uploaded and imported, beside the same health check on an idle
service. Run: python bench/bench_hostile.py [--mb 50]; the service is started in a temporary home.
"""

from __future__ import annotations

import argparse
import csv
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.hostile_files import far_corner_xlsx


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fuqing(home: Path, *args: str) -> str:
    env = {**os.environ, "FUQING_HOME": str(home), "ANONYMIZED_TELEMETRY": "False"}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args], env=env, capture_output=True, text=True
    ).stdout


def start(home: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    _fuqing(home, "user", "add", "bench", "--role", "admin")
    token = next(w for w in _fuqing(home, "token", "create", "bench").split() if w.startswith("fq_"))
    port = _port()
    env = {
        **os.environ,
        "FUQING_HOME": str(home),
        "ANONYMIZED_TELEMETRY": "False",
        "FUQING_MAX_UPLOAD_MB": "200",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    return proc, url, token


def big_csv(path: Path, mb: int) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["县", "乡镇", "村", "您最需要哪些帮助"])
        i = 0
        while fh.tell() < mb * 1024 * 1024:
            i += 1
            w.writerow(
                [
                    "金寨县",
                    "梅山镇",
                    f"第{i % 300}村",
                    f"希望有技能培训和就近的工作岗位，孩子上学也需要照顾 {i}",
                ]
            )
    return path


def health_latencies(url: str, stop: threading.Event, out: list[float]) -> None:
    with httpx.Client() as c:
        while not stop.is_set():
            t = time.perf_counter()
            c.get(f"{url}/api/health", timeout=10)
            out.append((time.perf_counter() - t) * 1000)
            time.sleep(0.05)


def summary(ms: list[float]) -> str:
    ms = sorted(ms)
    return f"n={len(ms)} p50 {statistics.median(ms):.1f} ms, p95 {ms[int(len(ms) * 0.95) - 1]:.1f} ms, max {ms[-1]:.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=50)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, url, token = start(Path(tmp) / "home")
        headers = {"Authorization": f"Bearer {token}"}
        try:
            hostile = far_corner_xlsx(Path(tmp))
            t = time.perf_counter()
            r = httpx.post(
                f"{url}/api/uploads/inspect",
                files={"file": ("x.xlsx", hostile.read_bytes())},
                headers=headers,
                timeout=120,
            )
            print(f"far-corner sheet: {r.status_code} in {(time.perf_counter() - t) * 1000:.0f} ms")
            idle: list[float] = []
            stop = threading.Event()
            th = threading.Thread(target=health_latencies, args=(url, stop, idle))
            th.start()
            time.sleep(3)
            stop.set()
            th.join()
            print("health, idle:", summary(idle))
            honest = big_csv(Path(tmp) / "big.csv", args.mb)
            busy: list[float] = []
            stop = threading.Event()
            th = threading.Thread(target=health_latencies, args=(url, stop, busy))
            th.start()
            t = time.perf_counter()
            with open(honest, "rb") as fh:
                r = httpx.post(
                    f"{url}/api/uploads",
                    files={"file": ("big.csv", fh)},
                    data={"new_survey_title": "bench"},
                    headers=headers,
                    timeout=1800,
                )
            took = time.perf_counter() - t
            stop.set()
            th.join()
            print(
                f"{args.mb} MB honest upload, imported: {r.status_code} in {took:.1f} s, {r.json().get('rows_ok')} rows"
            )
            print("health, during the upload:", summary(busy))
        finally:
            proc.terminate()
            proc.wait(20)


if __name__ == "__main__":
    main()
