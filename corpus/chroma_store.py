"""Chroma, embedded (PersistentClient under FUQING_HOME) or as a client of a server (FUQING_CHROMA_URL)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

import numpy as np

from corpus.embedding import Embedder
from fuqing.config import Settings
from fuqing.errors import Unavailable

log = logging.getLogger(__name__)
_BATCH = 2000


def make_client(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(
            settings.chroma_url if "://" in settings.chroma_url else f"http://{settings.chroma_url}"
        )
        try:
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:
            raise Unavailable(
                f"连接不上 Chroma 服务 {settings.chroma_url}：{exc}",
                hint="请确认 `chroma run` 已启动，或删除 FUQING_CHROMA_URL 改用内嵌模式。",
            ) from exc
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


class VectorStore:
    """One Chroma collection per embedding model, holding every unit revision by id ``DOC#CLAUSE@REV``."""

    def __init__(self, client: Any, embedder: Embedder):
        self.client = client
        self.embedder = embedder
        self.name = f"fuqing_units_{embedder.model_id}".replace(".", "_")[:60]
        self.collection = client.get_or_create_collection(
            name=self.name,
            embedding_function=embedder.as_chroma(),
            metadata={"hnsw:space": "cosine", "model_id": embedder.model_id},
        )

    def count(self) -> int:
        return int(self.collection.count())

    def add(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
        vectors: np.ndarray,
    ) -> None:
        for start in range(0, len(ids), _BATCH):
            end = start + _BATCH
            self.collection.upsert(
                ids=list(ids[start:end]),
                embeddings=vectors[start:end],
                documents=list(texts[start:end]),
                metadatas=list(metadatas[start:end]),
            )

    def delete_ids(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), _BATCH):
            self.collection.delete(ids=list(ids[start : start + _BATCH]))

    def delete_where(self, where: dict[str, Any]) -> None:
        self.collection.delete(where=where)

    def ids_where(self, where: dict[str, Any]) -> list[str]:
        return list(self.collection.get(where=where, include=[])["ids"])

    def query(
        self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        total = self.count()
        if total == 0:
            return []
        res = self.collection.query(
            query_embeddings=[vector], n_results=min(n, total), where=where, include=["distances"]
        )
        return list(zip(res["ids"][0], (1.0 - d for d in res["distances"][0]), strict=True))

    def drop_other_collections(self) -> None:
        """Collections of earlier embedding models are dead weight once a reindex has finished."""
        for col in self.client.list_collections():
            name = col if isinstance(col, str) else col.name
            if name.startswith("fuqing_units_") and name != self.name:
                try:
                    self.client.delete_collection(name)
                except Exception:
                    log.warning("could not drop old collection %s", name)
