from pathlib import Path

import pytest

from corpus.service import Corpus
from fuqing.config import Settings
from fuqing.errors import Conflict, InputError, NotFound, Unavailable

EXPECTED_DOCS = {
    "anhui-ponan-2022",
    "women-rights-law-2022",
    "anti-domestic-violence-law-2015",
    "disability-law-2018",
    "minors-protection-law-2024",
    "family-education-law-2021",
    "elderly-rights-law-2018",
    "employment-promotion-law-2015",
    "maternal-infant-health-law-2017",
    "civil-code-marriage-family",
    "social-assistance-measures-2019",
    "female-worker-protection-2012",
    "disability-employment-regulation-2007",
}


def test_bundled_corpus_ingested_on_first_use(corpus: Corpus):
    docs = {d.doc_id: d for d in corpus.documents()}
    assert set(docs) == EXPECTED_DOCS
    seed = docs["anhui-ponan-2022"]
    assert seed.title == "关于实施全省妇联组织改革“破难行动”的指导意见"
    assert seed.date == "2022-03-29" and seed.department == "组联部"
    assert docs["women-rights-law-2022"].short_title == "妇女权益保障法"


def test_search_returns_ranked_units_with_the_interface_keys(corpus: Corpus):
    hits = corpus.search("政策对联系留守妇女有什么要求", k=5)
    assert len(hits) == 5
    d = hits[0].to_dict()
    assert {"doc_id", "clause_id", "section", "title", "text", "score"} <= set(d)
    assert "anhui-ponan-2022#12" in [h.clause_id for h in hits]
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_search_by_doc_filter_and_alias(corpus: Corpus):
    hits = corpus.search("家庭暴力 人身安全保护令", k=5, doc="反家庭暴力法")
    assert hits and all(h.doc.doc_id == "anti-domestic-violence-law-2015" for h in hits)
    for method in ("bm25", "dense"):
        hits = corpus.search("离婚 子女抚养", k=3, doc="civil-code-marriage-family", method=method)  # type: ignore[arg-type]
        assert hits and all(h.doc.doc_id == "civil-code-marriage-family" for h in hits)


def test_law_article_found_and_cited(corpus: Corpus):
    hits = corpus.search("家庭暴力受害人申请人身安全保护令", k=5, doc="anti-domestic-violence-law-2015")
    assert "anti-domestic-violence-law-2015#23" in [h.clause_id for h in hits]
    doc, unit = corpus.unit("women-rights-law-2022#20")
    assert unit.label == "第二十条"
    assert (
        corpus.search("妇女", k=1, doc="women-rights-law-2022")[0]
        .to_dict()["citation"]
        .startswith("〔《妇女权益保障法》第")
    )


def test_show_errors(corpus: Corpus):
    with pytest.raises(NotFound, match="no-such-doc"):
        corpus.show("no-such-doc")
    with pytest.raises(NotFound, match="10"):
        corpus.show("anhui-ponan-2022#10")  # the document has no item 10
    with pytest.raises(InputError):
        corpus.search("  ")


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


POLICY_V1 = "关于关爱留守妇女的实施办法\n\n1.建立留守妇女关爱台账。\n\n2.组织巾帼志愿者结对帮扶。\n"
POLICY_V2 = "关于关爱留守妇女的实施办法\n\n1.建立留守妇女关爱台账，每季度走访一次。\n\n2.组织巾帼志愿者结对帮扶。\n\n3.开展两癌筛查。\n"


def test_add_replace_and_duplicate(fresh_settings: Settings, tmp_path: Path):
    corpus = Corpus.open(fresh_settings)
    f = _write(tmp_path / "county.txt", POLICY_V1, "gb18030")
    [res] = corpus.add([f], doc_id="county-care-2024")
    assert res.units == 2 and res.encoding == "gb18030" and not res.replaced
    assert res.title == "关于关爱留守妇女的实施办法"
    assert corpus.search("关爱台账", k=1)[0].clause_id == "county-care-2024#1"

    with pytest.raises(Conflict, match="county-care-2024"):
        corpus.add([f], doc_id="county-care-2024")

    f2 = _write(tmp_path / "county2.txt", POLICY_V2)
    [res] = corpus.add([f2], doc_id="county-care-2024", replace=True)
    assert res.replaced and res.units == 3
    ids = [d.doc_id for d in corpus.documents()]
    assert ids.count("county-care-2024") == 1
    hits = corpus.search("两癌筛查 留守妇女", k=10, doc="county-care-2024", method="dense")
    assert sorted(h.clause_id for h in hits) == [
        "county-care-2024#1",
        "county-care-2024#2",
        "county-care-2024#3",
    ]
    assert "每季度走访" in corpus.unit("county-care-2024#1")[1].text
    # only the current revision's vectors remain in Chroma
    assert len(corpus.vectors().ids_where({"doc_id": "county-care-2024"})) == 3

    # another process (a new Corpus object) sees the change
    assert Corpus.open(fresh_settings).unit("county-care-2024#3")[1].text == "开展两癌筛查。"


def test_failed_batch_leaves_index_untouched(fresh_settings: Settings, tmp_path: Path):
    corpus = Corpus.open(fresh_settings)
    before = [d.doc_id for d in corpus.documents()]
    good = _write(tmp_path / "good.txt", POLICY_V1)
    empty = _write(tmp_path / "empty.txt", "")
    with pytest.raises(InputError, match="empty.txt"):
        corpus.add([good, empty])
    assert [d.doc_id for d in corpus.documents()] == before
    assert corpus.search("关爱台账", k=3)[0].doc.doc_id != "good"


def test_failure_while_writing_vectors_keeps_previous_version(
    fresh_settings: Settings, tmp_path: Path, monkeypatch
):
    corpus = Corpus.open(fresh_settings)
    f = _write(tmp_path / "v1.txt", POLICY_V1)
    corpus.add([f], doc_id="care")
    vectors = corpus.vectors()

    def broken_add(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(vectors, "add", broken_add)
    with pytest.raises(Unavailable, match="disk full"):
        corpus.add([_write(tmp_path / "v2.txt", POLICY_V2)], doc_id="care", replace=True)
    monkeypatch.undo()
    assert len(corpus.show("care")[0].units) == 2
    assert corpus.search("关爱台账", k=1, doc="care", method="dense")[0].clause_id == "care#1"


def test_unstructured_file_is_added_as_paragraphs(fresh_settings: Settings, tmp_path: Path):
    corpus = Corpus.open(fresh_settings)
    f = _write(tmp_path / "minutes.md", "村妇联开了一次会。\n\n大家谈了妇女之家的活动。\n")
    [res] = corpus.add([f])
    assert res.doc_id == "minutes" and res.structure == "paragraphs" and res.notes


def test_embedder_refit_by_reindex(fresh_settings: Settings):
    corpus = Corpus.open(fresh_settings)
    old = corpus.embedder().model_id
    assert corpus.reindex() == len(EXPECTED_DOCS)
    assert corpus.search("留守妇女", k=1)
    assert corpus.embedder().model_id == old  # same data, same deterministic model
