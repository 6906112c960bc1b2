"""Which columns hold the region, the respondent fields and the open "needs" question.

The guess reads header text (and a sample of values); an explicit mapping file (YAML or JSON) overrides it.
Both are shown to the user before anything is stored, so a wrong guess is visible, not silent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fuqing.errors import InputError
from survey.detect import Layout, Question

ROLES = {
    "county": "县（区）",
    "township": "乡镇（街道）",
    "village": "村（社区）",
    "age": "年龄",
    "marital_status": "婚姻状况",
    "fieldworker": "调查员",
    "channel": "调查方式",
    "needs_text": "需求开放题",
    "collected_at": "调查时间",
    "source_id": "来源编号",
    "name": "姓名（敏感）",
    "phone": "电话（敏感）",
}

_PATTERNS: dict[str, list[tuple[str, int]]] = {
    "county": [(r"县\s*[（(/]?\s*(市|区)|县区|县市区|所在县|^县$|区县|county|district", 3), (r"县", 1)],
    "township": [(r"乡镇|乡\s*[/（(]\s*镇|街道|township|town", 3), (r"镇|乡", 1)],
    "village": [(r"村\s*[（(/]\s*(社区|居)|所在村|村名|村居|社区|居委|village|community", 3), (r"村", 1)],
    "age": [(r"年龄|岁数|age", 3), (r"出生", 1)],
    "marital_status": [(r"婚姻|婚否|marital|marriage", 3)],
    "fieldworker": [
        (r"调查员|访员|访问员|访谈员|填报人|录入人|工作人员|采集人|enumerator|fieldworker|interviewer", 3)
    ],
    "channel": [(r"调查方式|访谈方式|渠道|channel", 3)],
    "needs_text": [
        (r"最需要|需要.*帮助|需求|诉求|困难|期望|希望|建议|想法|意见|needs?|help|^text$|answer|回答", 2),
        (r"帮助|问题|其他", 1),
    ],
    "name": [(r"姓名|名字|称呼|^name$|respondent_name", 3)],
    "phone": [(r"电话|手机号|联系方式|phone|mobile|^tel", 3)],
    "collected_at": [
        (r"(提交|填写|调查|访谈|采集|登记|走访)(时间|日期)|^日期$|^时间$|date|submitted|collected", 2)
    ],
    "source_id": [(r"^(编号|问卷编号|序号|id|ID|uuid)$", 3)],
}
_NEGATIVE = {
    "county": r"社区|乡镇|街道|村",
    "township": r"村|社区",
    "village": r"农村户口|村民小组长|村里.*活动",
    "needs_text": r"^(县|乡|镇|村)|年龄|婚姻|电话|姓名",
}


@dataclass
class Mapping:
    """role -> question key; ``explicit`` marks roles that came from a mapping file."""

    roles: dict[str, str]
    explicit: set[str]

    def column_of(self, role: str) -> str | None:
        return self.roles.get(role)

    def to_dict(self) -> dict[str, str]:
        return dict(self.roles)


def _score(role: str, q: Question, sample: list[str]) -> float:
    text = q.text
    score = 0.0
    for pattern, weight in _PATTERNS[role]:
        if re.search(pattern, text, re.IGNORECASE):
            score = max(score, weight)
    if score == 0:
        return 0.0
    if (neg := _NEGATIVE.get(role)) and re.search(neg, text) and score < 3:
        return 0.0
    values = [v for v in sample if v]
    if role in ("county", "township", "village", "marital_status", "channel", "fieldworker", "age"):
        score += 0.5 if len(text) <= 14 else -0.5
    if role == "needs_text":
        avg = sum(len(v) for v in values) / len(values) if values else 0
        distinct = len(set(values)) / len(values) if values else 0
        score += min(avg, 40) / 20 + distinct  # open questions have long, varied answers
        if q.type in ("multiple", "matrix", "number"):
            score -= 3
    if role == "age" and values:
        score += 0.5 * (sum(bool(re.search(r"\d", v)) for v in values) / len(values))
    return score


def guess_mapping(layout: Layout, samples: dict[str, list[str]]) -> dict[str, str]:
    """Best question for each role, each question used at most once."""
    scored = []
    for role in ROLES:
        if role in layout.meta:
            continue
        for q in layout.questions:
            s = _score(role, q, samples.get(q.key, []))
            if s > 0:
                scored.append((s, role, q.key))
    chosen: dict[str, str] = {}
    used: set[str] = set()
    for s, role, key in sorted(scored, key=lambda t: -t[0]):
        if role in chosen or key in used or s < 1.5:
            continue
        chosen[role] = key
        used.add(key)
    for role, header in layout.meta.items():
        if role in ROLES:
            chosen.setdefault(role, f"@{header}")
    return chosen


def read_mapping_file(path: Path) -> dict[str, Any]:
    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到映射文件 {path}。", hint="请检查路径。")
    text = path.read_text(encoding="utf-8-sig")
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except Exception as exc:
        raise InputError(
            f"映射文件 {path.name} 格式有误：{exc}", hint="应为 YAML 或 JSON，例如 county: 所在县区"
        ) from exc
    if not isinstance(data, dict):
        raise InputError(f"映射文件 {path.name} 应是“角色: 列名”的字典。", hint="例如 county: 所在县区")
    out: dict[str, Any] = {str(k): str(v) for k, v in data.items() if v is not None and k != "privacy"}
    if "privacy" in data:  # column -> class, checked when the file is inspected (survey/inspection.py)
        out["privacy"] = data["privacy"]
    return out


def resolve_mapping(
    layout: Layout, guessed: dict[str, str], override: dict[str, Any] | None, source: str
) -> Mapping:
    """Apply an explicit mapping (role -> header text or question key) over the guess; unknown names are errors."""
    roles = dict(guessed)
    explicit: set[str] = set()
    if override:
        by_header = {}
        for q in layout.questions:
            by_header[q.key] = q.key
            by_header[q.text] = q.key
            for col in q.columns:
                by_header[col] = q.key
        for role, target in override.items():
            if role not in ROLES:
                raise InputError(
                    f"映射文件 {source} 中的角色 {role!r} 不认识。", hint="可用的角色：" + "、".join(ROLES)
                )
            if target in ("", "-", "none", "None"):
                roles.pop(role, None)
                explicit.add(role)
                continue
            key = by_header.get(target)
            if key is None:
                meta_cols = {h: f"@{h}" for h in layout.meta.values()}
                key = meta_cols.get(target)
            if key is None:
                raise InputError(
                    f"映射文件 {source} 把 {role} 指向列 {target!r}，但文件中没有这一列。",
                    hint="请对照上传文件的表头检查列名（可写完整列名或题号，如 q9）。",
                )
            for other, k in list(roles.items()):
                if k == key and other != role and other not in override:
                    roles.pop(other)
            roles[role] = key
            explicit.add(role)
    return Mapping(roles, explicit)
