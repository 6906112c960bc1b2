"""Personal names in free text, found from the words around them rather than from a list of people.

A name in an answer almost always stands next to something that says "this is a person": an introduction
(我叫, 受访者：, 户主), a kinship word (我婆婆, 娃他爸叫, 其儿媳), a title or a familiar form (王大姐, 李书记, 老陈,
小周), or what follows it (…她男人, …说, …，62岁, …（户主）). Each such cue proposes a candidate (a surname from
nlp/data/surnames.txt with one or two given-name characters, or a common given name used alone), and the candidate
is kept only if it does not read as an ordinary word: 高兴, 周末, 马上 and 黄山 begin with surname characters, so
words of jieba's dictionary that begin or end with one (nlp/data/surname_words.txt) and an allow-list of places
and words (nlp/data/name_allowlist.txt) veto weak cues. jieba's part-of-speech tag ``nr`` is one more signal where
the cue alone is weak (a name standing alone between commas, a name followed by a verb); it is never enough by
itself, and it is computed only for such candidates.

Where no cue word stands before a name, the shape of its given part stands in for one (:func:`given_shape`, from
the character table nlp/data/given_chars.txt): 蔡琴在镇上开店 and 石磊摔伤了腰 are names because 琴 and 磊 are
what given names are made of and a clause opens with them before what people do (_PREDICATE), while 马店的,
叶集的, 熊猫血 are not (店, 集, 猫血 are no given-name characters), and 杨梅在卖 is a word of jieba's dictionary. The
same shape lets a kinship word take a given name alone (俺家建军, 俺妹子小翠), a cued name stand before a verb
without jieba (孩子他爸郑大山去年…), and a name listed beside a found one count too (徐丽、陶红、葛小琴); a name
found once is a name wherever else it stands in the answer.

Speed: this runs on every imported and every tagged answer, most of which hold no name. One pattern
(:func:`scanner`) finds, in C, the few positions where a surname character has a cue around it; only those are
read in Python. Reading every surname character in Python (钱, 孙, 顾, 方 occur in half of all answers) cost five
times as much. The other shapes (compound surnames, given names alone) are each one more pass in C.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from nlp.redact_numbers import Span, keep_free

NAME_TOKEN = "〔姓名〕"


def _words(s: str) -> list[str]:
    return s.split()


# Characters that are never part of a given name (function words, measure words, time words).
_NOT_GIVEN = set(
    "我你他她它的了是在和也都就不没这那们很太还又再把被给让向从对跟与及或而但却说要会能可想去来到里呢吗吧啊呀么个"
    "着过等岁年日号组村镇县乡区市省路街住叫姓名电话手机身份证卡微信户氏"
)
# A three-character candidate whose last character is one of these is a two-character name and a word (屈磊在).
_THIRD_STOP = set(
    "今去常一已现负当代出回在说讲是想住也都还就要会能被把给让对从跟与及或而但却家有患读做干打到又再刚正每"
)
_TITLES = _words(
    "大姐 大哥 大嫂 大娘 大爷 大妈 大叔 大婶 阿姨 婶子 嫂子 奶奶 爷爷 姥姥 老太 书记 主任 老师 医生 大夫 "
    "队长 村长 组长 会计 主席 校长 老板 师傅 律师 经理 厂长 站长 所长 警官 专干 委员 女士 先生 支书 乡长 镇长 "
    "院长 科长 干事 二姐 三姐 二嫂 三嫂 二婶 三婶 二叔 三叔 二姨 小姨 二哥 三哥 姐 哥 嫂 婶 叔 姨"
)
# Introductions: what follows is a name (a given name alone only after these, 我叫丁香).
_INTRO = _words("我叫 俺叫 名叫 叫做 我的名字是 我的名字叫 我的名字 名字是 名字叫 姓名是 姓名 叫我")
_STRONG = _INTRO + _words(
    "本人是 本人叫 受访者是 受访者 受访人 被访者 被访人 访谈对象 走访对象 调查对象 户主姓名 户主是 户主 户名 "
    "联系人是 联系人 填表人 填报人 调查员 访问员 访员 访谈员 记录员 记录人 核对人 走访人 申请人 代填人 监护人 负责人 当事人 持卡人 开户人 收件人 网格员 "
    "入户走访 女主人 男主人"
)
# Weaker cues: a kinship or household word, 我是, 叫; the candidate must not read as a word.
_MEDIUM = _words(
    "我是 俺是 牵头的是 牵头人是 群主是 组长是 子女 女儿 儿子 闺女 丈夫 老公 老婆 男人 爱人 对象 妻子 媳妇 儿媳 婆婆 "
    "公公 母亲 父亲 我妈 我爸 俺娘 俺妈 俺爹 孩子他爸 娃他爸 孩子他妈 娃他妈 孙子 孙女 外孙 侄子 侄女 外甥 姐姐 "
    "妹妹 哥哥 弟弟 嫂子 弟媳 邻居 同事 前夫 其子 其女 妻 夫 找找 联系 那口子 当家的 他叫 她叫 叫 听 低保户 五保户 "
    "贫困户 困难户 脱贫户 监测户 特困户 代表 家属 长子 次子 长女 次女 三女 养女 养子 老伴 爸爸 妈妈 奶奶 爷爷 "
    "外婆 外公 姥姥 姥爷 小叔子 大伯子 小姑子 妯娌 组长 队长 村长 主任 书记 会计 委员 主席 大姑姐 姑姐 大姑 小姑 "
    "姑姑 姨妈 舅妈 表姐 表妹 堂姐 堂妹 亲家 弟妹 姐夫 妹夫 女婿 儿媳妇 侄媳妇 大姐 二姐 三姐 小妹 大哥 二哥 三哥 "
    "老大 老二 老三 老四 老伴儿 娘家妈 隔壁 同学 朋友 闺蜜 老乡 工友 房东"
)
# Cues as often followed by a verb (本人曾反映…): the candidate needs jieba's name tag unless punctuation follows.
_WEAK = _words("本人")
# Cues as often followed by a thing as by a person (和王芳, 和石斛): the candidate always needs jieba's name tag.
_TAGGED = _words("和 跟 同 与 还有")
# What follows a full name and marks it as a person's.
_AFTER = _words(
    "她男人 她老公 她丈夫 她婆婆 她家 她们 她说 她那 她儿子 她闺女 她女儿 她孩子 她娃 她婆家 她娘家 她一个 他家 "
    "他媳妇 他老婆 他们家 说 讲 老人 家的 是我男人 是我老公 是我丈夫 是我爱人 是我媳妇 是我闺女 是我女儿 是我儿子 "
    "是我婆婆 是我妈 是我们 反映 代填"
)
# What a name at the start of a sentence is followed by (张秀兰今年56岁, 周玉梅患乳腺癌): taken as they are…
_SUBJECT = re.compile(r"今年\d|现年|反映|表示|提出|患|一个人|独自|家里|家中|一家|离婚|丧偶|独居|常年在外")
# …or with jieba's name tag (高秀云希望…, 石斛今年… is no name).
_SUBJECT_TAGGED = _words("希望 想 打算 准备 在外 外出 打工 务工 也想")
# After 的: 龚爱华的丈夫.
_KIN_AFTER_OF = set(
    _words(
        "丈夫 老公 男人 婆婆 儿子 女儿 闺女 孩子 妻子 爱人 媳妇 母亲 父亲 娃 家 老婆 老伴 奶奶 爷爷 妈妈 爸爸 妈 爸 "
        "孙子 孙女 公公"
    )
)
# After a name preceded by 和/跟/同/与: 和李春梅一起.
_TOGETHER = _words("一起 两个 俩 他们")
# What a person does or has, right after a name that opens a clause (蔡琴在镇上开理发店, 石磊摔伤了腰, 孙杰他妈…,
# 郭强的老婆…, 龚琴老师…, 秀兰，你家…): taken without any cue before the name when its given part is shaped like
# a given name (see :func:`given_shape`) and it is no word. The verbs are those of the answers' own stories.
_PREDICATE = re.compile(
    "[说讲在是想要也都还就又才已刚被让叫给把帮带去来到从对怀患摔当做干嫁娶养种卖借欠找问打骂住病死没不每常总跟和同的]"
    "|今年|去年|前年|昨天|前天|今天|上个月|上回|上次|前几天|最近|现在|一直|从小|开了|生了|得了|走了|离婚|两口子|一家"
    "|夫妻|母女|母子|媳妇|老婆|男人|老公|丈夫|两个人|几个|家[的里孩男女老娃房]|[他她](?:奶奶|爷爷|媳妇|男人|老公|老婆"
    "|婆婆|丈夫|儿子|闺女|女儿|[妈爸爹娘家们])|[，,]\\s*[你您]|老师|医生|大夫|主任|书记|会计|队长|组长|村长|校长"
    "|组织|[办搞教学管看领]|照顾|负责|参加|报名|加入|申请|上班|务工|每天|天天|经常"
)
_IN_BRACKETS = "女|男|妻|夫|户主|之女|之子|儿子|女儿|母亲|父亲|本人|化名|已故|已婚|离异|丧偶"
_BRACKETED = re.compile(f"[（(](?:[^）)]{{0,24}}[村组号岁\\d]|(?:{_IN_BRACKETS})[）)])")
_AGE = re.compile(r"[，,]\s*\d{1,3}岁")
_HOUSEHOLD = re.compile("[，,（(。；;]|电话|里|中|男人|老公|孩子|房子|门口|情况")
# Surname characters that in answers are nearly always ordinary words (年, 都, 来, 由于): looked at only right
# after a cue word (户主于秀兰), never on their own. Chosen from how often each occurs in the training answers
# (evals/data/needs_train.jsonl), which hold no names.
_ORDINARY = set(
    "年都来公时过干费种班门那和车初但居边查师花修母谈元平全智位商海劳卫农区麻由支明冷连司相权怀戚况练闭危宿盘续"
    "盖衣计杭普宫利植于郁满应敬容原厉操展强索巴官"
)
_SEGMENT_BEFORE = set("，,；;。：:、！!？? \t\n　")
_SEGMENT_AFTER = set("，,；;。、！!？? \t\n　")
_CLAUSE_MARK_SET = set("，,。；;！!？?：:、 \t\n　")
# Given names of one doubled character (玲玲, 婷婷), taken like the listed ones.
_DOUBLED = set("玲婷丹欢晶佳甜莉芳燕丽红兰英敏静娜霞萍娟琳倩露菲洋阳梅凤娇媛")
# What may follow a name besides punctuation: 杜强在外地, 王芳今年, 邓玉凤，住.
_FOLLOW = _words(
    "在 说 讲 是 想 住 今年 家住 和 跟 也 都 还 就 已 一直 常年 负责 当家 代填 出去 反映 的 家 她 他 老人 （ ( 有 患 "
    "不 没 经常"
)
_INFO = re.compile(r"身份证|证件|电话|手机|联系|住址|家住|住在|住|\d|（|\(|年龄|今年|男|女|低保|五保|残疾")
# Typical last characters of given names: a three-character candidate that begins like a word (王家英, 高兴梅)
# is still a name after a cue when it ends in one of these and nothing follows it.
_NAME_FINALS = set(
    "英兰芳梅华珍凤花琴芬霞莲萍娟云芝燕丽红敏静玲娥妹妮香菊荣芹娜婷洁慧秀玉桂翠春美爱淑素月金银彩巧秋冬雪艳莉琳"
    "颖倩蓉娇媛明强军国平勇伟刚斌林杰涛峰磊鹏飞龙海波辉亮东生福贵财才顺旺发德山柱"
)
# 老X / 小X that are words, not people (小于, 小龙虾, 老牛, 小钱), and words that end in 老/小 (养老钱, 从小).
_FAMILIAR_NOT = {"老": set("牛庄尚翁成路房金"), "小": set("于龙孔牛包路曲钱毛康童房石苗熊区麦车米花红白金华")}
_ENDS_IN_OLD = set(
    _words(
        "养老 敬老 尊老 古老 衰老 年老 告老 元老 父老 长老 防老 终老 扶老 到老 变老 偏小 从小 最小 大小 缩小 矮小"
    )
)
_GLUE_FREE = set("家说的是她他和跟也就都还在那这们开")
# Surname characters that are mostly words (see _ORDINARY) and before a title mostly a word as well (连老师都…,
# 原主任 "the former director", 查会计账, 班主任, 全村长): never read as a surname there.
_TITLE_NOT = set("年都来公时过干那和但由初边班支区全师门种车商农劳母元位平海花费修卫连查应原敬谈")
STRONG, MEDIUM, WEAK, TAGGED = 3, 2, 1, 0


def _read(name: str) -> list[str]:
    text = resources.files("nlp").joinpath("data", name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class Lexicon:
    """The word lists, read once: surnames by how common they are, given names, vetoes."""

    compound: frozenset[str]
    common: frozenset[str]  # single surnames common enough to stand without a cue before them
    singles: frozenset[str]  # every single surname
    given: frozenset[str]
    allow: frozenset[str]  # never a name by itself (黄山, 高兴)
    words: frozenset[str]  # dictionary words beginning or ending with a surname character
    name_words: frozenset[str]  # … of them, those jieba tags as names (张大, 朱红): no veto on a longer name
    typical: frozenset[str]  # characters typical of given names (琴, 磊, 婷; nlp/data/given_chars.txt)
    plausible: frozenset[
        str
    ]  # … and those that are as often in words (大, 山, 国), the typical ones included

    def is_word(self, s: str) -> bool:
        return s in self.words or s in self.allow

    def surname_len(self, text: str, i: int, *, common_only: bool = False) -> int:
        """Length of the surname starting at ``i`` (2 compound, 1 single, 0 none)."""
        if text[i : i + 2] in self.compound:
            return 2
        ch = text[i : i + 1]
        return 1 if ch and ch in (self.common if common_only else self.singles) else 0


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The word lists of nlp/data, read once per process (a few milliseconds, on the first answer)."""
    compound, common, other = (line.split() for line in _read("surnames.txt")[:3])
    given = {w for line in _read("given_names.txt") for w in line.split()}
    allow = {w for line in _read("name_allowlist.txt") for w in line.split()}
    rows = [line.split() for line in _read("surname_words.txt")]
    women, men, shared = (set(line.split()) for line in _read("given_chars.txt")[:3])
    return Lexicon(
        frozenset(compound),
        frozenset(common),
        frozenset(common) | frozenset(other),
        frozenset(given),
        frozenset(allow),
        frozenset(r[0] for r in rows),
        frozenset(r[0] for r in rows if len(r) > 1 and r[1] == "nr"),
        frozenset(women | men),
        frozenset(women | men | shared),
    )


