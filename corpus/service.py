"""The corpus as one object: ingestion, listing, lookup and search, shared by the CLI, the API and drafting."""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from corpus.chroma_store import VectorStore, make_client
from corpus.cleaning import clean_text
from corpus.documents import Document, DocumentStore, short_title_of, validate_doc_id
from corpus.embedding import Embedder, SentenceTransformerEmbedder, SvdEmbedder
from corpus.loading import load_file
from corpus.search import Hit, HybridIndex, Method, unit_text_for_embedding
from corpus.structure import Unit, parse_document
from fuqing.config import Settings
from fuqing.errors import Conflict, FuqingError, InputError, NotFound, Unavailable
from fuqing.locking import file_lock

log = logging.getLogger(__name__)


def _bundle_root():  # type: ignore[no-untyped-def]
    return resources.files("corpus").joinpath("data")


def bundle_version() -> str:
    """A digest of every bundled file: when the bundle changes, existing homes re-ingest it on next use."""
    h = hashlib.sha256()
    root = _bundle_root()
    manifest = json.loads(root.joinpath("manifest.json").read_text(encoding="utf-8"))
    h.update(root.joinpath("manifest.json").read_bytes())
    for entry in manifest["documents"]:
        h.update(root.joinpath(entry["file"]).read_bytes())
        exp = root.joinpath("expansions", f"{entry['doc_id']}.jsonl")
        if exp.is_file():
            h.update(exp.read_bytes())
    return h.hexdigest()[:16]


def load_expansions(doc: Document) -> None:
    """Attach the hand-written plain-language keywords of a bundled document's clauses (document expansion)."""
    exp = _bundle_root().joinpath("expansions", f"{doc.doc_id}.jsonl")
    if not exp.is_file():
        return
    by_clause = {}
    for line in exp.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            by_clause[str(row["clause"])] = [str(k) for k in row.get("keywords", [])]
    for unit in doc.units:
        unit.keywords = by_clause.get(unit.clause, [])


@dataclass
class AddResult:
    doc_id: str
    title: str
    source: str
    encoding: str
    structure: str
    units: int
    replaced: bool
    notes: list[str] = field(default_factory=list)
    cleaning: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _check_distinct(docs: list[Document]) -> None:
    seen: set[str] = set()
    for d in docs:
        if d.doc_id in seen:
            raise Conflict(
                f"本次添加的多个文件使用了同一个编号 {d.doc_id}。", hint="请为每个文件指定不同的编号。"
            )
        seen.add(d.doc_id)


def build_document(
    path: Path,
    *,
    doc_id: str | None = None,
    title: str | None = None,
    short_title: str | None = None,
    aliases: Sequence[str] = (),
    bundled: bool = False,
    max_mb: float = 20.0,
) -> Document:
    """Load, clean and structure one file into a Document; raises InputError naming the file on any problem."""
    loaded = load_file(path, max_mb=max_mb)
    cleaned = clean_text(loaded.text, title_hint=title or loaded.meta.get("title"))
    parsed = parse_document(cleaned.text)
    if not parsed.units:
        raise InputError(f"文件 {path.name} 清洗后没有可用的正文。", hint="请确认文件内容是政策或法律文本。")
    doc_title = title or cleaned.title or parsed.title or path.stem
    did = validate_doc_id(doc_id or path.stem.replace(" ", "-"))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Document(
        doc_id=did,
        title=doc_title,
        short_title=short_title or short_title_of(doc_title),
        date=cleaned.date or parsed.date,
        department=cleaned.department or parsed.department,
        structure=parsed.structure,
        units=parsed.units,
        source=path.name,
        encoding=loaded.encoding,
        sha256=digest,
        bundled=bundled,
        aliases=list(aliases),
        notes=parsed.notes,
        cleaning=cleaned.report.summary(),
    )


def bundled_documents(max_mb: float = 20.0, *, expansions: bool = True) -> list[Document]:
    root = _bundle_root()
    manifest = json.loads(root.joinpath("manifest.json").read_text(encoding="utf-8"))
    docs = []
    for entry in manifest["documents"]:
        with resources.as_file(root.joinpath(entry["file"])) as path:
            docs.append(
                build_document(
                    Path(path),
                    doc_id=entry["doc_id"],
                    title=entry.get("title"),
                    short_title=entry.get("short_title"),
                    aliases=entry.get("aliases", []),
                    bundled=True,
                    max_mb=max_mb,
                )
            )
        if expansions:
            load_expansions(docs[-1])
    return docs


