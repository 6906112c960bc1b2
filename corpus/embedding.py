"""Dense embeddings that work offline.

The default is fitted on the corpus itself (TF-IDF over words and character n-grams, reduced with
TruncatedSVD): no download, deterministic, a few seconds to fit. A local sentence-transformers directory
can replace it (FUQING_EMBEDDING_MODEL). Models are stored as JSON and .npz arrays that we write and
verify by sha256, never as pickles.
"""

from __future__ import annotations

import hashlib
import json
import os
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from fuqing.errors import InputError, Unavailable
from fuqing.hashing import sha256_file
from nlp.normalize import normalize_for_features
from nlp.segment import get_segmenter


class Embedder(ABC):
    """Turns texts into L2-normalised vectors. ``model_id`` names the vector space (and its Chroma collection)."""

    model_id: str = "abstract"

    @abstractmethod
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (n, dim) float32 array of unit-length rows."""

    def as_langchain(self) -> Any:
        return LangchainEmbeddings(self)

    def as_chroma(self) -> Any:
        return chroma_embedding_function(self)


def _l2(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (m / norms).astype(np.float32)


def features(text: str) -> list[str]:
    """Words (search-mode segmentation, so 留守妇女 also yields 妇女) plus character bigrams."""
    norm = normalize_for_features(text)
    words = get_segmenter().tokens(norm, search=True)
    chars = [c for c in norm if not c.isspace()]
    bigrams = ["#" + chars[i] + chars[i + 1] for i in range(len(chars) - 1)]
    return words + bigrams


class SvdEmbedder(Embedder):
    """TF-IDF (sublinear tf) over :func:`features`, projected by a truncated SVD fitted on the corpus."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, components: np.ndarray):
        self.vocabulary = vocabulary
        self.idf = idf.astype(np.float32)
        self.components = components.astype(np.float32)
        h = hashlib.sha256()
        h.update(json.dumps(sorted(vocabulary.items()), ensure_ascii=False).encode())
        h.update(self.idf.tobytes())
        h.update(self.components.tobytes())
        self.model_id = "svd-" + h.hexdigest()[:16]

    @classmethod
    def fit(cls, texts: Sequence[str], dim: int = 256, min_df: int = 1, seed: int = 0) -> SvdEmbedder:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        if len(texts) < 3:
            raise InputError("语料太少，无法训练向量模型（至少需要 3 个条款）。", hint="请先添加更多文件。")
        vec = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=min_df, norm="l2")
        x = vec.fit_transform(texts)
        k = max(2, min(dim, x.shape[0] - 1, x.shape[1] - 1))
        svd = TruncatedSVD(n_components=k, random_state=seed, algorithm="randomized", n_iter=7)
        svd.fit(x)
        vocab = {t: int(i) for t, i in vec.vocabulary_.items()}
        return cls(vocab, vec.idf_, svd.components_)

    def _tfidf(self, texts: Sequence[str]) -> sparse.csr_matrix:
        rows, cols, vals = [], [], []
        for r, text in enumerate(texts):
            counts: dict[int, int] = {}
            for f in features(text):
                j = self.vocabulary.get(f)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            for j, c in counts.items():
                rows.append(r)
                cols.append(j)
                vals.append((1.0 + np.log(c)) * self.idf[j])
        m = sparse.csr_matrix(
            (vals, (rows, cols)), shape=(len(texts), len(self.vocabulary)), dtype=np.float32
        )
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.diags(1.0 / norms) @ m

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.components.shape[0]), dtype=np.float32)
        return _l2(np.asarray(self._tfidf(texts) @ self.components.T))

    # -- persistence: JSON + npz we write ourselves, checked by sha256 -------------------------------
    def save(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory.with_name(directory.name + ".tmp")
        tmp.mkdir(parents=True, exist_ok=True)
        (tmp / "vocabulary.json").write_text(
            json.dumps(self.vocabulary, ensure_ascii=False), encoding="utf-8"
        )
        np.savez(tmp / "arrays.npz", idf=self.idf, components=self.components)
        digest = {name: sha256_file(tmp / name) for name in ("vocabulary.json", "arrays.npz")}
        (tmp / "meta.json").write_text(
            json.dumps({"model_id": self.model_id, "sha256": digest}), encoding="utf-8"
        )
        for name in ("vocabulary.json", "arrays.npz", "meta.json"):
            os.replace(tmp / name, directory / name)
        tmp.rmdir()
        return directory

    @classmethod
    def load(cls, directory: Path) -> SvdEmbedder:
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        for name, expected in meta["sha256"].items():
            if sha256_file(directory / name) != expected:
                raise Unavailable(
                    f"向量模型文件 {directory / name} 校验失败（sha256 不符），可能被改动或损坏。",
                    hint="运行 `fuqing corpus reindex` 重新生成。",
                )
        vocab = json.loads((directory / "vocabulary.json").read_text(encoding="utf-8"))
        with np.load(directory / "arrays.npz", allow_pickle=False) as arrays:
            model = cls(vocab, arrays["idf"], arrays["components"])
        if model.model_id != meta["model_id"]:
            raise Unavailable(
                f"向量模型 {directory} 的标识不符。", hint="运行 `fuqing corpus reindex` 重新生成。"
            )
        return model


class SentenceTransformerEmbedder(Embedder):
    """A local sentence-transformers model directory (never downloaded: the path must exist)."""

    def __init__(self, path: str):
        p = Path(path).expanduser()
        if not p.is_dir():
            raise Unavailable(
                f"FUQING_EMBEDDING_MODEL 指向的目录 {p} 不存在。",
                hint="请填写本地 sentence-transformers 模型目录，或删除该设置以使用内置向量模型。",
            )
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise Unavailable(
                "使用 FUQING_EMBEDDING_MODEL 需要安装 sentence-transformers。",
                hint="pip install sentence-transformers，或删除该设置以使用内置向量模型。",
            ) from exc
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        self._model = SentenceTransformer(str(p), device="cpu")
        self.model_id = "st-" + hashlib.sha256(str(p.resolve()).encode()).hexdigest()[:16]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return _l2(np.asarray(self._model.encode(list(texts), normalize_embeddings=True)))


def _langchain_base() -> type:
    from langchain_core.embeddings import Embeddings

    return Embeddings


class LangchainEmbeddings(_langchain_base()):  # type: ignore[misc]
    """The same embedder as a langchain-core ``Embeddings`` (for chains and vector stores)."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed([text])[0].tolist()


class _Unloaded(Embedder):
    def __init__(self, model_id: str):
        self.model_id = model_id

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        raise Unavailable("该向量集合须通过 fuqing 打开。", hint="请用 fuqing 的命令或服务访问语料库。")


def chroma_embedding_function(embedder: Embedder) -> Any:
    """Wrap an embedder as a Chroma embedding function so Chroma never falls back to its downloading default."""
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

    class FuqingEmbeddingFunction(EmbeddingFunction[Documents]):
        def __init__(self, inner: Embedder):
            self.inner = inner

        def __call__(self, input: Documents) -> Embeddings:
            return list(self.inner.embed(list(input)))

        @staticmethod
        def name() -> str:
            return "fuqing"

        def get_config(self) -> dict[str, Any]:
            return {"model_id": self.inner.model_id}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> FuqingEmbeddingFunction:
            # Chroma rebuilds functions from stored config when it lists collections; the real model is
            # attached by fuqing when it opens the collection, so a placeholder that refuses to embed suffices.
            return FuqingEmbeddingFunction(_Unloaded(config.get("model_id", "?")))

        def default_space(self) -> str:  # type: ignore[override]
            return "cosine"

        def is_legacy(self) -> bool:
            return False

    return FuqingEmbeddingFunction(embedder)