_CUES: dict[str, int] = (
    {w: TAGGED for w in _TAGGED}
    | {w: WEAK for w in _WEAK}
    | {w: MEDIUM for w in _MEDIUM}
    | {w: STRONG for w in _STRONG}
)
_CUE_LAST = {w[-1] for w in _CUES}
_SUBJECT_TAGGED_SET = set(_SUBJECT_TAGGED)
_CUE_MAX = max(map(len, _CUES))
_AFTER_SET = set(_AFTER)
_AFTER_MAX = max(map(len, _AFTER))
_TITLE_SET = set(_TITLES)
_FOLLOW_SET = set(_FOLLOW)


# The cues of a common given name used alone: after it (秀英说, 凤兰她婆婆, 秀英姐) or before it (女儿杏花, 我叫秀英).
_GIVEN_AFTER = set("说讲她姐嫂婶")
_GIVEN_BEFORE = {"闺女", "女儿", "儿媳", "媳妇", "孙女", "妹妹", "叫", "听", "喊"}
_GIVEN_CUE_CHARS = _GIVEN_AFTER | {w[-1] for w in _GIVEN_BEFORE}


def _alt(words: list[str] | set[str] | frozenset[str]) -> str:
    """The words as one alternation, written as a tree of shared beginnings (秀(?:英|兰|…)) and longest first at
    each branch: the same matches as a flat longest-first list, but the engine reads a character once instead of
    trying every word that begins with it (several times faster for the long lists of given names and cues)."""
    tree: dict[str, dict] = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _alt_node(tree)


def _alt_node(node: dict[str, dict]) -> str:
    branches = [re.escape(ch) + _alt_tail(child) for ch, child in sorted(node.items()) if ch]
    return "|".join(branches)


def _alt_tail(node: dict[str, dict]) -> str:
    rest = _alt_node(node)
    if not rest:
        return ""
    if "" in node:
        return f"(?:{rest})?"
    return rest if len(node) == 1 and "|" not in rest else f"(?:{rest})"