class Corpus:
    """Documents on disk, vectors in Chroma, BM25 in memory; reloaded when another process changes the corpus."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        self.root = settings.corpus_dir
        self.store = DocumentStore(self.root)
        self._lock_path = self.root / ".lock"
        self._client: Any = None
        self._embedder = embedder
        self._vectors: VectorStore | None = None
        self._index: HybridIndex | None = None
        self._generation: str | None = None

    # -- set-up ---------------------------------------------------------------------------------------
    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> Corpus:
        corpus = cls(settings, embedder)
        corpus.ensure_bundled()
        return corpus

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = make_client(self.settings)
        return self._client

    def _embedder_dir(self) -> Path:
        return self.root / "embedder"

    def embedder(self) -> Embedder:
        if self._embedder is None:
            if self.settings.embedding_model:
                self._embedder = SentenceTransformerEmbedder(self.settings.embedding_model)
            elif (self._embedder_dir() / "meta.json").exists():
                self._embedder = SvdEmbedder.load(self._embedder_dir())
            else:
                raise Unavailable(
                    "向量模型尚未生成。", hint="运行 `fuqing corpus reindex`，或重新打开语料库。"
                )
        return self._embedder

    def vectors(self) -> VectorStore:
        emb = self.embedder()
        if self._vectors is None or self._vectors.embedder is not emb:
            self._vectors = VectorStore(self.client, emb)
        return self._vectors

    def ensure_bundled(self) -> None:
        """First use: ingest the bundled corpus without any command (and again if the bundle changed)."""
        marker = self.root / "bundle.json"
        version = bundle_version()

        def current() -> bool:
            return (
                marker.exists()
                and json.loads(marker.read_text())["version"] == version
                and bool(self.store.ids())
            )

        if current():
            return
        with file_lock(self._lock_path):
            if current():
                return
            started = time.perf_counter()
            docs = bundled_documents(self.settings.max_file_mb)
            others = [
                d for d in self.store.all() if not d.bundled and d.doc_id not in {b.doc_id for b in docs}
            ]
            self._reindex_locked(docs + others)
            marker.write_text(json.dumps({"version": version}))
            log.info(
                "bundled corpus ingested: %d documents in %.1fs", len(docs), time.perf_counter() - started
            )

    # -- writing ----------------------------------------------------------------------------------------
    def _fit_embedder(self, docs: list[Document]) -> Embedder:
        if self.settings.embedding_model:
            return self.embedder()
        texts = [unit_text_for_embedding(d, u) for d in docs for u in d.units]
        emb = SvdEmbedder.fit(texts)
        emb.save(self._embedder_dir())
        return emb

    def _write_vectors(self, docs: list[Document]) -> None:
        vectors = self.vectors()
        ids, texts, metas = [], [], []
        for d in docs:
            for u in d.units:
                ids.append(f"{d.doc_id}#{u.clause}@{d.rev}")
                texts.append(unit_text_for_embedding(d, u))
                metas.append({"doc_id": d.doc_id, "clause": u.clause, "rev": d.rev})
        try:
            vectors.add(ids, texts, metas, vectors.embedder.embed(texts))
        except FuqingError:
            raise
        except Exception as exc:
            try:
                vectors.delete_ids(ids)
            except Exception:
                log.warning("could not remove partial vectors")
            raise Unavailable(
                f"写入向量库失败：{exc}", hint="原有索引未受影响；请检查 Chroma 后重试。"
            ) from exc

    def _reindex_locked(self, docs: list[Document]) -> None:
        docs = sorted(docs, key=lambda d: d.doc_id)  # the fitted model must not depend on listing order
        for d in docs:
            d.rev = uuid.uuid4().hex[:10]
        self._embedder = self._fit_embedder(docs)
        self._vectors = None
        self._write_vectors(docs)
        existing = set(self.store.ids())
        for d in docs:
            self.store.save(d)
        for stale in existing - {d.doc_id for d in docs}:
            (self.store.docs_dir / f"{stale}.json").unlink(missing_ok=True)
        self.store.bump_generation(uuid.uuid4().hex)
        self.vectors().drop_other_collections()
        self._index = None

    def reindex(self) -> int:
        """Refit the embedding on the whole corpus and rebuild both indexes (after many additions)."""
        with file_lock(self._lock_path):
            docs = self.store.all()
            self._reindex_locked(docs)
            return len(docs)

    def add(
        self,
        paths: Sequence[Path],
        *,
        doc_id: str | None = None,
        title: str | None = None,
        replace: bool = False,
    ) -> list[AddResult]:
        """Add or replace documents. All files are read and checked before anything is written."""
        if not paths:
            raise InputError("没有给出要添加的文件。", hint="用法：fuqing corpus add 文件路径...")
        if doc_id and len(paths) > 1:
            raise InputError(
                "--doc-id 只能和单个文件一起使用。", hint="多个文件请分别添加，或不指定 --doc-id。"
            )
        docs = [
            build_document(Path(p), doc_id=doc_id, title=title, max_mb=self.settings.max_file_mb)
            for p in paths
        ]
        _check_distinct(docs)
        with file_lock(self._lock_path):
            self._index = None
            for d in docs:
                if self.store.exists(d.doc_id) and not replace:
                    raise Conflict(
                        f"语料库中已有编号为 {d.doc_id} 的文件（来自 {d.source}）。",
                        hint="加 --replace 替换旧版本，或用 --doc-id 换一个编号。",
                    )
            return [self._commit(d) for d in docs]

    def _commit(self, d: Document) -> AddResult:
        """Write one checked document: its vectors, then the document itself (the commit point), then drop the
        vectors of the revision it replaces."""
        old = self.store.load(d.doc_id) if self.store.exists(d.doc_id) else None
        d.rev = uuid.uuid4().hex[:10]
        if old is not None:
            d.aliases = sorted(set(d.aliases) | set(old.aliases))
            d.bundled = False
        self._write_vectors([d])
        self.store.save(d)  # the commit point: the new revision becomes visible here
        self.store.bump_generation(uuid.uuid4().hex)
        if old is not None:
            try:
                self.vectors().delete_where({"$and": [{"doc_id": d.doc_id}, {"rev": old.rev}]})
            except Exception:
                log.warning("could not delete the old revision's vectors of %s", d.doc_id)
        return AddResult(
            d.doc_id,
            d.title,
            d.source,
            d.encoding,
            d.structure,
            len(d.units),
            old is not None,
            d.notes,
            d.cleaning,
        )

    # -- reading ----------------------------------------------------------------------------------------
    def documents(self) -> list[Document]:
        return self.store.all()

    def resolve_doc(self, ref: str) -> str:
        """A doc id, a title, a short title or an alias (妇女权益保障法, 民法典_婚姻家庭编) → the doc id."""
        if self.store.exists(ref):
            return ref
        ref_n = ref.strip().strip("《》")
        for d in self.store.all():
            if ref_n in (d.title, d.short_title, *d.aliases) or ref_n == d.title.removeprefix(
                "中华人民共和国"
            ):
                return d.doc_id
        raise NotFound(f"语料库中没有文件 {ref}。", hint="用 `fuqing corpus list` 查看已有文件的编号。")

    def resolve_clause_id(self, clause_id: str) -> str:
        doc_ref, _, clause = clause_id.partition("#")
        return f"{self.resolve_doc(doc_ref)}#{clause}" if clause else self.resolve_doc(doc_ref)

    def show(self, ref: str) -> tuple[Document, Unit | None]:
        doc_ref, _, clause = ref.partition("#")
        doc = self.store.load(self.resolve_doc(doc_ref))
        return doc, (doc.unit(clause) if clause else None)

    def index(self) -> HybridIndex:
        generation = self.store.generation()
        if self._index is None or generation != self._generation:
            if (
                generation != self._generation
                and self._embedder is not None
                and not self.settings.embedding_model
            ):
                self._embedder = None  # another process may have refitted the embedder
                self._vectors = None
            self._index = HybridIndex(self.store.all(), self.vectors())
            self._generation = generation
        return self._index

    def search(
        self, query: str, k: int = 5, doc: str | Sequence[str] | None = None, method: Method = "hybrid"
    ) -> list[Hit]:
        if not query or not query.strip():
            raise InputError("检索内容不能为空。", hint='例如：fuqing corpus search "留守妇女 联系"')
        if k < 1 or k > 100:
            raise InputError(f"-k 应在 1 到 100 之间，收到 {k}。", hint="常用 5 或 10。")
        doc_ids = None
        if doc:
            refs = [doc] if isinstance(doc, str) else list(doc)
            doc_ids = [self.resolve_doc(r) for r in refs]
        return self.index().search(query, k=k, doc_ids=doc_ids, method=method)

    def unit(self, clause_id: str) -> tuple[Document, Unit]:
        doc, unit = self.show(clause_id)
        if unit is None:
            raise InputError(
                f"{clause_id} 不是条款编号（应为 DOC_ID#CLAUSE）。", hint="例如 anhui-ponan-2022#12。"
            )
        return doc, unit
