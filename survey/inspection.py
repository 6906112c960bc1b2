"""What the system understood of a file before storing anything: its format, questions, column mapping and the
class of every column (identifying, quasi-identifying, analytic), shown to the uploader to confirm or change."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fuqing.errors import InputError
from survey.detect import Layout, detect_layout
from survey.mapping import ROLES, Mapping, guess_mapping, resolve_mapping
from survey.privacy import CLASS_NAMES, FieldClass, classify_layout, key_of
from survey.rows import infer_types
from survey.tables import Table, check_file, open_table
from survey.values import ValueProblem, parse_age, parse_datetime

SAMPLE_ROWS = 200
SAMPLE_VALUES = 3
# Roles whose column is never stored apart: the region is analysed (the village is protected by small-cell rules),
# the open answer is redacted, not withheld.
ROLE_CLASS = {
    "county": FieldClass.analytic,
    "township": FieldClass.analytic,
    "village": FieldClass.quasi,
    "fieldworker": FieldClass.quasi,
    "needs_text": FieldClass.analytic,
    "name": FieldClass.identifying,
    "phone": FieldClass.identifying,
}


@dataclass
class Inspection:
    """What the system understood of a file before storing anything: shown to the user to confirm."""

    filename: str
    container: str
    encoding: str | None
    source: str
    label: str
    headers: list[str]
    questions: list[dict[str, Any]]
    mapping: dict[str, str]
    mapping_labels: dict[str, str]
    warnings: list[str]
    table: Table = field(repr=False)
    layout: Layout = field(repr=False)
    sample: list[list[str]] = field(repr=False, default_factory=list)
    resolved: Mapping | None = field(repr=False, default=None)
    # question key -> {"class", "reason"}: identifying columns are stored apart, sealed (survey/privacy.py)
    classes: dict[str, dict[str, str]] = field(default_factory=dict)
    samples: dict[str, list[str]] = field(repr=False, default_factory=dict)

    @property
    def identifying(self) -> frozenset[str]:
        return frozenset(k for k, v in self.classes.items() if v["class"] == FieldClass.identifying)

    def fields(self) -> list[dict[str, Any]]:
        """Every question with its class, the reason and a few sample values (never those of identifying ones)."""
        out = []
        for q in self.questions:
            cls = self.classes.get(q["key"], {"class": FieldClass.analytic, "reason": ""})
            hidden = cls["class"] == FieldClass.identifying
            values = [v for v in dict.fromkeys(self.samples.get(q["key"], [])) if v.strip()][:SAMPLE_VALUES]
            out.append(
                {
                    "key": q["key"],
                    "text": q["text"],
                    "class": cls["class"],
                    "class_name": CLASS_NAMES[FieldClass(cls["class"])],
                    "reason": cls["reason"],
                    "samples": ["（已隐藏）"] if hidden and values else [v[:30] for v in values],
                }
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "format": self.label,
            "source": self.source,
            "container": self.container,
            "encoding": self.encoding,
            "questions": self.questions,
            "mapping": self.mapping,
            "mapping_labels": self.mapping_labels,
            "fields": self.fields(),
            "warnings": self.warnings,
        }


def _describe(layout: Layout, key: str) -> str:
    if key.startswith("@"):
        return key[1:]
    for q in layout.questions:
        if q.key == key:
            return q.columns[0] if len(q.columns) == 1 else q.text
    return key


def inspect_file(
    path: Path,
    *,
    mapping_override: dict[str, Any] | None = None,
    max_mb: float = 50.0,
    encoding: str | None = None,
) -> Inspection:
    check_file(path, max_mb)
    table = open_table(path, encoding=encoding)
    sample = list(itertools.islice(table.rows, SAMPLE_ROWS))
    if not sample:
        raise InputError(
            f"文件 {Path(path).name} 只有表头，没有数据行。", hint="请确认导出时选择了全部答卷。"
        )
    table.rows = itertools.chain(sample, table.rows)
    layout = detect_layout(table.headers)
    idx = {h: i for i, h in enumerate(table.headers)}
    samples = {
        q.key: [row[idx[q.columns[0]]] if idx[q.columns[0]] < len(row) else "" for row in sample]
        for q in layout.questions
        if q.columns
    }
    infer_types(layout, samples)
    override = dict(mapping_override or {})
    privacy = _privacy_override(override.pop("privacy", None))
    guessed = guess_mapping(layout, samples)
    resolved = resolve_mapping(layout, guessed, override, "mapping")
    warnings = list(table.warnings)
    warnings += _drop_unparseable_roles(layout, resolved, samples, table.headers, sample)
    if "needs_text" not in resolved.roles:
        warnings.append(
            "没有识别出“需求开放题”（如“您目前最需要妇联提供哪些帮助”）；可用 --mapping 指定 needs_text 对应的列。"
        )
    classes = _classes(layout, samples, resolved, privacy)
    return Inspection(
        filename=Path(path).name,
        container=table.container,
        encoding=table.encoding,
        source=layout.source,
        label=layout.label,
        headers=table.headers,
        questions=[{**q.to_dict(), "privacy": classes[q.key]["class"]} for q in layout.questions],
        mapping=resolved.to_dict(),
        mapping_labels={ROLES[r]: _describe(layout, k) for r, k in resolved.roles.items()},
        warnings=warnings,
        table=table,
        layout=layout,
        sample=sample,
        resolved=resolved,
        classes=classes,
        samples=samples,
    )


def _classes(
    layout: Layout, samples: dict[str, list[str]], resolved: Mapping, privacy: dict[str, str]
) -> dict[str, dict[str, str]]:
    """The guess per column, then the fixed class of mapped roles, then what the uploader chose (which wins)."""
    classes = classify_layout(layout, samples)
    for role, key in resolved.roles.items():
        if role in ROLE_CLASS and key in classes:
            reason = "需求开放题：脱敏后用于分析" if role == "needs_text" else f"{ROLES[role]}列"
            classes[key] = {"class": ROLE_CLASS[role].value, "reason": reason}
    for column, cls in privacy.items():
        key = key_of(layout, column)
        if key is None:
            raise InputError(
                f"映射的 privacy 中的列 {column!r} 在文件中找不到。", hint="请写完整列名或题号（如 q5）。"
            )
        classes[key] = {"class": cls, "reason": "上传者指定"}
    return classes


NAMES_OF_CLASSES = {"身份信息": "identifying", "间接识别": "quasi", "调查内容": "analytic"}


def _privacy_override(value: Any) -> dict[str, str]:
    """The mapping's ``privacy`` section: column (header text or key) -> identifying | quasi | analytic."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError("映射中的 privacy 应是“列名: 类别”的对象。", hint='例如 {"5、备注": "identifying"}')
    out = {}
    for column, cls in value.items():
        name = NAMES_OF_CLASSES.get(str(cls), str(cls))
        if name not in FieldClass.__members__:
            raise InputError(
                f"列 {column} 的类别 {cls!r} 不认识。",
                hint="可用：identifying（身份信息）、quasi（间接识别）、analytic（调查内容）",
            )
        out[str(column)] = name
    return out


