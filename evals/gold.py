"""Readers for the evaluation data formats of shared/spec/formats.md; errors name the file and the line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fuqing.errors import InputError
from fuqing.jsonl import read_jsonl


@dataclass(frozen=True)
class RetrievalCase:
    line: int
    query: str
    relevant: tuple[str, ...]


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
