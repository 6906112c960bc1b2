import re

from corpus.cleaning import clean_text
from nlp.normalize import han_count, strip_pinyin_annotations
from tests.conftest import SEED

RAW = SEED.read_text(encoding="utf-8")


def _raw_body() -> str:
    """The policy body of the raw page: from the preamble to the end of item 15, before the spam line."""
    start = RAW.index("為深入貫徹")
    end = RAW.index("落地見效。") + len("落地見效。")
    return RAW[start:end]


def test_seed_cleaned_to_simplified_without_noise():
    cleaned = clean_text(RAW)
    text = cleaned.text
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", text), "pinyin readings left"
    assert "?" not in text
    for nav in ("您的位置", "发布时间", "阅读:", "字体", "保护视力色"):
        assert nav not in text
    for spam in ("精品", "视频", "久久", "|"):
        assert spam not in text
    assert "c_msg" not in text
    # simplified, phrase-aware
    assert "妇联" in text and "婦" not in text and "聯" not in text
    assert "着力解决县级妇联力量薄弱" in text
    assert "省级妇联着重开展" in text
    assert "市县妇联着眼全覆盖培训目标" in text
    # the lost-byte mojibake is repaired from context, not deleted
    assert "当地妇联要加强联系引导" in text
    assert "引导她们融入以妇联为主导的组织体系" in text
    assert text.count("基层妇联") >= 20


def test_seed_metadata_kept_as_fields():
    cleaned = clean_text(RAW)
    assert cleaned.title == "关于实施全省妇联组织改革“破难行动”的指导意见"
    assert cleaned.date == "2022-03-29"
    assert cleaned.department == "组联部"
    assert cleaned.report.spam_lines == 1
    assert cleaned.report.pinyin_removed > 600


def test_every_body_character_kept():
    """Han characters of the body before (readings aside) and after cleaning agree exactly.

    Each garbled sequence hides characters: `?jì)D` hides one (妇); `?shù)貗D` two (地妇) where one Han
    character (貗) was visible; `?nèi)谌胍詪D` four (融入以妇) where three were visible.
    """
    body, _ = strip_pinyin_annotations(_raw_body())
    before = han_count(body)
    hidden = body.count("?jì)D") * 1 + body.count("?shù)貗D") * (2 - 1) + body.count("?nèi)谌胍詪D") * (4 - 3)
    cleaned = clean_text(RAW).text
    assert han_count(cleaned) == before + hidden
    # every sentence of the body survives: same number of 。-terminated sentences
    assert cleaned.count("。") == _raw_body().count("。")


def test_rules_are_general_on_an_invented_page():
    page = "\n".join(
        [
            "当前位置：首页 > 政策文件",
            "關(guān)於加強(qiáng)農(nóng)村婦(fù)女工作的通知",
            "发布日期：2023年5月8日　来源：某县妇联　浏览次数：12",
            "打印本页 关闭窗口",
            "各鄉(xiāng)鎮(zhèn)婦聯(lián)：著力做好留守婦女關(guān)愛(ài)工作(WHO)。",
            "綜合新聞|免費(fèi)在線觀看|高清電影下載|最新手遊排行|明星八卦爆料|熱門小說閱讀",
            "xyz_tail",
        ]
    )
    cleaned = clean_text(page)
    assert cleaned.title == "关于加强农村妇女工作的通知"
    assert cleaned.date == "2023-05-08"
    assert cleaned.department == "某县妇联"
    assert cleaned.text == "各乡镇妇联：着力做好留守妇女关爱工作(WHO)。"


def test_real_parenthetical_not_taken_for_pinyin():
    text, n = strip_pinyin_annotations("乡镇(街道)妇联 世卫组织(WHO) 第(一)条")
    assert n == 0 and text == "乡镇(街道)妇联 世卫组织(WHO) 第(一)条"