def _drop_unparseable_roles(
    layout: Layout,
    mapping: Mapping,
    samples: dict[str, list[str]],
    headers: list[str],
    sample: list[list[str]],
) -> list[str]:
    """A guessed age or date column whose sample mostly fails to parse is the wrong column (or option codes).

    Dropping it with one file-level warning beats one warning per row; an explicit mapping is kept as given.
    """
    checks = {"age": parse_age, "collected_at": parse_datetime}
    warnings = []
    idx = {h: i for i, h in enumerate(headers)}
    for role, fn in checks.items():
        key = mapping.roles.get(role)
        if key is None or role in mapping.explicit:
            continue
        if key.startswith("@"):
            values = [r[idx[key[1:]]] for r in sample if idx[key[1:]] < len(r)]
        else:
            values = samples.get(key, [])
        values = [v for v in values if v.strip() and v.strip() not in ("(跳过)", "(空)")]
        if not values:
            continue
        bad = 0
        for v in values:
            try:
                fn(v)
            except ValueProblem:
                bad += 1
        if len(values) >= 5 and bad > len(values) / 2:
            mapping.roles.pop(role)
            warnings.append(
                f"“{_describe(layout, key)}”列的值大多不是{ROLES[role]}（例如“{values[0][:20]}”），未作为{ROLES[role]}使用；"
                "问卷星“按选项序号”导出只有选项编号，建议改用“按选项文本”导出，或用 --mapping 指定。"
            )
    return warnings
