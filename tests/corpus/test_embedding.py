import json
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from corpus.embedding import SvdEmbedder
from fuqing.errors import Unavailable

TEXTS = [
    "妇女之家组织留守妇女开展活动",
    "家庭暴力受害人可以申请人身安全保护令",
    "离婚时子女抚养问题由双方协议",
    "县级妇联要联系困难妇女和单身母亲",
    "用人单位不得因怀孕降低女职工工资",
    "残疾人就业由政府扶持",
]


def test_fit_embed_and_roundtrip(tmp_path: Path):
    emb = SvdEmbedder.fit(TEXTS, dim=4)
    vecs = emb.embed(TEXTS)
    assert vecs.shape == (6, 4)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    sims = vecs @ emb.embed(["家暴 保护令"])[0]
    assert int(np.argmax(sims)) == 1

    emb.save(tmp_path / "m")
    loaded = SvdEmbedder.load(tmp_path / "m")
    assert loaded.model_id == emb.model_id
    assert np.allclose(loaded.embed(TEXTS), vecs, atol=1e-6)
    assert not list((tmp_path / "m").glob("*.pkl"))


def test_tampered_model_is_refused(tmp_path: Path):
    emb = SvdEmbedder.fit(TEXTS, dim=4)
    emb.save(tmp_path / "m")
    vocab = json.loads((tmp_path / "m" / "vocabulary.json").read_text())
    vocab["injected"] = 0
    (tmp_path / "m" / "vocabulary.json").write_text(json.dumps(vocab))
    with pytest.raises(Unavailable, match="sha256"):
        SvdEmbedder.load(tmp_path / "m")


def test_langchain_and_chroma_adapters():
    emb = SvdEmbedder.fit(TEXTS, dim=4)
    lc = emb.as_langchain()
    assert isinstance(lc, Embeddings)
    assert len(lc.embed_query("妇女之家")) == 4
    assert len(lc.embed_documents(["a", "妇女"])) == 2
    ef = emb.as_chroma()
    assert ef.name() == "fuqing"
    out = ef(["妇女之家", "保护令"])
    assert len(out) == 2 and len(out[0]) == 4


def test_sentence_transformer_path_must_exist(tmp_path: Path):
    from corpus.embedding import SentenceTransformerEmbedder

    with pytest.raises(Unavailable, match="不存在"):
        SentenceTransformerEmbedder(str(tmp_path / "nope"))
