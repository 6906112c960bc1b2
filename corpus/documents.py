"""Corpus documents and their on-disk store (one JSON file per document under FUQING_HOME/corpus/docs)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from corpus.numerals import int_to_cn
from corpus.structure import Unit
from fuqing.errors import InputError, NotFound
from fuqing.locking import atomic_write_text

DOC_ID_RE = re.compile(r"^[\w][\w\-.]{0,79}$")


@dataclass
class Document:
    doc_id: str
    title: str
    short_title: str
    date: str | None
    department: str | None
    structure: str
    units: list[Unit]
    source: str = ""
    encoding: str = ""
    sha256: str = ""
    rev: str = ""
    bundled: bool = False
    aliases: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cleaning: dict[str, int] = field(default_factory=dict)

    def unit(self, clause: str) -> Unit:
        for u in self.units:
            if u.clause == clause:
                return u
        raise NotFound(
            f"文件 {self.doc_id} 中没有条款 {clause}。",
            hint=f"用 `fuqing corpus show {self.doc_id}` 查看全部条款编号。",
        )

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["units"] = [u.to_dict() for u in self.units]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        d = dict(d)
        d["units"] = [Unit(**u) for u in d["units"]]
        return cls(**d)


def citation(doc: Document, unit: Unit) -> str:
    """How people cite a clause: 〔《妇女权益保障法》第二十条〕, or 第12条 for a policy item."""
    if unit.kind == "article" and unit.clause.isdigit():
        label = f"第{int_to_cn(int(unit.clause))}条"
    else:
        label = unit.label
    return f"〔《{doc.short_title}》{label}〕"


def short_title_of(title: str) -> str:
    return re.sub(r"^中华人民共和国", "", title).split("·")[0] or title


def validate_doc_id(doc_id: str) -> str:
    if not DOC_ID_RE.match(doc_id) or "#" in doc_id:
        raise InputError(
            f"文件编号 {doc_id!r} 不合规：只能用字母、数字、汉字、- _ . ，不能有 # 或空格，最长 80 字。",
            hint="用 --doc-id 指定一个合规的编号，例如 anhui-ponan-2022。",
        )
    return doc_id


class DocumentStore:
    """Documents as JSON files; a write is atomic per document, so a crash never leaves half a document."""

    def __init__(self, root: Path):
        self.root = root
        self.docs_dir = root / "docs"
        self.docs_dir.mkdir(parents=True, exist_ok=True)
        self.generation_file = root / "generation"

    def _path(self, doc_id: str) -> Path:
        return self.docs_dir / f"{doc_id}.json"

    @staticmethod
    def _plausible(doc_id: str) -> bool:
        """A document id is a plain file name: a reference from a request that is not one ("../x", a 5,000-
        character string) names no document, and never reaches the file system."""
        try:
            size = len(doc_id.encode("utf-8"))  # a lone surrogate cannot be a file name either
        except UnicodeEncodeError:
            return False
        return 0 < size <= 200 and not any(c in doc_id for c in "/\\\x00") and doc_id not in (".", "..")

    def ids(self) -> list[str]:
        return sorted(p.stem for p in self.docs_dir.glob("*.json"))

    def exists(self, doc_id: str) -> bool:
        return self._plausible(doc_id) and self._path(doc_id).exists()

    def load(self, doc_id: str) -> Document:
        path = self._path(doc_id)
        if not self._plausible(doc_id) or not path.exists():
            raise NotFound(f"语料库中没有文件 {doc_id}。", hint="用 `fuqing corpus list` 查看已有文件。")
        return Document.from_dict(json.loads(path.read_text(encoding="utf-8")))

    def all(self) -> list[Document]:
        return [self.load(i) for i in self.ids()]

    def save(self, doc: Document) -> None:
        atomic_write_text(self._path(doc.doc_id), json.dumps(doc.to_dict(), ensure_ascii=False))

    def generation(self) -> str:
        try:
            return self.generation_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return ""

    def bump_generation(self, value: str) -> None:
        atomic_write_text(self.generation_file, value)