def _chars(chars: set[str] | frozenset[str]) -> str:
    return "".join(sorted(chars)).replace("\\", "").replace("]", "").replace("^", "").replace("-", "")


@lru_cache(maxsize=1)
def scanner_parts() -> tuple[str, str]:
    """Where to look, decided in C so that Python sees only a few positions per answer: a surname character
    with something of a name around it — a cue word ending right before it, a title right after it, a person cue
    one or two characters on, or punctuation (or the text's ends) on both sides; a surname character that is
    mostly an ordinary word (年, 于, 海) only after a form's colon, 我叫 or 户主 (the match is then the cue's
    last character, so that 年 都 来 themselves are not looked at); 老/小 before a common
    surname; the cue words of a given name used alone next to one; a surname that is mostly a word before a
    title (杭主任). 上 and 东 of the rare 上官 and 东郭 are left out. The pattern starts with one character class,
    so the engine skips ahead."""
    lex = lexicon()
    surnames = (lex.singles - _ORDINARY) | ({c[0] for c in lex.compound} - set("上太独东公宗左"))
    familiar = lex.singles - _ORDINARY - _FAMILIAR_NOT["老"] - _FAMILIAR_NOT["小"]
    cue_end = _CUE_LAST | set("叫是:：") | set(" \u3000")
    after = f"{_alt(_AFTER)}|{_alt(_TOGETHER)}|[，,]\\s*\\d{{1,3}}岁|[（(家]|的(?:{_alt(_KIN_AFTER_OF)})"
    name = "[^\\W\\d_]{1,2}"
    subject = f"{_SUBJECT.pattern}|{_alt(_SUBJECT_TAGGED)}|{_PREDICATE.pattern}"
    by_length: dict[int, set[str]] = {}
    for w in _CUES:
        for suffix in ("", "叫", "是", "名叫", ":", "：", " ", "\u3000", "： ", ": "):
            by_length.setdefault(len(w + suffix), set()).add(w + suffix)
    cue_words = "|".join(f"(?<=(?:{_alt(ws)}).)" for _, ws in sorted(by_length.items()))
    titles = f"{_alt(_TITLES)}|家(?:{_alt(_HOUSE_KIN)})"
    surname_case = (
        f"(?<=[{_chars(surnames)}])(?:(?<=[{_chars(cue_end)}].)(?:{cue_words})|(?=(?:{titles}))|(?={name}(?:{after}))"
        f"|(?:(?<=[{_chars(_SEGMENT_BEFORE | {'的'})}].)|(?<![\\s\\S]{{2}}))(?={name}(?:[{_chars(_SEGMENT_AFTER)}]|$|{subject})))"
    )
    given_last = {g[-1] for g in lex.given} | _DOUBLED
    given_first = {g[0] for g in lex.given} | _DOUBLED
    given_case = (
        f"(?<=[{_chars(given_last)}][{_chars(_GIVEN_AFTER)}])"
        f"|(?<=[{_chars({w[-1] for w in _GIVEN_BEFORE})}])(?=[{_chars(given_first)}])"
        f"|(?<=[叫喊])(?=[我她他][{_chars(given_first)}])"
    )
    cue_case = (  # a form's colon or 我叫/户主, before a surname that is mostly a word (户主于秀兰, 我叫于丽)
        f"(?<=[:：叫主])(?:(?<=[:：])|(?<=[我俺名]叫)|(?<=户主))(?=[ \u3000]?[{_chars(_ORDINARY)}])(?P<cue>)"
    )
    titled = _ORDINARY - _TITLE_NOT  # 杭主任, 于姐: a surname that is mostly a word, before a title
    title_case = (
        f"(?<=[{_chars(titled)}])(?=[{_chars({t[0] for t in _TITLES})}])(?=(?:{_alt(_TITLES)}))(?P<title>)"
    )
    lead = surnames | _GIVEN_CUE_CHARS | titled | {"老", "小", ":", "：", "叫", "主"}
    cases = f"{surname_case}|{given_case}|{cue_case}|{title_case}"
    return _chars(lead), f"(?<=[老小])(?=[{_chars(familiar)}])|{cases}"


@lru_cache(maxsize=1)
def scanner() -> re.Pattern[str]:
    """The scanner on its own (nlp/redact.py runs it folded into one pass with the number and address gates)."""
    lead, cond = scanner_parts()
    return re.compile(f"[{lead}](?:{cond})")


_CLAUSE_END = re.compile(r"[，,。；;！!？?：:、\s（）()]")


