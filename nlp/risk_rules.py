"""The phrase layer of risk detection: what a disclosure of violence, despair, an unsafe child or acute hardship
sounds like in rural Anhui answers, and the innocent uses of the same words.

Why phrases beside a model: a disclosure must reach a person even when it is worded unlike anything the model saw;
a phrase that names the act (他打我, 喝农药, 不想活了) is flagged whatever the model says. The figurative and
everyday uses (打工, 打针, 打麻将, 累死了, 想死你们了, 死活不肯) are blanked out before the phrases are matched, and a
phrase preceded by a denial (从不动手, 没想过寻死) does not count. Tuned for recall: a false alarm costs a phone
call, a miss can cost a life.
"""

from __future__ import annotations

import re

# Everyday uses of the characters the risk phrases are made of. Removed before matching.
FIGURATIVE = (
    r"打[^，。！？]{0,3}(?:预防针|疫苗)|看小说[^。！？]{0,16}|电视剧[^。！？]{0,16}|不想活动|想死(?:恁|你们|你|您|大家|俺们)"
    r"|打(?:工|零工|短工|针|疫苗|点滴|吊针|麻将|牌|扑克|官司|电话|视频|听|算|扫|理|折|包|印|卡|字|车|井|药水|农药"
    r"|交道|招呼|游戏|球|拼|造|开|通|分|比方|扮|猎|鱼|柴|草|谷|场|补丁|毛衣|水|饭|下手|气|酱油|胎)"
    r"|(?:累|忙|笑|热|冷|困|饿|渴|气|急|吓|烦|愁|馋|羡慕|臭|穷|高兴|开心|乐|美|疼|痛|闷|憋|闲|懒|丑|难受|担心)死(?:了|人|啦|啰|我了|俺了|个人)?"
    r"|想死(?:你们|你|您|大家|我了|俺了|了都)|死活|死党|死心眼|死脑筋|死记硬背|死板|死机|死胡同|要死不活|半死不活"
    r"|打架(?:的)?(?:游戏|视频)|打打闹闹|吵吵闹闹|电视剧|小说里|新闻(?:上|里)|宣传片"
    r"|反家(?:庭)?暴(?:力)?(?:法)?|(?:家暴|家庭暴力|暴力)(?:的)?(?:知识|宣传|讲座|法律|案例|防治|预防|普法)"
)

# Denials: a phrase right after one of these is not a disclosure (他从不动手, 我没想过死).
DENIAL = re.compile(
    r"(?:从不|从来不|从没|从来没|从未|未曾|没有|没|不会|不曾|并没|并不|绝不|也不|不是|差点|差一点)[^，。！？,.!?；;]{0,4}$"
)

