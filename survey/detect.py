"""Recognising where an export came from (问卷星, KoboToolbox, ODK Central or a plain table) and its questions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

WJX_META = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
KOBO_META = {
    "_id",
    "_uuid",
    "_submission_time",
    "_submitted_by",
    "_validation_status",
    "_notes",
    "_status",
    "_tags",
    "_index",
    "_parent_table_name",
    "_parent_index",
    "__version__",
    "_version_",
    "_xform_id_string",
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "meta/instanceID",
    "meta/rootUuid",
    "formhub/uuid",
}
ODK_META = {
    "SubmissionDate",
    "meta-instanceID",
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
    "start",
    "end",
    "today",
    "deviceid",
    "instanceID",
}

_WJX_Q = re.compile(r"^(\d+)[、.．]\s*(.*)$")
_WJX_OPTION_COL = re.compile(r"^第(\d+)题[(（](.*)[)）]$")
_WJX_SUB = re.compile(r"^[(（](.*)[)）]$")
_MATRIX_SEP = re.compile(r"\s*[—–]\s*")


@dataclass
class Question:
    key: str
    text: str
    type: str = "text"  # single | multiple | text | number | region | date | matrix | ranking
    columns: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    subitems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "text": self.text,
            "type": self.type,
            "options": self.options,
            "subitems": self.subitems,
        }


@dataclass
class Layout:
    """What the header row tells: the source tool, its variant, meta columns and the questions."""

    source: str  # wjx | kobo | odk | plain
    variant: str | None
    meta: dict[str, str]  # role -> header (source_id, collected_at, duration, channel, ip, fieldworker)
    questions: list[Question]
    ignored: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        names = {"wjx": "问卷星", "kobo": "KoboToolbox", "odk": "ODK Central", "plain": "普通表格"}
        return names[self.source] + (f"（{self.variant}）" if self.variant else "")


def detect_source(headers: list[str]) -> str:
    hs = set(headers)
    if sum(h in hs for h in WJX_META) >= 3 and "序号" in hs:
        return "wjx"
    if "_uuid" in hs or "_submission_time" in hs:
        return "kobo"
    if "KEY" in hs and ("SubmissionDate" in hs or "meta-instanceID" in hs):
        return "odk"
    return "plain"


def _wjx_layout(headers: list[str]) -> Layout:
    meta = {"source_id": "序号"}
    for role, h in (
        ("collected_at", "提交答卷时间"),
        ("duration", "所用时间"),
        ("ip", "来自IP"),
    ):
        if h in headers:
            meta[role] = h
    questions: dict[str, Question] = {}
    order: list[str] = []
    # 来源 (手机提交/微信) describes the 问卷星 client, not the survey channel, which is 问卷星 itself.
    ignored = [h for h in headers if h in ("来源", "来源详情")]
    has_option_cols = False
    for h in headers:
        if h in WJX_META:
            continue
        if m := _WJX_OPTION_COL.match(h):
            has_option_cols = True
            key = f"q{m.group(1)}"
            q = questions.get(key)
            if q is None:
                q = questions[key] = Question(key, f"第{m.group(1)}题", "multiple")
                order.append(key)
            q.type = "multiple"
            q.columns.append(h)
            q.options.append(m.group(2))
            continue
        if m := _WJX_Q.match(h):
            number, text = m.group(1), m.group(2).strip()
            key = f"q{number}"
            q = questions.get(key)
            sub = _WJX_SUB.match(text)
            parts = _MATRIX_SEP.split(text, maxsplit=1)
            if q is None:
                if len(parts) == 2 and parts[1]:
                    q = Question(key, parts[0], "matrix", subitems=[parts[1]])
                elif sub:
                    q = Question(key, f"第{number}题", "matrix", subitems=[sub.group(1)])
                else:
                    q = Question(key, text)
                questions[key] = q
                order.append(key)
            else:
                q.type = "matrix"
                q.subitems.append(sub.group(1) if sub else (parts[1] if len(parts) == 2 else text))
            q.columns.append(h)
            continue
        key = f"c{len(order) + 1}"
        questions[key] = Question(key, h, columns=[h])
        order.append(key)
    variant = "按选项序号" if has_option_cols else "按选项文本"
    return Layout("wjx", variant, meta, [questions[k] for k in order], ignored)


def _path_layout(headers: list[str], source: str, sep: str, meta_names: set[str]) -> Layout:
    meta: dict[str, str] = {}
    if source == "kobo":
        for role, h in (
            ("source_id", "_uuid"),
            ("collected_at", "_submission_time"),
            ("fieldworker", "_submitted_by"),
        ):
            if h in headers:
                meta[role] = h
    else:
        for role, h in (
            ("source_id", "KEY"),
            ("collected_at", "SubmissionDate"),
            ("fieldworker", "SubmitterName"),
        ):
            if h in headers:
                meta[role] = h
        if "source_id" not in meta and "meta-instanceID" in headers:
            meta["source_id"] = "meta-instanceID"
    base = set(headers)
    questions: list[Question] = []
    by_key: dict[str, Question] = {}
    ignored = []
    for h in headers:
        if h in meta_names or h.startswith("_"):
            if h not in meta.values():
                ignored.append(h)
            continue
        parent, _, leaf = h.rpartition(sep)
        if parent and parent in base:
            # a select_multiple detail column (group/q/option = 0/1) beside its space-separated parent
            q = by_key.get(parent.rpartition(sep)[2])
            if q is not None:
                q.type = "multiple"
                q.options.append(leaf)
            ignored.append(h)
            continue
        key = leaf or h
        if key in by_key:
            key = h
        q = Question(key, key, columns=[h])
        by_key[key] = q
        questions.append(q)
    return Layout(source, None, meta, questions, ignored)


def detect_layout(headers: list[str]) -> Layout:
    source = detect_source(headers)
    if source == "wjx":
        return _wjx_layout(headers)
    if source == "kobo":
        return _path_layout(headers, "kobo", "/", KOBO_META)
    if source == "odk":
        return _path_layout(headers, "odk", "-", ODK_META)
    return Layout(
        "plain", None, {}, [Question(f"c{i}", h, columns=[h]) for i, h in enumerate(headers, start=1)]
    )