class _Tags:
    """jieba's part-of-speech tags around a candidate, computed on demand: most answers never need them, and a
    clause of a dozen characters is tagged several times faster than a whole answer."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._clauses: dict[tuple[int, int], list[tuple[int, int, bool]]] = {}

    def tokens(self, start: int, end: int) -> list[tuple[int, int, bool]]:
        """(start, end, tagged as a person's name) of every token of the clause around text[start:end]."""
        text = self.text
        a = max(0, start - 12)
        b = min(len(text), end + 12)
        before = list(_CLAUSE_END.finditer(text, a, start))
        after = _CLAUSE_END.search(text, end, b)
        a, b = (before[-1].end() if before else a), (after.start() if after else b)
        if (a, b) not in self._clauses:
            import rjieba

            tokens, pos = [], a
            for word, tag in rjieba.tag(text[a:b]):
                tokens.append((pos, pos + len(word), tag.startswith("nr")))
                pos += len(word)
            self._clauses[(a, b)] = tokens
        return self._clauses[(a, b)]

    def is_name(self, start: int, end: int) -> bool:
        """jieba tags the candidate as a name: a name token of two or more characters starts where it starts, or
        it is cut exactly into name tokens (卞|红梅)."""
        inside = [t for t in self.tokens(start, end) if t[0] < end and start < t[1]]
        if not inside or inside[0][0] != start:
            return False
        first = inside[0]
        return (first[2] and first[1] - first[0] >= 2) or (inside[-1][1] == end and all(t[2] for t in inside))


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    strength: int


def _given_char(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" and ch not in _NOT_GIVEN


# What given names are not made of: function words (_NOT_GIVEN) and the last characters of places (马店, 叶集,
# 小王庄, 蔡家岗), so that a surname character before them is read as the start of a place.
_NEVER_GIVEN = _NOT_GIVEN | set("庄集店湾圩岗洼庙坝寨营铺桥塘沟冲畈埠堡屯港渡")
SHAPE_STRONG, SHAPE_ALL, SHAPE_SOME, SHAPE_NONE = 3, 2, 1, 0


def given_shape(given: str, lex: Lexicon) -> int:
    """How much the characters after a surname look like a given name, the signal that stands in for a cue
    word where there is none (nlp/data/given_chars.txt): SHAPE_STRONG for one typical character (琴 of 蔡琴), two
    of which one is typical (大勇, 秀兰) or a doubled one (婷婷); SHAPE_ALL when every character occurs in given
    names (大山); SHAPE_SOME when the last one does and the other is unknown (令芝); SHAPE_NONE when the last one
    does not or one never does (猫血, 森病, 马店's 店). jieba's ``nr`` tag is too loose to serve here (it tags
    熊猫, 叶集, 丁香花)."""
    if not given or any(ch in _NEVER_GIVEN for ch in given) or given[-1] == "家" and len(given) > 1:
        return SHAPE_NONE  # 凤霞家的: 家 may begin a given name (家成), it does not end one
    known = [ch in lex.plausible for ch in given]
    if all(known):
        typical = any(ch in lex.typical for ch in given) or len(given) == 2 and given[0] == given[1]
        return SHAPE_STRONG if typical else SHAPE_ALL
    return SHAPE_SOME if known[-1] else SHAPE_NONE


def is_given_name(s: str, lex: Lexicon) -> bool:
    """A common given name used alone (秀英) or a doubled one (玲玲)."""
    return s in lex.given or (len(s) == 2 and s[0] == s[1] and s[0] in _DOUBLED)


def name_at(text: str, i: int, lex: Lexicon) -> int | None:
    """End of a name starting at ``i``: a surname and one or two given characters, or a surname and a title."""
    n = lex.surname_len(text, i)
    if n == 0:
        return None
    title = text[i + n : i + n + 2]
    if len(title) == 2 and title in _TITLE_SET:
        return i + n + 2
    end = i + n
    while end < len(text) and end - i - n < 2 and _given_char(text[end]):
        end += 1
    if end - i - n == 2 and (text[end - 1] in _THIRD_STOP or text[end - 1 : end + 1] in _FOLLOW_SET):
        end -= 1
    return end if end > i + n else None


def boundary(text: str, end: int) -> str:
    """How the text goes on after a candidate: "clean" (punctuation, digits, end), "follow" (在, 说, 今年…), or "word"."""
    if end >= len(text) or not "\u4e00" <= text[end] <= "\u9fff":
        return "clean"
    if any(text.startswith(w, end) for w in _FOLLOW):
        return "follow"
    return "word"


def looks_like_word(name: str, lex: Lexicon) -> bool:
    """The candidate is an ordinary word or a place (常年, 高兴, 金寨), or begins with one that jieba does not
    take for a name (常年在, 韩国人; but 张大军, 朱红霞 begin with 张大, 朱红)."""
    if lex.is_word(name):
        return True
    prefix = name[:2]
    if prefix in lex.allow or (prefix in lex.words and prefix not in lex.name_words):
        return True
    return len(name) > 3 and lex.is_word(name[:3])


def _keep(
    name: str, how: str, strength: int, shape: int, lex: Lexicon, tagged_name: Callable[[], bool]
) -> bool:
    """Whether a cued candidate is a name. Never an allow-listed word. When only punctuation follows it
    (本人江淮英，, 我是王家英，) an introduction is enough, a weaker cue needs a candidate that does not read as a
    word or ends like a given name. When a word follows (屈磊在外地), the candidate must not read as a word and,
    with a rare surname character (年事已高, 都瘫在床) or a weak cue, jieba must tag it as a name; when anything
    else follows, jieba must tag it as a name in any case (本人曾反映…). The shape of the given part (see
    :func:`given_shape`) stands in for jieba where the cue is weaker than an introduction: never a name when it
    is shaped like none (俺是马店的), a name when it is shaped like one (孩子他爸郑大山去年…, 跟李娜是同学)."""
    if name in lex.allow or name[:2] in lex.allow and how != "clean":
        return False
    if strength < STRONG and shape == SHAPE_NONE and (how != "clean" or not set(name) & _NEVER_GIVEN):
        return False  # but 俺家那个叫朱大壮，: a name with an unlisted character, cued and standing alone
    wordlike = looks_like_word(name, lex)
    if strength == TAGGED:
        return not wordlike and how != "word" and (shape == SHAPE_STRONG or tagged_name())
    if how == "clean" and strength < STRONG and name[0] in _ORDINARY:
        return not wordlike and tagged_name()  # 费桂英 after 婆婆: 费 is more often 费用
    if how == "clean":  # 俺是白雪，: a word that jieba knows as a name too, shaped like one
        named = strength >= MEDIUM and name in lex.name_words and shape == SHAPE_STRONG
        return strength >= STRONG or not wordlike or named or (len(name) >= 3 and name[-1] in _NAME_FINALS)
    if wordlike:
        return False
    rare = name[0] not in lex.common and name[:2] not in lex.compound
    if how == "follow" and (strength >= STRONG or (not rare and strength >= MEDIUM)):
        return True
    if strength >= MEDIUM and (shape == SHAPE_STRONG or shape == SHAPE_ALL and len(name) >= 3):
        return True
    return tagged_name()


def cue_before(text: str, s: int) -> tuple[int, str] | None:
    """The cue word right before ``s`` (after an optional 叫/是/名叫 and a colon): (strength, cue) or None. A space
    separates only a form's label from its value (户主 张德明), not a kinship word from a name (俺带孙女 都挺好)."""
    j = s
    while j and text[j - 1] in ":： \u3000":
        j -= 1
    spaced = j < s and not any(ch in ":：" for ch in text[j:s])
    for k in (
        j,
        j - 1 if text[j - 1 : j] in ("叫", "是") else -1,
        j - 2 if text[j - 2 : j] == "名叫" else -1,
    ):
        if k <= 0 or text[k - 1] not in _CUE_LAST:
            continue
        for length in range(min(_CUE_MAX, k), 0, -1):
            strength = _CUES.get(text[k - length : k])
            if strength is not None and (strength == STRONG or not spaced):
                return strength, text[k - length : k]
    return None


def _cued(text: str, s: int, cue: tuple[int, str], lex: Lexicon, tags: _Tags) -> Candidate | None:
    """A name after a cue: 我叫王秀英, 户主：张德明, 婆婆孔令芝, 本人江淮英，."""
    strength = cue[0]
    end = name_at(text, s, lex)
    if end is None:
        return None
    name, how = text[s:end], boundary(text, end)
    shape = given_shape(text[s + lex.surname_len(text, s) : end], lex)
    if _keep(name, how, strength, shape, lex, lambda: tags.is_name(s, end)):
        return Candidate(s, end, strength)
    return None


# Kin titles after a surname and 家, the wife or elder of a household named by its surname (赵家嫂子, 王家大娘);
# never after the words that end in 家 (国家, 东家, 管家).
_HOUSE_KIN = set(_words("嫂子 大嫂 二嫂 三嫂 媳妇 婶子 大娘 大婶 大姐 奶奶 老太 大爷"))
_HOUSE_NOT = set(_words("东家 国家 公家 管家 商家 农家 全家 庄家 冤家 行家 仇家 车家 宋家"))


def _titled(text: str, s: int, n: int, lex: Lexicon) -> Candidate | None:
    """王大姐, 李书记, 汪姐, 赵家嫂子: not when the surname character ends a word before it (班主任老师, 提高老师)."""
    b = next((s + n + k for k in (2, 1) if text[s + n : s + n + k] in _TITLE_SET), None)
    if b is None and text[s + n : s + n + 1] == "家" and text[s + n + 1 : s + n + 3] in _HOUSE_KIN:
        b = None if text[s : s + n + 1] in _HOUSE_NOT else s + n + 3
    if b is None or n == 1 and text[s] not in lex.common:
        return None
    if s and (text[s - 1 : s + 1] in lex.words or is_given_name(text[s - 1 : s + 1], lex)):
        return None  # 班主任老师, 提高老师; 秀兰嫂子 is 秀兰's
    if text[b - 1 : b + 1] in ("姐妹", "姐弟", "哥俩", "姨妈") or text[s:b] in lex.words:
        return None
    return Candidate(s, b, STRONG)


def _rare_titled(text: str, s: int, lex: Lexicon) -> Candidate | None:
    """苑大姐, 檀会计, 请卞主任, 镇妇联杭主任, 于姐家…: a rare surname character, or one that is mostly a word, before a
    two-character title (a one-character one only where a clause opens), when it makes no word with the
    character before it (对于大姐, 去年书记) nor with the title (班主任, 车队长)."""
    title = text[s + 1 : s + 3]
    opens = not s or text[s - 1] in _SEGMENT_BEFORE
    if title not in _TITLE_SET and not (opens and title[:1] in _TITLE_SET):
        return None
    end = s + 1 + (2 if title in _TITLE_SET else 1)
    if text[s] in _TITLE_NOT or any(
        w in lex.words or _common_word(w) for w in (text[s : s + 2], text[s:end])
    ):
        return None
    before = text[s - 1 : s + 1]
    if not opens and text[s - 1] not in _CUE_LAST and (before in lex.words or _common_word(before)):
        return None
    return Candidate(s, end, MEDIUM)


def _rare_subject(text: str, s: int, lex: Lexicon) -> Candidate | None:
    """向红跟我说, 奚红家门口: a rare surname character opening a clause, a given part of the strongest shape and a
    person cue or what people do after it, the whole no dictionary word (向东走, 向英雄学习 are none)."""
    if s and text[s - 1] not in _SEGMENT_BEFORE:
        return None
    for e in (s + 3, s + 2):
        if e > len(text) or given_shape(text[s + 1 : e], lex) != SHAPE_STRONG:
            continue
        if after_kind(text, e) not in ("a", "h", "s", "p") or looks_like_word(text[s:e], lex):
            continue
        return None if _wordish(text[s:e], 1) else Candidate(s, e, MEDIUM)
    return None


_RARE_FAMILIAR_NEXT = set("家说讲她他的，,。；;！!？?、") | {""}


def _familiar(text: str, s: int, lex: Lexicon) -> Candidate | None:
    """老陈, 小周, 老訾家: not 小于, 小龙虾, 养老钱, 从小, 小周末, and not the middle of 杜小梅."""
    a, sur = s - 1, text[s]
    if sur in _FAMILIAR_NOT[text[a]] or text[a : a + 2] in lex.allow:
        return None
    if sur not in lex.common and (
        text[s + 1 : s + 2] not in _RARE_FAMILIAR_NEXT or _common_word(text[a : s + 1])
    ):
        return None  # 老訾家的, 跟小阚讲: a rare surname, only before what marks a person
    if a and text[a - 1] in lex.singles and text[max(0, a - 2) : a] not in lex.words:
        return None  # 杜小梅: a given name, found whole by the other cues
    if text[max(0, a - 1) : a + 1] in _ENDS_IN_OLD:
        return None
    nxt = text[s + 1 : s + 2]
    if nxt and nxt not in _GLUE_FREE and sur + nxt in lex.words or nxt in _NEVER_GIVEN - _NOT_GIVEN:
        return None  # 小周末; 小王庄, 老李集: a place
    return Candidate(a, s + 1, MEDIUM)


def after_kind(text: str, e: int) -> str | None:
    """Whether a person cue starts at ``e``: "a" (…说, …她男人, …，62岁, …（户主）, …的丈夫), "h" (…家，), "t" (…一起),
    "s" or "w" (…今年56岁, …希望: only for a name that begins a sentence), "p" (…在, …摔伤: see _PREDICATE)."""
    for length in range(min(_AFTER_MAX, len(text) - e), 0, -1):
        if text[e : e + length] in _AFTER_SET:
            return "a"
    ch = text[e : e + 1]
    if ch == "的" and (text[e + 1 : e + 3] in _KIN_AFTER_OF or text[e + 1 : e + 2] in _KIN_AFTER_OF):
        return "a"
    if ch in ("，", ",") and _AGE.match(text, e) or ch in ("（", "(") and _BRACKETED.match(text, e):
        return "a"
    if ch == "家" and _HOUSEHOLD.match(text, e + 1):
        return "h"
    if text[e : e + 2] in _TOGETHER or ch in _TOGETHER:
        return "t"
    if _SUBJECT.match(text, e):
        return "s"
    if text[e : e + 2] in _SUBJECT_TAGGED_SET or ch in _SUBJECT_TAGGED_SET:
        return "w"
    return "p" if _PREDICATE.match(text, e) else None


def _followed(text: str, s: int, n: int, lex: Lexicon, tags: _Tags) -> Candidate | None:
    """A full name right before a person cue (龚爱华的丈夫, 侯春花，她男人, 许琴，33岁, 樊玉英家，, 和李春梅一起)."""
    for e in (s + n + 2, s + n + 1):
        if e > len(text) or given_shape(text[s + n : e], lex) == SHAPE_NONE or text[s + n : e] == "家":
            continue  # 潘家的媳妇: a household, not a woman's name
        kind = after_kind(text, e)
        allowed = None if kind is None else _kind_allows(text, s, e, n, kind, lex, tags)
        if allowed is None:
            continue  # a shorter name may still fit (石磊摔伤: not 石磊摔, but 石磊 before 摔)
        if not allowed:
            return None
        name = text[s:e]
        if name in lex.allow or name[:2] in lex.allow and len(name) < 3:
            return None
        if looks_like_word(name, lex) and not (len(name) >= 3 and name[-1] in _NAME_FINALS):
            return None
        return Candidate(s, e, MEDIUM)
    return None


def _kind_allows(text: str, s: int, e: int, n: int, kind: str, lex: Lexicon, tags: _Tags) -> bool | None:
    """Whether the cue after a full name (see :func:`after_kind`) is enough for it; None to try a shorter name.
    Household (…家), subject (…希望) and predicate (…在) cues stand only after a name that opens a clause, and a
    name there (or after 的: 村里的孔燕组织了…) is taken without jieba when its given part is shaped like one
    (蔡琴在, 任静家孩子多)."""
    opens = not s or text[s - 1] in _SEGMENT_BEFORE
    shaped = (opens or text[s - 1] == "的") and given_shape(text[s + n : e], lex) == SHAPE_STRONG
    if kind == "h":  # 王家, 娘家: a family or a word; 张桂芳家, 任静家孩子多 a woman's household
        return shaped or e - s >= 3 and tags.is_name(s, e)
    if kind == "t":
        return text[s - 1 : s] in ("和", "跟", "同", "与", "找")
    if kind in ("s", "w"):
        return opens and (kind == "s" or shaped or tags.is_name(s, e))
    if kind == "p":  # and no word of jieba's dictionary (杨梅在卖, 严冬来了, 金银花今年, 丁香花开了)
        return True if shaped and not _wordish(text[s:e], n) else None
    return True


def _alone(text: str, s: int, n: int, lex: Lexicon, tags: _Tags) -> Candidate | None:
    """A full name standing alone between punctuation, followed by personal details (…，邢玉芬，身份证…) or
    tagged as a name by jieba (…，金晓燕，想找…)."""
    if s and text[s - 1] not in _SEGMENT_BEFORE:
        return None
    for e in (s + n + 2, s + n + 1):
        if e <= len(text) and (e == len(text) or text[e] in _SEGMENT_AFTER):
            if given_shape(text[s + n : e], lex) == SHAPE_NONE or looks_like_word(text[s:e], lex):
                return None
            if _INFO.match(text, e + 1) or text[e : e + 1] != "、" and tags.is_name(s, e):
                return Candidate(s, e, MEDIUM)
            return None
    return None


def _at(text: str, p: int, lex: Lexicon, tags: _Tags) -> Candidate | None:
    """The name, if any, that starts with the surname character at ``p`` (or with the compound surname it ends)."""
    s = p - 1 if p and text[p - 1 : p + 1] in lex.compound else p
    n = lex.surname_len(text, s)
    if n == 0 or _ordinary_word_at(text, s, lex):
        return None
    cue = cue_before(text, s)
    found = _cued(text, s, cue, lex, tags) if cue else None
    if found is None and n == 1 and s and text[s - 1] in ("老", "小"):
        found = _familiar(text, s, lex)
    if found or n == 1 and text[s] not in lex.common:
        # a rare surname character (柏, 卞) only right after a cue, before a two-character title (卞主任) or
        # opening a clause before what people do, with a given part shaped like one (向红跟我说, 奚红家门口)
        return found or _rare_titled(text, s, lex) or _rare_subject(text, s, lex)
    glued = s and (
        text[s - 1 : s + 1] in lex.words
        and text[s - 1] not in "的是和跟与及"
        or is_given_name(text[s - 1 : s + 1], lex)
    )
    return _titled(text, s, n, lex) or (
        None if glued else _followed(text, s, n, lex, tags) or _alone(text, s, n, lex, tags)
    )


def _ordinary_word_at(text: str, s: int, lex: Lexicon) -> bool:
    """The fast exit for most positions: the surname character is inside an ordinary word (照顾, 申请, 常年在) and
    nothing around it could make it a name: a title after it (高老师), a given-name ending (高兴梅, 马上飞是我男人),
    or, for a word that is all there is, a cue before it (我叫甘露，, 老周家)."""
    right = text[s : s + 2]
    if s and text[s - 1] in ("老", "小"):
        return False  # 老周家: _familiar knows which words go on after the surname
    if right in lex.words and right not in lex.name_words or right in lex.allow:
        nxt = text[s + 2 : s + 3]
        if nxt in _NAME_FINALS or text[s + 1 : s + 3] in _TITLE_SET or text[s + 1 : s + 2] in _TITLE_SET:
            return False
        return (
            "\u4e00" <= nxt <= "\u9fff"
            or not s
            or text[s - 1] not in _CUE_LAST
            and text[s - 1] not in "老小叫是:： \u3000"
        )
    if s and text[s - 1 : s + 1] in lex.words:
        before = text[s - 1]
        return (
            before not in _CUE_LAST
            and before not in "老小叫是:： \u3000"
            and text[s + 1 : s + 3] not in _TITLE_SET
        )
    return False


def _given_alone(text: str, c: int, lex: Lexicon) -> Candidate | None:
    """A common given name next to a word that marks a person: 听秀英说, 凤兰她婆婆, 秀英姐, 女儿杏花, 我叫秀英."""
    cue = text[c]
    if cue in _GIVEN_AFTER and c >= 2 and is_given_name(text[c - 2 : c], lex):
        if c >= 3 and text[c - 3] in lex.singles:
            return None  # 王秀英说 is a full name, found from its surname
        end = c if cue in ("说", "讲", "她") else c + 1 + (text[c + 1 : c + 2] == "子")
        return Candidate(c - 2, end, MEDIUM)
    if text[c - 1 : c + 1] in _GIVEN_BEFORE or cue in _GIVEN_BEFORE:
        if is_given_name(text[c + 1 : c + 3], lex):
            return Candidate(c + 1, c + 3, MEDIUM)
        if cue == "叫" and text[c - 1 : c] in ("我", "俺") and _intro_given(text, c + 1):
            return Candidate(c + 1, c + 3, STRONG)  # 我叫二丫，
        if (
            cue in ("叫", "喊")
            and text[c + 1 : c + 2] in ("我", "她", "他")
            and is_given_name(text[c + 2 : c + 4], lex)
        ):
            return Candidate(c + 2, c + 4, MEDIUM)  # 大家都叫我胖丫
    return None


def _intro_given(text: str, b: int) -> bool:
    """Two characters after 我叫 that can be a given name, with only punctuation after them."""
    return (
        len(text) >= b + 2
        and all(_given_char(ch) for ch in text[b : b + 2])
        and boundary(text, b + 2) == "clean"
    )


def _surname_given(text: str, lex: Lexicon) -> Iterator[Candidate]:
    """姓王名秀英: the whole stretch from the surname to the given name."""
    for m in re.finditer(r"姓([\u4e00-\u9fff]{1,2})[，,]?名([\u4e00-\u9fff]{1,2})", text):
        if m.group(1) in lex.singles or m.group(1) in lex.compound:
            yield Candidate(m.start(1), m.end(2), STRONG)


def name_spans(text: str, taken: list[Span], matches: Iterable[re.Match[str]] | None = None) -> list[Span]:
    """Names in ``text`` that do not overlap a region already taken (a number, an address); ``matches`` are the
    scanner's positions when the caller has already found them."""
    found: list[Candidate] = []
    tags: _Tags | None = None
    for m in scanner().finditer(text) if matches is None else matches:
        if tags is None:
            lex, tags = lexicon(), _Tags(text)
        c = _candidate_at(text, m, lex, tags)
        if c:
            found.append(c)
    if "姓" in text:
        found += _surname_given(text, lexicon())
    found += shaped_names(text) + compound_names(text) + kin_given_names(text) + clause_given_names(text)
    if "、" in text:
        found += listed_pairs(text, lexicon())
    if "叫" in text:
        found += called_names(text)
    if _CONTACT_HINT.search(text):
        found += contact_names(text)
    if not found:
        return []
    return _resolve(text, found + list_siblings(text, found, lexicon()), taken)


def _resolve(text: str, found: list[Candidate], taken: list[Span]) -> list[Span]:
    """Overlapping candidates: the stronger cue wins, then the longer name; none over a region already taken.
    A name found once is a name wherever else it stands in the answer (凤霞家的老二…，凤霞一个人种六亩地)."""
    ranked = sorted(found, key=lambda c: (-c.strength, -(c.end - c.start), c.start))
    kept = keep_free(text, [Span(c.start, c.end, "name", NAME_TOKEN) for c in ranked], taken)
    again = []
    for name in {text[s.start : s.end] for s in kept if s.end - s.start >= 2}:
        i = text.find(name)
        while i != -1:
            again.append(Span(i, i + len(name), "name", NAME_TOKEN))
            i = text.find(name, i + len(name))
    return kept + keep_free(text, again, taken + kept) if len(again) > len(kept) else kept


# Separators of a list of people: 崔莹、康敏、邱小霞报名…, 刘洋和张伟都是…
_LIST_SEP = set("、和跟与及同")
_LIST_START = _CLAUSE_MARK_SET | set("有是跟和与及同的叫")


def list_siblings(text: str, found: list[Candidate], lex: Lexicon) -> list[Candidate]:
    """Names listed next to a name already found, each a surname and one or two characters of given names or a
    listed given name (徐丽、陶红、葛小琴和我…: 葛小琴 has the shape of a name, 陶红 and 徐丽 stand in its
    list), and the names listed next to those in turn."""
    out: list[Candidate] = []
    seen = {(c.start, c.end) for c in found}
    todo = list(seen)
    while todo:
        start, end = todo.pop()
        for options in _beside(text, start, end):
            if any(o in seen for o in options):
                continue  # a name there already (a long list of names is read once, not once per neighbour)
            span = next((o for o in options if _list_item(text[o[0] : o[1]], lex)), None)
            if span is not None:
                seen.add(span)
                todo.append(span)
                out.append(Candidate(span[0], span[1], TAGGED))
    return out


def listed_pairs(text: str, lex: Lexicon) -> list[Candidate]:
    """Two names side by side in a list with none found by any other cue (崔莹、康敏报名…): both items a surname
    and a given part of the strongest shape, neither a word of jieba's dictionary (金华、丽水 are places)."""
    out = []
    for i in (m.start() for m in re.finditer("、", text)):
        left = next((s for s in (i - 3, i - 2) if s >= 0 and (not s or text[s - 1] in _LIST_START)), None)
        if left is None or not _paired(text[left:i], lex):
            continue
        right = next((e for e in (i + 4, i + 3) if e <= len(text) and _paired(text[i + 1 : e], lex)), None)
        if right is not None:
            out += [Candidate(left, i, TAGGED), Candidate(i + 1, right, TAGGED)]
    return out


def _paired(item: str, lex: Lexicon) -> bool:
    """A surname and a given part of the strongest shape, no word (see :func:`listed_pairs`)."""
    n = lex.surname_len(item, 0)
    return 0 < n < len(item) and given_shape(item[n:], lex) == SHAPE_STRONG and not _wordish(item, n)


def _beside(text: str, start: int, end: int) -> Iterator[list[tuple[int, int]]]:
    """Where the list items right before ``start`` and right after ``end`` may be, longest first."""
    if start >= 3 and text[start - 1] in _LIST_SEP:
        yield [
            (s, start - 1) for s in (start - 4, start - 3) if s >= 0 and (not s or text[s - 1] in _LIST_START)
        ]
    if text[end : end + 1] in _LIST_SEP:
        yield [(end + 1, e) for e in (end + 4, end + 3) if e <= len(text)]


def _list_item(item: str, lex: Lexicon) -> bool:
    """A surname and given characters that all occur in given names (张三, 魏巍), or a listed given name (二毛);
    no word or place (黄山, 高兴)."""
    if item in lex.allow or looks_like_word(item, lex) and item not in lex.name_words:
        return False
    if is_given_name(item, lex):
        return True
    n = lex.surname_len(item, 0)
    return 0 < n < len(item) and given_shape(item[n:], lex) >= SHAPE_ALL


def _candidate_at(text: str, m: re.Match[str], lex: Lexicon, tags: _Tags) -> Candidate | None:
    """The candidate at one position the scanner found: a given name next to its cue, or a name starting with the
    surname there (after 老/小, after an introduction's last character)."""
    p = m.start()
    if m.group("title") is not None:
        return _rare_titled(text, p, lex)
    c = _given_alone(text, p, lex) if text[p] in _GIVEN_CUE_CHARS else None
    if c is None and m.group("cue") is not None:
        p += 2 if text[p + 1 : p + 2] in (" ", "\u3000") else 1  # 户主：于秀兰: the surname after the cue
    elif c is None and text[p] in ("老", "小"):
        p += 1  # 老周, 小何: the surname is the next character
    if c is None and (text[p : p + 1] in lex.singles or text[p : p + 2] in lex.compound):
        c = _at(text, p, lex, tags)
    return c


# Characters typical of women's (and some men's) given names: a surname followed by two of them (乔桂香, 夏满玲)
# reads as a name wherever it stands, with no cue around it, unless it is a word (金银花) or begins with one (高秀
# is not, 来凤 is a place but 来凤珍 a woman). Measured on the 3,101 answers of the needs and risk training sets,
# which hold no names: no answer is changed by it.
_SHAPE_FIRST = set(
    "秀英兰芳梅华珍凤花琴芬霞莲萍娟云芝燕丽红敏静玲娥妹妮香菊荣芹娜婷洁慧玉桂翠春美爱淑素月巧秋冬雪艳莉琳颖倩蓉"
    "娇媛晓彩银惠萱欣怡佳雅丹晶琼瑶蕾薇妍婉嫣姣姝娴婵莹茹蕊芸茜岚满立志建国海小荷"
)
_SHAPE_LAST = set(
    "秀英兰芳梅华珍凤花琴芬霞莲萍娟云芝燕丽红敏静玲娥妹妮香菊荣芹娜婷洁慧玉桂翠春美爱淑素月巧秋冬雪艳莉琳颖倩蓉"
    "娇媛彩惠萱欣怡佳雅丹晶琼瑶蕾薇妍婉嫣姣姝娴婵莹茹蕊芸茜岚新军强刚伟"
)


# Surname characters that, before two given-name characters, are far more often a word (都美丽, 过春节).
_SHAPE_NOT_SURNAME = set("都年过那但由和")


@lru_cache(maxsize=1)
def shaped_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(single surname: matches the given name's first character, so that the engine skips ahead on the rarer
    character class and the surname is the character before; compound surname (and 东方, which is also "the
    east") before a title or one or two characters of given names, or a name with 氏: 储张氏, 阮氏花)."""
    lex = lexicon()
    singles = _chars(lex.singles - _NOT_GIVEN - _SHAPE_NOT_SURNAME)
    single = re.compile(f"[{_chars(_SHAPE_FIRST)}](?<=[{singles}].)(?=[{_chars(_SHAPE_LAST)}])")
    compound = re.compile(
        f"(?:{_alt(lex.compound | {'东方'})})(?:{_alt(_TITLES)}|[{_chars(lex.plausible)}]{{1,2}})"
    )
    return single, compound


@lru_cache(maxsize=1)
def _shi_pattern() -> re.Pattern[str]:
    """氏 after two surnames (储张氏) or between a surname and a given name (阮氏花), found from the rare 氏."""
    lex = lexicon()
    surname = _chars(lex.singles - _NOT_GIVEN - _SHAPE_NOT_SURNAME)
    typical, plausible = _chars(lex.typical), _chars(lex.plausible)
    return re.compile(f"氏(?:(?<=[{surname}][{surname}]氏)|(?<=[{surname}]氏)[{typical}][{plausible}]?)")


def _glued(text: str, s: int, lex: Lexicon) -> bool:
    """The surname character ends a word that starts before it (百万大军), unless the character before that
    starts another word (昨天王桂兰: 昨天, not 天王)."""
    return bool(s) and text[s - 1 : s + 1] in lex.words and not (s >= 2 and _common_word(text[s - 2 : s]))


def compound_names(text: str) -> list[Candidate]:
    """Names with a compound surname (欧阳明去世, 司徒静每周, 上官婉清): everywhere, since these surnames are no
    everyday words, unless the whole is one (东方红); 东方 only before a given name of the strongest shape
    (东方丽华, not 东方人). Names with 氏, the old form for a married woman (其母储张氏) or the Vietnamese one
    (阮氏花)."""
    lex = lexicon()
    out = []
    for m in shaped_patterns()[1].finditer(text):
        name = m.group()
        if name in lex.allow or lex.is_word(name):
            continue
        if name.startswith("东方") and given_shape(name[2:], lex) != SHAPE_STRONG:
            continue
        out.append(Candidate(m.start(), m.end(), TAGGED))
    if "氏" in text:
        for m in _shi_pattern().finditer(text):
            s = m.start() - (1 if m.end() > m.start() + 1 else 2)
            out.append(Candidate(s, m.end(), TAGGED))
    return out


def shaped_names(text: str) -> list[Candidate]:
    """Full names recognised by their shape alone (see :data:`_SHAPE_FIRST`); weaker than every cued name."""
    lex = lexicon()
    spans = [(m.start() - 1, m.end() + 1) for m in shaped_patterns()[0].finditer(text)]
    out = []
    for s, e in spans:
        name = text[s:e]
        if name in lex.allow or lex.is_word(name) or _glued(text, s, lex):
            continue
        if len(name) == 3 and text[s : s + 2] in lex.words and text[s : s + 2] not in lex.name_words:
            continue
        if _word_on_word(name):
            continue
        out.append(Candidate(s, e, TAGGED))
    return out


# A child's, husband's or kinswoman's given name alone, right after the word that says whose it is (我家小军,
# 儿子志强, 孩子他爸建国, 俺妹子小翠): two characters of a given name followed by a clause end or a verb.
_KIN_BEFORE = re.compile(
    "(?:我家|俺家|我们家|俺们家|儿子|闺女|女儿|孙子|孙女|老公|丈夫|男人|孩子他爸|娃他爸|孩子爸|小儿子|大儿子|小女儿|"
    "大女儿|大闺女|小闺女|侄子|侄女|外孙|外孙女|外甥|外甥女|媳妇|儿媳|妹子|妹妹|姐姐|弟弟|哥哥|老伴|小叔子|小姑子|女婿)"
)
_KIN_GIVEN_FIRST = _SHAPE_FIRST | set("小大二三四阿俊志家子宇浩文明")
_KIN_GIVEN_LAST = _SHAPE_LAST | set(
    "宝毛妞丫蛋龙虎豪杰涛鹏辉亮东波勇斌磊峰庆"
)  # not 娃: 大娃 is "the elder child"
_KIN_FOLLOW = re.compile(
    r"[，,。；;！!？?、）)\s]|$|在|说|今年|是|读|考|上|都|和|走|跟|去|从|得|一直|已经|也|还|才|刚"
)
# Listed given names that are as often everyday words (海燕 the bird, 国庆 the holiday, 小妹 a younger sister):
# taken alone only before a strong cue (海燕说, 国庆他妈), never before a mere verb (国庆都没回来).
_GIVEN_WORDS = set(
    _words(
        "海燕 桂花 玉兰 春花 荷花 菊花 莲花 梅花 兰花 杏花 金花 银花 小花 二花 秋月 彩云 彩霞 国庆 建国 卫国 "
        "海军 长海 金华 乐乐 甜甜 欢欢 秀丽 晶晶 红旗 小妹 二妹 三妹 小兵 大牛 大宝 小宝 二宝 援朝 秋菊 冬菊 冬梅 "
        "腊梅 红梅 雪梅 春兰 月季"
    )
)


def kin_given_names(text: str) -> list[Candidate]:
    """Given names after a kinship word (see :data:`_KIN_BEFORE`): a listed one (俺家建军; one that is also an
    everyday word only before a verb: 我家春花今年…), or one shaped like a given name (see :func:`given_shape`:
    俺妹子小翠, 女儿欣怡) that is no dictionary word (我家小孩, 儿子大学)."""
    lex = lexicon()
    out = []
    for m in _kin_pattern().finditer(text):
        e = m.end()
        name = text[e : e + 2]
        if len(name) < 2 or name in lex.allow:
            continue
        listed = is_given_name(name, lex)
        typed = name[0] in _KIN_GIVEN_FIRST and name[1] in _KIN_GIVEN_LAST and not _common_word(name)
        shaped = given_shape(name, lex) == SHAPE_STRONG and not _in_dictionary(name)  # not 我家宝宝
        if not (listed or typed or shaped):
            continue
        if _KIN_FOLLOW.match(text, e + 2) or _PREDICATE.match(text, e + 2) or name not in _GIVEN_WORDS:
            out.append(Candidate(e, e + 2, TAGGED))  # 我家春花今年…, but not 我家桂花树
    return out


@lru_cache(maxsize=1)
def _kin_pattern() -> re.Pattern[str]:
    """The kinship word, looked for only where two characters that could make a given name follow (listed, typed
    or shaped as :func:`kin_given_names` takes them): most 我家, 儿子 are followed by a verb or a noun, and an
    answer is then done in C."""
    lex = lexicon()
    plausible = set(lex.plausible) - _NEVER_GIVEN
    first = {g[0] for g in lex.given} | _KIN_GIVEN_FIRST | _DOUBLED | plausible
    last = {g[-1] for g in lex.given} | _KIN_GIVEN_LAST | _DOUBLED | plausible
    return re.compile(f"{_KIN_BEFORE.pattern}(?=[{_chars(first)}][{_chars(last)}])")


@lru_cache(maxsize=4096)
def _in_dictionary(word: str) -> bool:
    """A word of jieba's dictionary, whatever its tag."""
    import rjieba

    return bool(rjieba.has_word(word))


def _wordish(name: str, n: int) -> bool:
    """Where no cue stands before a name: a word of jieba's dictionary that reads as no name. Two characters:
    any dictionary word (杨梅在卖, 严冬来了); three: one made on a word (丁香花), one beginning with a common word
    (金银花), or a surname before a common word (向英雄学习; but 柳成功 after 孩子他爸 has a cue)."""
    if len(name) == 2:
        return _in_dictionary(name)
    return _common_word(name) or _common_word(name[:2]) or _word_on_word(name) or _common_word(name[n:])


def _word_on_word(name: str) -> bool:
    """A three-character word of jieba's dictionary made on a two-character one: 丁香花, 白玉兰, 金银花 (a flower,
    whatever jieba's tag says), not the name 马春花."""
    return len(name) == 3 and _in_dictionary(name) and _in_dictionary(name[:2])


@lru_cache(maxsize=4096)
def _common_word(word: str) -> bool:
    """A word of jieba's dictionary that jieba does not tag as a name (小孩, 大家, 二手)."""
    tag = _dictionary_tag(word)
    return tag is not None and not tag.startswith("nr")


@lru_cache(maxsize=4096)
def _dictionary_tag(word: str) -> str | None:
    """jieba's part-of-speech tag of a word of its dictionary that it keeps as one word, else None. Looked up in
    the dictionary first: jieba's tagger joins two unknown characters into a "word" of its own (苑大, 檀会)."""
    import rjieba

    if not _in_dictionary(word):
        return None
    tags = rjieba.tag(word)
    return tags[0][1] if len(tags) == 1 else None


# What a given name used alone is followed by: strong cues (…说, 国庆他妈, 根生他媳妇, 秀兰，你家…, 招娣姐) and
# what people do (…在, …想, …家的): the latter only for a name that opens a clause and is no everyday word.
_GIVEN_STRONG = "说|讲|告诉|走了|[他她](?:[妈爸爹娘]|奶奶|爷爷|媳妇|男人|老公|老婆|婆婆|闺女|儿子)|[，,]\\s*[你您]|[姐嫂婶]"
_PERSON_VERB = (
    "在|一个人|今年|跟|也|还|都|去|考|读|嫁|病|瘫|带|想|要|和|是|家的|家里|她们|他们|被|让|从小|刚|已经|一直"
)
_CLAUSE_MARKS = "，,。；;！!？?：:、\\s"


@lru_cache(maxsize=1)
def _clause_given() -> re.Pattern[str]:
    """A listed given name, 阿/二/三/大/小 and a typical last character, a doubled typical character (盼盼,
    翠翠) or two typical characters (晓丽, before a strong cue only), opening a clause (or after 是/跟/和/找/听 before a strong cue: 我是国庆他妈) and followed by a cue: the
    whole test in one pattern, so that an answer without one costs one pass in C."""
    lex = lexicon()
    listed = _alt({g for g in lex.given if len(g) == 2})
    familiar = f"[阿二三大小][{_chars(_KIN_GIVEN_LAST)}]"
    doubled = lex.typical - set("月天年日时星")  # 月月都不够: every month
    typical = _chars(lex.typical)
    firsts = _chars({g[0] for g in lex.given} | set("阿二三大小") | doubled)
    return re.compile(
        f"(?=[{firsts}])(?<![^{_CLAUSE_MARKS}是跟和找听])"  # the class first: the engine skips ahead on it
        f"({listed}|{familiar}|(?P<d>[{_chars(doubled)}])(?P=d)|(?P<pair>[{typical}]{{2}}))"
        f"(?:(?P<strong>{_GIVEN_STRONG})|{_PERSON_VERB})"
    )


def clause_given_names(text: str) -> list[Candidate]:
    """A given name used alone (桂兰一个人带三个孙子, 阿芳说…, 二妞在县里读高中, 根生他媳妇跑了): before a strong cue
    when it is listed or no dictionary word, before a verb only when it opens a clause and is listed and no
    everyday word (see :data:`_GIVEN_WORDS`) or no dictionary word at all (大家, 小学)."""
    lex = lexicon()
    out = []
    for m in _clause_given().finditer(text):
        name, s = m.group(1), m.start(1)
        if name in lex.allow:
            continue
        listed = is_given_name(name, lex)
        if m.group("pair") is not None and (m.group("strong") is None or _in_dictionary(name)):
            continue  # 晓丽说…, 丽华她男人: two typical characters, no word, before a strong cue only
        if m.group("strong") is None:
            opens = not s or text[s - 1] in _CLAUSE_MARK_SET
            if not opens or listed and name in _GIVEN_WORDS or not listed and _common_word(name):
                continue
        elif not listed and _common_word(name):
            continue
        out.append(Candidate(s, m.end(1), TAGGED))
    return out


# A name right after "is called" (我叫疏红英, 孩子叫陆一鸣, 我女儿叫夏天, 孩子小名叫糖糖): whatever its surname or
# however much it is also a word, unless it is a verb (我叫醒她) or a function word cuts it short (我叫了车).
_CALLED = re.compile(
    "(?:[我俺]|名|本人|名字|(?:儿子|女儿|闺女|孩子|娃|老公|丈夫|男人|孙子|孙女|媳妇|婆婆|小名|大名|乳名|外号)(?:小名|大名|乳名)?)"
    "叫(?:做)?[ \u3000]?([\u4e00-\u9fff]{2,4})"
)
# An answer that opens with a name and goes on to how to reach her (徐凤电话…, 江海燕，电话…, 龚雪：133…).
_CONTACT_HINT = re.compile(r"电话|手机|[：:]\s*[\d(（+]")
_CONTACT_AFTER = r"(?=[，,]?\s*(?:联系)?(?:电话|手机)|[：:]\s*[\d(（+]|[（(]?86)"


def called_names(text: str) -> list[Candidate]:
    """Names after 叫 (see :data:`_CALLED`): a strong cue, so a name of any surname or none."""
    out = []
    for m in _CALLED.finditer(text):
        name = m.group(1)
        cut = next((i for i, ch in enumerate(name) if ch in _NOT_GIVEN), len(name))
        n = 2 if name[:2] in lexicon().compound else 1
        name = name[: min(cut, n + 2)]
        if len(name) == n + 2 and name[-1] in _THIRD_STOP:
            name = name[:-1]
        if len(name) < 2 or name[0] in "俺咱您自" or name[:2] in _NOT_CALLED:
            continue  # 我叫孩子去…, 俺叫俺男人来填
        if len(name) < 2 or name in lexicon().allow or _verb(name) or _verb(name[:2]):
            continue
        out.append(Candidate(m.start(1), m.start(1) + len(name), STRONG))
    return out


_NOT_CALLED = set(_MEDIUM) | set(_words("孩子 娃娃 大家 人家 别人 家里 邻居 村里 医生 老师 干部 警察 救护"))


@lru_cache(maxsize=1)
def _contact_pattern() -> re.Pattern[str]:
    lex = lexicon()
    surnames = _chars(lex.singles - _ORDINARY)
    compound = _alt(lex.compound)
    return re.compile(
        f"(?:^|(?<=[{_chars(_CLAUSE_MARK_SET)}]))((?:{compound}|[{surnames}])[\u4e00-\u9fff]{{1,2}}){_CONTACT_AFTER}"
    )


def contact_names(text: str) -> list[Candidate]:
    """A name that opens a clause and is followed by her phone number or its cue (徐凤电话, 龚雪：133…)."""
    lex = lexicon()
    out = []
    for m in _contact_pattern().finditer(text):
        name = m.group(1)
        if any(ch in _NOT_GIVEN for ch in name) or lex.is_word(name) or _common_word(name):
            continue
        out.append(Candidate(m.start(1), m.end(1), MEDIUM))
    return out


def _verb(word: str) -> bool:
    """A dictionary word that jieba tags as a verb or pronoun (叫醒, 叫来, 叫什么): no name after 叫."""
    tag = _dictionary_tag(word)
    return tag is not None and tag[:1] in ("v", "r", "d", "p", "c", "u")
