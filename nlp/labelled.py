"""Reading labelled responses (shared/spec/formats.md); errors name the file, the line and the bad id."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fuqing.errors import InputError
from fuqing.jsonl import read_jsonl
from nlp.taxonomy import taxonomy


@dataclass
class LabelledRow:
    id: str
    text: str
    groups: list[str]
    needs: list[str]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        return self.groups + self.needs


def read_labelled(path: Path) -> list[LabelledRow]:
    path = Path(path)
    groups = {lab.id for lab in taxonomy().family("groups")}
    needs = {lab.id for lab in taxonomy().family("needs")}
    rows, seen = [], set()
    for n, obj in read_jsonl(path):
        if not isinstance(obj.get("text"), str):
            raise InputError(
                f"{path.name} 第 {n} 行缺少 text。",
                hint='格式：{"id": "r1", "text": "...", "groups": [], "needs": []}',
            )
        rid = str(obj.get("id", n))
        if rid in seen:
            raise InputError(f"{path.name} 第 {n} 行的 id {rid!r} 重复。", hint="id 在文件内必须唯一。")
        seen.add(rid)
        for fam, allowed in (("groups", groups), ("needs", needs)):
            values = obj.get(fam, [])
            if not isinstance(values, list):
                raise InputError(
                    f"{path.name} 第 {n} 行的 {fam} 应是列表。", hint='例如 []，或 ["left_behind"]'
                )
            for v in values:
                if v not in allowed:
                    raise InputError(
                        f"{path.name} 第 {n} 行的 {fam} 中有未知标签 {v!r}。",
                        hint="可用标签：" + "、".join(sorted(allowed)),
                    )
        rows.append(
            LabelledRow(
                rid,
                obj["text"],
                list(obj.get("groups", [])),
                list(obj.get("needs", [])),
                obj.get("meta") or {},
            )
        )
    return rows


def label_matrix(rows: list[LabelledRow]) -> np.ndarray:
    ids = taxonomy().ids
    return np.array([[1 if lab in r.labels else 0 for lab in ids] for r in rows], dtype=int)