PHRASES: dict[str, tuple[str, ...]] = {
    "violence": (
        r"家暴|家庭暴力|暴力",
        r"(?:打|揍|踢|扇|抽|掐|殴打|打骂|拳打脚踢|推搡)(?:了)?(?:我|俺|她|咱|人家|我妈|俺妈|我娘|俺娘|老婆|媳妇|婆娘|妻子|母亲|老人|婆婆|奶奶)",
        r"动手(?:打)?|动粗|挨打|被打|被他打|被揍|挨揍|打得|打伤|打破|打断|打青|打肿|打跑|往死里打|打出(?:门|家)",
        r"耳光|巴掌|掐脖子|掐住|拿刀|举刀|菜刀|砍|拿棍|棍子|皮带抽|烟头烫|淤青|青一块紫一块|浑身是伤|身上都是伤|鼻青脸肿",
        r"(?:要|扬言|说要|威胁|吓唬)[^，。！？]{0,6}(?:杀|弄死|打死|砍死|烧死|同归于尽|灭门)",
        r"强迫(?:我|俺|她)?(?:发生|同房|过夫妻|做)|强奸|性侵|猥亵|强行|不从就打",
        r"不让(?:我|俺|她)?(?:出门|出去|回娘家|见人|联系|打电话|用手机|吃饭|睡觉)|锁在家|关在(?:家|屋|房)|把(?:我|俺|她)锁|没收(?:我|俺|她)?的?手机",
        r"(?:钱|工资卡|身份证|存折)[^，。！？]{0,8}(?:拿走|收走|扣着|不给|攥着|在他手|在婆婆手)",
        r"赶出(?:家门|来|去)|被赶出|跟踪|堵在门口|到我上班的地方闹|泼(?:油漆|汽油|硫酸)|骚扰(?:我|俺|她)",
        r"虐待|遗弃老人|不给饭吃|不给(?:我|俺|她)?吃饭",
    ),
    "self_harm": (
        r"不想活|活着没意思|活够了|活不下去|没法活|不如死|死了算了|死了干净|一死了之|一了百了|寻死|寻短见|轻生|自杀|自尽|想死"
        r"|想不开|了结|结束(?:这一切|生命|自己)|走了(?:算了|干净|就好)|不想(?:再)?拖累|拖累(?:家里|大家|孩子)[^，。！？]{0,6}(?:走|死)",
        r"(?:喝|吃|买|吞)(?:了|过)?(?:一?[瓶把整]?)(?:农药|敌敌畏|百草枯|老鼠药|耗子药|安眠药)|喝(?:了|过)?(?:一回|一次)?药(?![费钱])|洗(?:了)?胃|上吊|跳(?:河|塘|楼|井|江|下去)"
        r"|往(?:河|塘|井)里跳|割腕|割(?:过)?手|划(?:过)?手|卧轨|开煤气|烧炭",
        r"活(?:个|着)?(?:啥|什么)劲|活着(?:有|还有)?(?:啥|什么)意思|不想醒|睡着就不醒|不想再睁眼|没有盼头|看不到头",
    ),
    "child_safety": (
        r"(?:打|揍|踢|掐|烫|饿)(?:了)?(?:孩子|娃|伢|儿子|闺女|女儿|小孩|妞)|(?:孩子|娃|伢|儿子|闺女|女儿|小孩)[^，。！？]{0,8}"
        r"(?:被打|挨打|打得|身上都是|淤青|紫|伤|不给吃|饿得|饿了(?:好几|两|三|一)天|锁在家|(?<!点)走丢|不见了|离家|失踪|找不到)",
        r"不给(?:孩子|娃|伢)(?:吃|饭)|(?:摸|亲|抱)(?:娃|孩子|伢|闺女|她)|猥亵|性侵|不对劲的事|叫(?:她|娃|孩子)去他家|给(?:娃|孩子|她)买吃的",
        r"(?:孩子|娃|伢|小孩|儿子|闺女|女儿)[^，。！？]{0,10}(?:欺负|霸凌|勒索|逼着交钱|烟头|体罚|辍学打工|童工|说不想活|想死|跳)",
        r"留守[^，。！？]{0,6}(?:一个人|没人|无人)|(?:几岁|岁)的?(?:孩子|娃|伢)?[^，。！？]{0,6}(?:一个人|独自)(?:在家|过)|把(?:孩子|娃|伢)(?:一个人)?(?:扔|丢|锁)",
    ),
    "acute_hardship": (
        r"没(?:饭|米|粮|吃的)|断(?:粮|顿|炊|奶)|吃不上饭|揭不开锅|饿肚子|挨饿|饿了(?:好几|两|三)?天|米缸(?:已)?空|粮缸(?:已)?空|冰箱空|一粒米|锅里没|吃了上顿没下顿",
        r"没(?:地方|处)(?:住|睡|落脚)|无处(?:可)?(?:住|去|安身)|无家可归|露宿|睡(?:在)?(?:桥洞|车站|柴屋|牛棚|猪圈|大街)|房子塌|无家可归|流落|借住[^，。！？]{0,8}(?:棚|废弃|教室)|看瓜棚",
        r"(?:没钱|拿不出钱|一分钱都没|身上只有)[^，。！？]{0,12}(?:看病|治|医院|手术|透析|吃药|住院)|(?:看病|治病|医院|手术|透析|住院)[^，。！？]{0,12}(?:没钱|拿不出|一分钱|凑不齐|停了)"
        r"|病了没钱|在家(?:等着|硬撑|等死)|烧到四十|停了(?:电|水|煤气)|被停(?:电|水)|冻得",
    ),
}

# A phrase of these kinds does not count in an answer that talks about the subject rather than discloses it
# (a call for awareness campaigns, a joke about an empty pot); the model still judges such answers.
CONTEXT_GUARD: dict[str, str] = {
    "violence": r"宣传|讲座|普法|知识|以前村里|电视|新闻",
    "acute_hardship": r"开玩笑|玩笑|哈哈|doge|当真|其实是说",
}

# What makes a flag urgent (answer within a day) rather than soon (within three days).
URGENT_CUES: dict[str, str] = {
    "violence": r"死|杀|刀|掐|血|骨折|住院|医院|伤|跑出来|逃|不敢回|锁|天天|每天|经常|现在|还在|又|怀孕|孩子",
    "self_harm": r".",  # every disclosure of despair is answered within a day
    "child_safety": r"性|摸|亲|猥亵|打|伤|血|烫|饿|一个人|独自|失踪|不见|找不到|离家|跳|想死|不想活",
    "acute_hardship": r"没(?:饭|米|粮|吃)|断|饿|一粒米|露宿|没地方|无处|塌|烧|病|医院|透析|手术|冻|孩子|娃|伢|宝宝",
}


def compile_phrases() -> dict[str, re.Pattern[str]]:
    return {kind: re.compile("|".join(f"(?:{p})" for p in pats)) for kind, pats in PHRASES.items()}
