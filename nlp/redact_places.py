"""Household addresses in free text: …村…组…号, …路…号, …小区…栋…单元…室, 门牌…号, 住 + …组.

A village or a township alone names hundreds of households and stays (reports group answers by village); what
identifies one woman is the level below: the group (组, 队, 村民组), the house number, the building and flat. So a
span starts at the village, road or estate name and must reach such a level. The name before 村/路/小区 is read
backwards only as far as it can be a place name: a county or township before it (…县…镇), a verb (住在, 是) or a
pronoun (我们这个小区) ends it, which is why "我们村3组" or "这个小区3号楼" are not taken.
"""

from __future__ import annotations

import re

from nlp.redact_numbers import Span, keep_free

ADDRESS_TOKEN = "〔住址〕"

# Characters that cannot be inside a village, road or estate name and typically stand just before one.
_STOP = "住在是的了到从与跟及址牌镇乡县区市省我你他她俺咱们这那该本每各全个于往去回至里"
_NAME = rf"(?:(?![{_STOP}])[\u4e00-\u9fff])"
_NAME_IN = rf"(?:(?![{_STOP.replace('里', '')}])[\u4e00-\u9fff])"  # 八里村, 幸福里小区: 里 inside a name
_NUM = r"(?:\d+|[一二三四五六七八九十百零〇两]{1,5})"
# Last characters of natural-village and group names (后湾组, 老屋组, 小王庄组, 上畈组, 柿树岗组).
_PLACE_END = "湾屋郢畈沿庄岗洼冲塘坝圩岭坡沟楼台集店桥河湖山头营寨埠铺园场院坊墩堡屯坎嘴咀滩垄坂垸洲埂岔口林坪井窑庙堰堤围港渡峪洞门关岙垅"
_SUB_NAME = rf"(?:[东西南北前后上下中大小新老]?[\u4e00-\u9fff]{{0,2}}?[{_PLACE_END}]|[东西南北前后中上下])"
_GROUP = rf"(?:{_NUM}|{_SUB_NAME})(?:组|队|社)(?![长织成建员伍内委])"
_HOUSE = rf"{_NUM}号(?![楼码])"
_VILLAGE = (
    rf"{_NAME}{_NAME_IN}{{0,3}}(?:村|庄台)"
    rf"(?:民组(?:{_HOUSE})?|{_GROUP}(?:{_HOUSE})?|{_HOUSE})"
)
_UNIT = (
    rf"(?:(?:{_NUM}(?:号楼|栋|幢|座|楼)|[A-Za-z]座)(?:{_NUM}单元)?(?:{_NUM}(?:室|号)?)?"
    r"|\d{1,3}[-－]\d{1,3}(?:[-－]\d{1,5})?室?)"  # 3-2-501: building, unit, flat
)
_ROAD = (
    rf"(?:{_NAME}{_NAME_IN}{{1,3}}社区)?{_NAME}{_NAME_IN}{{0,4}}(?:路|街|大道|大街|巷|弄)"
    rf"(?:[东西南北中]段|{_NAME_IN}{{1,4}}(?:巷|弄|胡同))?{_NUM}号"
    rf"(?:院|{_NUM}(?:号楼|楼|栋|幢|单元)|{_NUM}室?|{_NAME_IN}{{2,6}}?(?:公寓|大厦|小区|花园)\d+室?)*"
)
_ESTATE = (
    rf"(?:{_NAME}{_NAME_IN}{{0,3}}(?:路|街|社区))?{_NAME}{_NAME_IN}{{1,4}}"
    rf"(?:小区|花园|家园|公寓|新村|社区|苑|广场|大厦|山庄|嘉园|园|庭|城|府|邸|郡|湾|家属院|家属区)"
    rf"(?:[A-Za-z]区|{_NUM}期|[东西南北]区)?{_UNIT}"
)
_LIVES = r"(?:家住|住在|住址[:：]?|家庭住址[:：]?|地址[:：]?|家在|住)"
_LIVES_GROUP = (
    rf"{_LIVES}\s*({_NAME_IN}{{1,3}}[{_PLACE_END}]{_NUM}?(?:组|队)(?:{_HOUSE})?"
    rf"|{_NAME_IN}{{2,8}}?(?:{_NUM}(?:号楼|栋|幢)|\d+号)(?:{_NUM}单元)?(?:\d+室?)?)"
)
_DOOR = rf"门牌(?:号)?(?:是|为|[:：])?\s*({_HOUSE})"

ADDRESS = re.compile(f"{_ESTATE}|{_ROAD}|{_VILLAGE}")
CUED = re.compile(f"{_LIVES_GROUP}|{_DOOR}")
# Where an address could end: a group or house number after a village, a house number after a road, a
# building after an estate, 住…组, 门牌. Checked first because the full patterns are slow to fail.
GATE_LEAD = "村路街巷弄道段区园苑寓厦场庄住门庭城府邸郡湾台址"
GATE_COND = (
    rf"(?<=村)(?:民组|[^，。,；;\s]{{0,4}}?[组队号社])|(?<=[路街巷弄道段]){_NUM}号"
    rf"|(?<=[区园苑寓村厦场庄庭城府邸郡湾])(?:[A-Za-z]区|{_NUM}期|[东西南北]区)?(?:{_NUM}(?:号楼|栋|幢|座|楼)|\d{{1,3}}[-－]\d)"
    rf"|(?<=[住址])[^，。,；;\s]{{0,10}}?(?:[组队]|\d+号)|(?<=门)牌|(?<=庄台)\d+号"
)
GATE = re.compile(f"[{GATE_LEAD}](?:{GATE_COND})")


def address_spans(text: str, taken: list[Span]) -> list[Span]:
    """Addresses in ``text`` (known to pass :data:`GATE`), skipping regions already taken by a number; where two
    patterns find overlapping addresses the longer one is kept."""
    found = [Span(*m.span(), "address", ADDRESS_TOKEN) for m in ADDRESS.finditer(text)]
    for m in CUED.finditer(text):
        g = 1 if m.group(1) else 2
        found.append(Span(m.start(g), m.end(g), "address", ADDRESS_TOKEN))
    return keep_free(text, sorted(found, key=lambda s: s.start - s.end), taken)
