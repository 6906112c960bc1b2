import pytest

from nlp.segment import get_segmenter

DOMAIN = ["妇女之家", "妇女微家", "巾帼志愿者", "两癌筛查", "留守妇女", "单亲妈妈", "执委", "人身安全保护令"]


@pytest.mark.parametrize("engine", ["fast", "jieba"])
def test_domain_terms_stay_whole(engine: str):
    seg = get_segmenter(engine)  # type: ignore[arg-type]
    text = "村里的留守妇女和单亲妈妈常去妇女之家、妇女微家，巾帼志愿者和执委帮她们约两癌筛查，还讲了人身安全保护令。"
    tokens = seg.cut(text)
    for term in DOMAIN:
        assert term in tokens, term


@pytest.mark.parametrize("engine", ["fast", "jieba"])
def test_terms_with_punctuation_match(engine: str):
    seg = get_segmenter(engine)  # type: ignore[arg-type]
    assert "皖嫂·家政" in seg.cut("我想报名皖嫂·家政的培训")


def test_tokens_are_normalised():
    seg = get_segmenter()
    assert seg.tokens("婦(fù)女之家😀活動ＡＢＣ") == ["妇女之家", "活动", "abc"]
