"""Readers for the evaluation data formats of shared/spec/formats.md; errors name the file and the line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from fuqing.errors import InputError


@dataclass(frozen=True)
class RetrievalCase:
    line: int
    query: str
    relevant: tuple[str, ...]


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


def read_retrieval_gold(path: Path) -> list[RetrievalCase]:
    cases = []
    for n, obj in read_jsonl(path):
        query, relevant = obj.get("query"), obj.get("relevant")
        if not isinstance(query, str) or not query.strip():
            raise InputError(
                f"{Path(path).name} 第 {n} 行缺少 query。",
                hint='格式：{"query": "...", "relevant": ["DOC#CLAUSE"]}',
            )
        if (
            not isinstance(relevant, list)
            or not relevant
            or not all(isinstance(r, str) and "#" in r for r in relevant)
        ):
            raise InputError(
                f"{Path(path).name} 第 {n} 行的 relevant 应是 DOC_ID#CLAUSE 列表。",
                hint='例如 ["anhui-ponan-2022#12"]',
            )
        cases.append(RetrievalCase(n, query, tuple(relevant)))
    return cases
