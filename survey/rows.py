"""Turning one raw row of an export into a response record, or into row-level errors that name the column."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from nlp.redact import redact
from survey.detect import Layout, Question
from survey.mapping import Mapping
from survey.tables import MAX_CELL_CHARS
from survey.values import (
    SKIPPED,
    ValueProblem,
    age_band,
    answer_text,
    normalize_marital,
    parse_age,
    parse_answer,
    parse_datetime,
    parse_duration,
)

DEFAULT_CHANNEL = {"wjx": "问卷星", "kobo": "KoboToolbox", "odk": "ODK"}


@dataclass
class RowProblem:
    row: int
    column: str | None
    reason: str
    kind: str = "error"


@dataclass
class ParsedRow:
    row: int
    record: dict[str, Any] | None
    problems: list[RowProblem] = field(default_factory=list)
    ip: str | None = None
    # What identifies her, kept apart and sealed (survey/privacy.py): identifying answers by question key, and the
    # raw open answer when redaction changed it. None when there is nothing of the kind.
    contact: dict[str, Any] | None = None
    # The key this row had before row keys were scoped (issue 15), so that re-uploading an export imported by an
    # older version is still recognised.
    legacy_key: str | None = None


# Id columns whose values are unique across every form and device (KoboToolbox and ODK instance ids): used as they
# are. Any other id column (问卷星 序号, a 编号 column) counts only within its questionnaire.
GLOBAL_ID_COLUMNS = frozenset({"_uuid", "KEY", "meta-instanceID", "instanceID", "_submission__uuid"})


def questionnaire_key(layout: Layout) -> str:
    """What identifies a questionnaire in its exports: the texts of its questions, in order (the same whichever
    optional columns an export adds)."""
    texts = "\x1f".join(q.text for q in layout.questions)
    return hashlib.sha256(texts.encode("utf-8")).hexdigest()[:12]


def infer_types(layout: Layout, samples: dict[str, list[str]]) -> None:
    """Single-column questions get a type from their sampled values (┋ multi, → ranking, numbers, few options)."""
    for q in layout.questions:
        if q.type != "text" or len(q.columns) != 1:
            continue
        values = [
            v.strip() for v in samples.get(q.key, []) if v.strip() and v.strip() not in ("(跳过)", "(空)")
        ]
        if not values:
            continue
        if any("┋" in v for v in values):
            q.type = "multiple"
        elif sum("→" in v for v in values) >= max(1, len(values) // 2):
            q.type = "ranking"
        elif all(re.fullmatch(r"-?\d+(\.\d+)?", v) for v in values):
            q.type = "number"
        elif (
            len(values) >= 10 and len(set(values)) <= max(3, len(values) // 3) and max(map(len, values)) <= 30
        ):
            q.type = "single"


# The roles whose text a stored row takes (typed roles, age and collection time, are parsed apart).
RECORD_ROLES = (
    "source_id",
    "needs_text",
    "channel",
    "fieldworker",
    "county",
    "township",
    "village",
    "marital_status",
)


class RowParser:
    def __init__(
        self,
        headers: list[str],
        layout: Layout,
        mapping: Mapping,
        *,
        ip_key: bytes,
        default_fieldworker: str | None,
        identifying: frozenset[str] = frozenset(),
        file_key: str = "",
    ):
        self.layout = layout
        # Row keys (see _source_id): a row without an id is "row n of this file", never "a row with these answers";
        # an id that is a counter (序号) is scoped by the questionnaire.
        self.file_key = file_key[:16]
        self.scope_key = questionnaire_key(layout)
        self.identifying = identifying
        self.mapping = mapping
        self.index = {h: i for i, h in enumerate(headers)}
        self.headers = headers
        self.ip_key = ip_key
        self.default_fieldworker = default_fieldworker
        self.questions = {q.key: q for q in layout.questions}
        self.needs_key = mapping.roles.get("needs_text")
        # Free-text answers are stored redacted; their originals go to the sealed contact record. Columns mapped to
        # a role (region, age, fieldworker…) are structured values, not free text.
        structured = {key for role, key in mapping.roles.items() if role != "needs_text"}
        self.free_text = [
            q.key for q in layout.questions if q.type == "text" and q.key not in identifying | structured
        ]
        self.role_columns = {role: self._locate(target) for role, target in mapping.roles.items()}
        # What _role_value needs of each role a stored row takes, looked up once: (role, column index, whether its
        # cells use 问卷星 notation, question key), or (role, -1, False, "") when the role has no column.
        self.record_plan: list[tuple[str, int, bool, str]] = []
        for role in RECORD_ROLES:
            located = self.role_columns.get(role)
            i, notation = (located[0], located[2]) if located else (-1, False)
            self.record_plan.append((role, i, notation, mapping.roles.get(role, "")))
        # How each question's answer is read, worked out once instead of in every row: the column index of a
        # question of one plain column, or -1 when its cells need _answer's branching (a column per option, a
        # matrix, a Kobo/ODK select). A plain question whose column the file lacks has no answer in any row.
        self.plan = [(q, i) for q in layout.questions if (i := self._column_of(q)) is not None]

    def _column_of(self, q: Question) -> int | None:
        """The column _answer would read the question from as parse_answer of one cell, and nothing more; -1 for
        the other questions, None for a plain question without its column."""
        if not q.columns or q.type == "matrix":
            return -1
        if q.type == "multiple" and (
            q.options and len(q.columns) == len(q.options) or self.layout.source in ("kobo", "odk")
        ):
            return -1
        return self.index.get(q.columns[0])

    def _locate(self, target: str) -> tuple[int, str, bool] | None:
        """Column index and header of a mapped role, and whether its cells use 问卷星 answer notation."""
        if target.startswith("@"):
            header = target[1:]
            return (self.index[header], header, False) if header in self.index else None
        q = self.questions.get(target)
        if q is None or not q.columns or q.columns[0] not in self.index:
            return None
        return self.index[q.columns[0]], q.columns[0], True

    def _cell(self, row: list[str], header: str) -> str:
        i = self.index.get(header)
        return row[i] if i is not None and i < len(row) else ""

    def _role_value(
        self, row: list[str], role: str, answers: dict[str, Any] | None = None
    ) -> tuple[str, str | None]:
        """The raw text of a mapped role and the column it came from (reusing the row's parsed answers)."""
        located = self.role_columns.get(role)
        if located is None:
            return "", None
        i, header, notation = located
        if not notation:
            return (row[i] if i < len(row) else "").strip(), header
        key = self.mapping.roles[role]
        if answers is not None:
            return answer_text(answers.get(key)), header
        return answer_text(parse_answer(row[i] if i < len(row) else "")), header

    def _record_texts(self, row: list[str], answers: dict[str, Any]) -> dict[str, str]:
        """``_role_value(row, role, answers)[0]`` of every role in RECORD_ROLES, in one loop: a notation role's
        text is its parsed answer's (a plain string as it is; skipped answers are never in ``answers``)."""
        texts = {}
        cells = len(row)
        for role, i, notation, key in self.record_plan:
            if i < 0:
                texts[role] = ""
            elif notation:
                value = answers.get(key)
                texts[role] = value if type(value) is str else answer_text(value)
            else:
                texts[role] = (row[i] if i < cells else "").strip()
        return texts

    def _answer(self, q: Question, row: list[str]) -> Any:
        if q.type == "multiple" and q.options and len(q.columns) == len(q.options):
            chosen = []
            any_value = False
            for col, opt in zip(q.columns, q.options, strict=True):
                v = self._cell(row, col).strip()
                if v in ("(跳过)", "（跳过）"):
                    return SKIPPED
                if v:
                    any_value = True
                if v not in ("", "0", "(空)"):
                    chosen.append(opt if v == "1" else {"option": opt, "text": v})
            return chosen if any_value else None
        if q.type == "matrix":
            out = {}
            for col, sub in zip(q.columns, q.subitems, strict=False):
                out[sub] = parse_answer(self._cell(row, col))
            return (
                out
                if any(v not in (None, SKIPPED) for v in out.values())
                else (SKIPPED if any(v == SKIPPED for v in out.values()) else None)
            )
        value = parse_answer(self._cell(row, q.columns[0]))
        if q.type == "multiple" and isinstance(value, str) and self.layout.source in ("kobo", "odk"):
            return value.split()
        return value

    def parse(self, row_no: int, row: list[str]) -> ParsedRow:
        if row and max(map(len, row)) > MAX_CELL_CHARS:  # one C-level pass for the common all-short row
            too_long = self._too_long(row_no, row)
            if too_long:
                return ParsedRow(row_no, None, too_long)
        answers, answered, straight = self._answers(row)
        problems: list[RowProblem] = []
        typed = self._typed(row_no, row, answers, problems)
        if typed is None:
            return ParsedRow(row_no, None, problems)
        record, ip_hash, text_raw = self._record(row, answers, typed)
        record["source_id"], legacy = self._source_id(row_no, row, record["source_id"])
        record["flag_straight_lining"] = straight
        record["flag_all_skipped"] = answered == 0
        if answered == 0:
            problems.append(RowProblem(row_no, None, "所有题目都被跳过或为空，已标记", "flag"))
        return ParsedRow(row_no, record, problems, ip_hash, self._contact(answers, text_raw, record), legacy)

    def _source_id(self, row_no: int, row: list[str], given: str) -> tuple[str, str]:
        """(the row's key, the key an older version gave it). Identical answers from two women are two rows: a
        row without an id is keyed by the file's content hash and its row number, so re-uploading the same file
        adds nothing and two identical rows of one file stay two. An id column counts within the questionnaire
        (two 问卷星 exports both start at 序号 1), unless it is a globally unique instance id."""
        if given:
            column = self.role_columns.get("source_id")
            header = column[1] if column else self.layout.meta.get("source_id", "")
            key = given if header in GLOBAL_ID_COLUMNS else f"q:{self.scope_key}:{given}"
            return key[:120], given[:120]
        legacy = "h:" + hashlib.sha256("\x1f".join(row).encode("utf-8")).hexdigest()[:32]
        return f"r:{self.file_key}:{row_no}", legacy

    def _contact(
        self, answers: dict[str, Any], text_raw: str, record: dict[str, Any]
    ) -> dict[str, Any] | None:
        """Move identifying answers out of the stored answers, store free-text answers redacted, and keep the
        originals (only where redaction changed something) for the sealed contact record."""
        fields = {k: answers.pop(k) for k in self.identifying if k in answers} if self.identifying else {}
        for key in self.free_text:
            value = answers.get(key)
            if isinstance(value, str) and value:
                red = redact(value) if key != self.needs_key else None
                cleaned = record["text_redacted"] if red is None else red.text
                if cleaned != value:
                    fields[key] = value
                    answers[key] = cleaned
        raw = text_raw if text_raw and text_raw != record["text_redacted"] else None
        if not fields and raw is None:
            return None
        return {"fields": fields, "text_raw": raw}

    def _too_long(self, row_no: int, row: list[str]) -> list[RowProblem]:
        return [
            RowProblem(row_no, h, f"单元格内容过长（{len(cell)} 字，上限 {MAX_CELL_CHARS} 字）")
            for h, cell in zip(self.headers, row, strict=False)
            if len(cell) > MAX_CELL_CHARS
        ]

    def _answers(self, row: list[str]) -> tuple[dict[str, Any], int, bool]:
        """The answers by question key, how many questions were answered, and whether a matrix was straight-lined
        (the same option on every line of four or more)."""
        answers: dict[str, Any] = {}
        answered = 0
        straight = False
        cells = len(row)
        for q, i in self.plan:
            value = self._answer(q, row) if i < 0 else parse_answer(row[i]) if i < cells else None
            if value is None or value == SKIPPED:
                continue
            answered += 1
            answers[q.key] = value
            if i < 0 and q.type == "matrix" and isinstance(value, dict) and len(value) >= 4:
                filled = [str(v) for v in value.values() if v not in (None, SKIPPED)]
                straight = straight or (len(filled) >= 4 and len(set(filled)) == 1)
        return answers, answered, straight

    def _typed(
        self, row_no: int, row: list[str], answers: dict[str, Any], problems: list[RowProblem]
    ) -> tuple[Any, int | None, float | None] | None:
        """(collected_at, age, duration), or None when the row must be refused.

        A wrong date would put the answer in the wrong month of every trend: the row is refused. A wrong age only
        loses the age band: the row is kept and the field left empty."""

        def parsed(role: str, fn: Any, kind: str) -> Any:
            raw, col = self._role_value(row, role, answers)
            if not raw:
                return None
            try:
                return fn(raw)
            except ValueProblem as exc:
                suffix = "，该行未导入" if kind == "error" else "，已留空"
                problems.append(RowProblem(row_no, col, str(exc) + suffix, kind))
                return None

        collected_at = parsed("collected_at", parse_datetime, "error")
        age = parsed("age", parse_age, "warning")
        duration = None
        if "duration" in self.layout.meta:
            try:
                duration = parse_duration(self._cell(row, self.layout.meta["duration"]))
            except ValueProblem as exc:
                problems.append(RowProblem(row_no, self.layout.meta["duration"], str(exc), "warning"))
        if any(p.kind == "error" for p in problems):
            return None
        return collected_at, age, duration

    def _record(
        self, row: list[str], answers: dict[str, Any], typed: tuple[Any, int | None, float | None]
    ) -> tuple[dict[str, Any], str | None, str]:
        """The row to store (without the flags), the keyed hash of the respondent's IP address and the raw open
        answer (which is not stored with the row)."""
        collected_at, age, duration = typed
        value = self._record_texts(row, answers)
        source_id = value["source_id"]  # made into the row's key by _source_id
        red = redact(value["needs_text"]) if value["needs_text"] else None
        ip_raw = (
            self._cell(row, self.layout.meta["ip"]).split("(")[0].strip() if "ip" in self.layout.meta else ""
        )
        ip_hash = (
            hashlib.blake2b(ip_raw.encode(), key=self.ip_key, digest_size=8).hexdigest() if ip_raw else None
        )
        record = {
            "source_id": source_id,
            "county": value["county"][:60] or None,
            "township": value["township"][:60] or None,
            "village": value["village"][:60] or None,
            "age": age,
            "age_band": age_band(age),
            "marital_status": normalize_marital(value["marital_status"]),
            "channel": (value["channel"] or DEFAULT_CHANNEL.get(self.layout.source) or "")[:40] or None,
            "fieldworker": (value["fieldworker"] or self.default_fieldworker or "")[:80] or None,
            "collected_at": collected_at,
            "duration_s": duration,
            "ip_hash": ip_hash,
            "answers": answers,
            "text_redacted": red.text if red else None,
            "redactions": red.counts if red else {},
        }
        return record, ip_hash, value["needs_text"]
