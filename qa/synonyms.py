"""Everyday words → the gazette's words, so that a resident's question meets the text it is about.

Retrieval and sentence choice both match on shared words; "电动车上牌要带哪些材料" shares almost
nothing with "申请电动自行车登记,应当……提交以下资料". These pairs are general usage, not
answers: each maps a colloquial word to the official word a 公文 uses for the same thing.
The question as asked is what the user sees; only its matching form is rewritten.
"""
from __future__ import annotations

import re

# (pattern, replacement): the colloquial word, with the context that makes the reading safe
GAZETTE_WORDS: tuple[tuple[str, str], ...] = (
    (r"电动车|电瓶车|电驴子?", "电动自行车"),
    (r"上牌照?|办牌照?", "登记"),
    (r"(?:不给|不让|不能)(?=登记)", "不予办理"),
    (r"改好了?|改完了?|整改好了?", "整治完成"),
    (r"弄丢了?|丢了|掉了", "丢失"),
    (r"卖给别人|卖给他人|卖掉了?|转卖|过户", "所有权转移"),
    (r"工厂", "工矿"),
    (r"牌照", "号牌"),
    (r"(?<=[带交拿])(?:哪些|什么)材料", "哪些资料"),
    (r"要带|得带|需要带", "提交"),
    (r"(?<!有)(?:没有|没带|丢了)(?=[\u4e00-\u9fff]{0,4}(?:发票|证明|合格证|证件|材料|资料|号牌|行驶证))", "缺失"),
    (r"外国|国外", "海外"),
    (r"放在|设置在", "设在"),
    (r"(?<![安])装在", "安装在"),
    (r"能装|能容纳|能住|可容纳", "容量"),
    (r"搞(?=一次|1次|演练|活动)", "举行"),
    (r"村里", "村级"),
    (r"县里", "县级"),
    (r"乡里|镇里", "乡级"),
    (r"归哪个部门管|由哪个部门管|谁来管|谁管", "哪个部门负责"),
    (r"哪个局来定的?", "哪个局负责制定"),
    (r"每个(?=[县市区乡镇村])", "各"),
    (r"啥时候", "什么时候"),
    (r"啥", "什么"),
)

_COMPILED = tuple((re.compile(p), r) for p, r in GAZETTE_WORDS)


def gazette_words(question: str) -> str:
    """The question in the gazette's words, for matching only.

    >>> gazette_words("电动车号牌装在哪个位置")
    '电动自行车号牌安装在哪个位置'
    """
    out = question
    for pattern, replacement in _COMPILED:
        out = pattern.sub(replacement, out)
    return out
