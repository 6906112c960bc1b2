"""Decoding bytes from Chinese offices: UTF-8 (with or without BOM), GB18030/GBK, Big5.

Shared by corpus loading and survey intake, which both receive files saved by Excel or browsers on
Chinese Windows, where "ANSI" means GBK.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from fuqing.errors import InputError

# Characters common in any Chinese prose; used to choose between encodings that both decode cleanly.
_COMMON = set(
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里"
    "用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实"
    "日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政"
    "美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员"
    "解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件"
    "计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象"
    "完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改"
    "收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调"
    "深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企"
    "八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列"
    "武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供"
    "效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值"
    "仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳"
    "若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷"
    "洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚善妈"
    "刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛托央"
    "户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括"
    "舰鱼杂误湾吉减编楚肯测败屈团妇婦聯發會們這個說為來時國對學過經"
)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def _score(text: str) -> float:
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if not han:
        return 0.0
    return sum(ch in _COMMON for ch in han) / len(han)


def decode_bytes(data: bytes, *, source: str, declared: str | None = None) -> Decoded:
    """Decode ``data``; ``source`` names the file in the error a user sees.

    UTF-8 is tried first because it is self-validating; otherwise GB18030 (a superset of GBK) and Big5 are
    tried strictly, charset-normalizer is asked, and the candidate that reads as the most ordinary Chinese
    wins. Raises InputError when nothing decodes.
    """
    if declared:
        try:
            return Decoded(data.decode(declared), declared.lower())
        except (LookupError, UnicodeDecodeError) as exc:
            raise InputError(
                f"文件 {source} 不能按声明的编码 {declared} 读取：{exc}",
                hint="请确认编码，或不指定编码让系统自动识别。",
            ) from exc
    if data.startswith(b"\xef\xbb\xbf"):
        return Decoded(data[3:].decode("utf-8", errors="strict"), "utf-8-sig")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    candidates: dict[str, str] = {}
    for enc in ("gb18030", "big5"):
        try:
            candidates[enc] = data.decode(enc)
        except UnicodeDecodeError:
            continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding:
            enc = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5hkscs": "big5"}.get(
                best.encoding.lower(), best.encoding.lower()
            )
            if enc not in candidates:
                with contextlib.suppress(UnicodeDecodeError, LookupError):
                    candidates[enc] = data.decode(enc)
    except Exception:
        pass
    if not candidates:
        raise InputError(
            f"无法识别文件 {source} 的字符编码（不是 UTF-8、GB18030/GBK 或 Big5）。",
            hint="请用记事本或 WPS 另存为 UTF-8 编码后重新上传。",
        )
    enc = max(candidates, key=lambda e: (_score(candidates[e]), e == "gb18030"))
    return Decoded(candidates[enc], enc)


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first block: not a text file."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(head) and control / len(head) > 0.05
