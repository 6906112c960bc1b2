"""Reading JSON Lines files for every format of shared/spec/formats.md; errors name the file and the line."""

from __future__ import annotations

import json
from pathlib import Path

from fuqing.errors import InputError


def read_jsonl(path: Path) -> list[tuple[int, dict]]:
    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到文件 {path}。", hint="请检查路径。")
    rows = []
    with open(path, encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(
                    f"{path.name} 第 {n} 行不是合法的 JSON：{exc.msg}。", hint="每行应是一个 JSON 对象。"
                ) from exc
            if not isinstance(obj, dict):
                raise InputError(f"{path.name} 第 {n} 行应是 JSON 对象。", hint="每行应是一个 JSON 对象。")
            rows.append((n, obj))
    if not rows:
        raise InputError(f"{path.name} 是空的。", hint="请提供至少一行数据。")
    return rows
