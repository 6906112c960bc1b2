import pytest

from nlp.redact import CARD_TOKEN, EMAIL_TOKEN, ID_TOKEN, MOBILE_TOKEN, PHONE_TOKEN, redact, valid_resident_id

VALID_ID = "11010519491231002X"  # the GB 11643 standard's own example


def test_resident_id_checksum():
    assert valid_resident_id(VALID_ID)
    assert not valid_resident_id("110105194912310021")


@pytest.mark.parametrize(
    ("text", "token", "kind"),
    [
        (f"我身份证是{VALID_ID}，帮我查一下", ID_TOKEN, "id_number"),
        ("有事打我电话13812345678就行", MOBILE_TOKEN, "mobile"),
        ("手机 138-1234-5678 白天能接", MOBILE_TOKEN, "mobile"),
        ("+86 139 1234 5678", MOBILE_TOKEN, "mobile"),
        ("村委会电话0551-62345678", PHONE_TOKEN, "landline"),
        ("座机（0564）6234567", PHONE_TOKEN, "landline"),
        ("邮箱 wang.dajie@example.com", EMAIL_TOKEN, "email"),
        ("补贴打到卡号6228 4800 1234 5671里", CARD_TOKEN, "bank_card"),
        ("卡号6222021234567890128", CARD_TOKEN, "bank_card"),
        ("手机１３８１２３４５６７８", MOBILE_TOKEN, "mobile"),
    ],
)
def test_personal_numbers_redacted(text: str, token: str, kind: str):
    out = redact(text)
    assert token in out.text and out.counts.get(kind) == 1, out


@pytest.mark.parametrize(
    "text",
    [
        "一年收入不到20000元，2023年12月看病花了35000",
        "身份证号110105194912310021写错了",  # checksum fails: not an ID, not redacted as one
        "孩子今年8岁，家里3亩地",
        "",
    ],
)
def test_ordinary_numbers_untouched(text: str):
    out = redact(text)
    assert ID_TOKEN not in out.text and MOBILE_TOKEN not in out.text and CARD_TOKEN not in out.text
    if "写错" not in text:
        assert out.text == text and not out.found
