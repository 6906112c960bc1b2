"""Which columns of an upload identify a woman, which could with other facts, and which are for analysis.

Why at mapping time: what is identifying must never be stored beside the answers. Every column is classified
before anything is stored, shown to the person uploading (who can change it), and the identifying ones are kept
apart, encrypted (fuqing/vault.py), readable one respondent at a time by those who follow up.

- ``identifying``: a name, phone, ID number, address, WeChat/QQ id, household number, or a free-form remark
  (备注) that usually holds them.
- ``quasi``: identifying in combination: the village, an exact age, a birth date, the fieldworker.
- ``analytic``: everything else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from survey.detect import Layout, Question


class FieldClass(StrEnum):
    identifying = "identifying"
    quasi = "quasi"
    analytic = "analytic"


CLASS_NAMES = {
    FieldClass.identifying: "身份信息（加密单独保存，统计和报告中不出现）",
    FieldClass.quasi: "间接识别信息（只用于小范围统计保护）",
    FieldClass.analytic: "调查内容（用于统计分析）",
}

_IDENTIFYING_HEADER = re.compile(
    r"姓名|名字|称呼|联系人|户主|本人名|受访者(?:姓名|名)|电话(?!费)|手机号|联系方式|联系号码|座机|身份证|证件号|"
    r"住址|地址|门牌|详细住|家住|居住地|微信|QQ|扣扣|户号|户编号|户籍号|档案号|银行卡|卡号|邮箱|"
    r"备注|其他说明|补充说明|情况说明|^(?:name|full_?name|phone|mobile|tel|address|id_?card|wechat|remarks?|notes?)$",
    re.IGNORECASE,
)
_QUASI_HEADER = re.compile(
    r"出生|生日|年龄|岁数|村|社区|居委|组别|村民组|调查员|访员|访问员|填报人|录入人|采集人|"
    r"^(?:age|birth|dob|village|enumerator|interviewer)",
    re.IGNORECASE,
)
# Values that give a column away whatever its header says.
_PHONE = re.compile(r"^\+?(?:86)?[ -]?1[3-9]\d(?:[ -]?\d){8}$|^0\d{2,3}[ -]?\d{7,8}$")
_ID = re.compile(r"^\d{15}$|^\d{17}[\dXx]$")
_ADDRESS = re.compile(r"(村|路|街|巷|小区|组).{0,8}\d+\s*(号|室|栋|单元|户)")
_PERSON = re.compile(r"^[\u4e00-\u9fff]{2,3}$")
_EXACT_AGE = re.compile(r"^\d{1,3}\s*岁?$")
_BIRTH = re.compile(r"^(19|20)\d{2}[-/.年]\d{1,2}([-/.月]\d{1,2}日?)?$")
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "檀阚鲍訾储桂查葛"
)


def classify(q: Question, values: list[str]) -> tuple[FieldClass, str]:
    """The class of one question's column(s) and the reason a person can check."""
    header = f"{q.text} {' '.join(q.columns)}"
    if _IDENTIFYING_HEADER.search(header):
        return FieldClass.identifying, "表头像姓名、电话、证件、住址、微信/QQ 或备注"
    filled = [v.strip() for v in values if v and v.strip() not in ("(跳过)", "(空)")]
    kind = _value_kind(filled)
    if kind:
        return FieldClass.identifying, f"内容像{kind}"
    if _QUASI_HEADER.search(header):
        if re.search(r"年龄|岁数|age", header, re.IGNORECASE) and not _mostly(filled, _EXACT_AGE.match):
            return FieldClass.analytic, "年龄段"
        return FieldClass.quasi, "村、确切年龄、出生日期或调查员，与其他信息结合可能认出本人"
    if _mostly(filled, _BIRTH.match):
        return FieldClass.quasi, "内容像出生日期"
    return FieldClass.analytic, ""


def _value_kind(values: list[str]) -> str | None:
    if len(values) < 2:
        return None
    if _mostly(values, _PHONE.match):
        return "电话号码"
    if _mostly(values, _ID.match):
        return "身份证号"
    if _mostly(values, _ADDRESS.search):
        return "门牌地址"
    distinct = set(values)
    people = [v for v in distinct if _PERSON.match(v) and v[0] in SURNAMES]
    if len(distinct) >= 3 and len(people) >= 0.8 * len(distinct) and len(distinct) >= 0.6 * len(values):
        return "人名"
    return None


def _mostly(values: Iterable[str], test: object, share: float = 0.6) -> bool:
    values = list(values)
    return bool(values) and sum(1 for v in values if test(v)) >= share * len(values)  # type: ignore[operator]


def classify_layout(layout: Layout, samples: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    """key -> {"class", "reason"} for every question."""
    out = {}
    for q in layout.questions:
        cls, reason = classify(q, samples.get(q.key, []))
        out[q.key] = {"class": cls.value, "reason": reason}
    return out


def key_of(layout: Layout, target: str) -> str | None:
    for q in layout.questions:
        if target in (q.key, q.text, *q.columns):
            return q.key
    return None


def identifying_keys(classes: dict[str, dict[str, str]]) -> frozenset[str]:
    return frozenset(k for k, v in classes.items() if v["class"] == FieldClass.identifying)
