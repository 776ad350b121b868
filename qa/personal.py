"""Personal data in a question: one detector for every use.

    find(text)  -> [Span]   identifiers and self-introduced names, in order, non-overlapping
    mask(text)  -> str      for logs and anything stored: each span becomes a placeholder
                            ("我叫[姓名]", "电话[手机号]")
    strip(text) -> str      the matching form: identifiers and the whole self-introduction clause
                            removed ("我叫王芳,我想问电瓶车…" → "我想问电瓶车…"), a leading greeting too

What counts: mobile numbers (half or full width, 汉字 digits, grouped 3-4-4/3-8/4-4-3, +86), 15/18-digit
ID numbers (dates checked, 18 may end in X), landlines with an area code, bank cards (16–19 digits,
grouped by 4 or not), e-mail, and a name given as 我叫…/我姓…/本人…/姓名:…/我是X先生(女士).
Circumstances are content and stay ("我是低保户", "我家在柯城区"); so do 文号, dates, amounts,
percentages, article numbers and short service numbers (12345).

Pure functions over strings; positions in a Span refer to the text as given.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

__all__ = ["Span", "find", "mask", "strip", "PLACEHOLDERS"]


@dataclass(frozen=True)
class Span:
    kind: str  # mobile | id_card | landline | bank_card | email | name
    start: int
    end: int
    text: str


PLACEHOLDERS = {
    "mobile": "[手机号]", "id_card": "[身份证号]", "landline": "[电话]", "bank_card": "[银行卡号]",
    "email": "[邮箱]", "name": "[姓名]",
}

# --- folding: one character for one, so positions in the folded text are positions in the text ----
_FOLD = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}  # full-width ASCII
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20})
_FOLD.update({ord(c): ord("-") for c in "‐‑‒–—―﹣−"})
# spoken digits ("幺三九…"): a phone number read out or typed by voice input
_FOLD.update({ord(c): ord(d) for c, d in zip("零〇一二三四五六七八九幺", "001234567891")})


def _fold(text: str) -> str:
    return text.translate(_FOLD)


# --- numbers (matched on the folded text) ------------------------------------------------------------
_S = r"(?: ?- ?| )?"  # one optional separator between digit groups (not a tab: table rows are not numbers)
_DATE8 = r"(?:18|19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_DATE6 = r"\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_NUMBER_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
    ("id_card", re.compile(rf"(?<!\d)[1-9]\d{{5}}{_S}{_DATE8}{_S}\d{{3}}[\dXx](?![\dA-Za-z])")),
    ("id_card", re.compile(rf"(?<!\d)[1-9]\d{{5}}{_S}{_DATE6}{_S}\d{{3}}(?![\dA-Za-z])")),
    ("bank_card", re.compile(rf"(?<!\d)\d{{4}}(?:{_S}\d{{4}}){{3}}(?:{_S}\d{{1,3}})?(?!\d)")),
    # +86 / 0086 / (+86), then 1[3-9]… grouped 3-4-4, 3-8 or 4-4-3
    ("mobile", re.compile(
        rf"(?<!\d)(?:(?:\+|00)?86 ?-? ?|\(\+?86\) ?)?1[3-9]\d(?:{_S}\d{{4}}{_S}\d{{4}}|\d{_S}\d{{4}}{_S}\d{{3}})(?!\d)")),
    # area code 0xx/0xxx (or in brackets), a 7–8 digit local number not starting 0/1/9, an extension
    ("landline", re.compile(
        r"(?<!\d)(?:\(0\d{2,3}\) ?|0\d{2,3}(?: ?- ?| )?)[2-8]\d{6,7}(?: ?(?:-|转|ext\.?) ?\d{1,6})?(?!\d)")),
    # a local number without area code only where a label says it is one ("电话:8888888")
    ("landline", re.compile(r"(?:电话|座机|联系方式)(?:号码)?(?:是|为)?[:：]? ?(?P<n>[2-8]\d{6,7})(?!\d)")),
)

# --- names (matched on the text itself) --------------------------------------------------------------
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
    "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌"
    "毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦"
    "麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩"
    "明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强"
    "帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邱雍辜羊阿乌母裘亓"
    "修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵩寿利"
)
_COMPOUND = "欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|宇文|司徒|夏侯|令狐|端木|轩辕|独孤|南宫|西门|百里"
_SURNAME = rf"(?:{_COMPOUND}|[{_SURNAMES}])"
_HAN = r"[\u4e00-\u9fff]"
# where a name given after 我叫 ends: punctuation, or a word that starts what the person goes on to say
_NAME_END = r"(?=[\s,，。.!！?？;；:：、)）]|$|想|要|请|问|咨询|今年|来自|住|家住|是|在|的|和|有|家里|我)"
_AFTER_BENREN = r"(?=[\s,，。.!！?？;；:：、]|$)"
# words that follow 本人 in the gazette's own language and are not names
_NOT_NAMES = re.compile(r"^(?:申请|签字|签名|到场|承诺|名下|户籍|户口|身份|自愿|亲自|持有|办理|确认|同意|所有|及其|以外|住所|"
                        r"提出|提供|填写|应当|[须需可也不没是在有和与及或因已现今家将被对从])")
# (pattern, whether _NOT_NAMES applies); the name is group "name" (or "name2"), the lead-in stays when masking
_NAME_RULES: tuple[tuple[re.Pattern[str], bool], ...] = (
    # 我叫王芳 / 我名叫… / 我的名字叫… / 本人叫… / 姓名:王芳: up to where the sentence goes on, else three characters
    (re.compile(rf"(?:我(?:的)?名字(?:叫|是)|我名叫|我叫|本人(?:名)?叫|(?:我的)?姓名(?:是|叫|为|[:：])\s*)"
                rf"(?![了过着的你他她人车什啥])(?:(?P<name>{_HAN}{{2,4}}?){_NAME_END}|(?P<name2>{_HAN}{{2,3}}))"), False),
    # 我姓王 / 本人姓欧阳 / 免贵姓王
    (re.compile(rf"(?:我|本人|免贵)姓(?!名)(?P<name>{_SURNAME})"), False),
    # 我是王先生 / 我是李女士
    (re.compile(rf"我是(?P<name>{_SURNAME}{_HAN}?(?:先生|女士|小姐))"), False),
    # 本人王芳, (a surname, then the clause ends; 本人申请… is not a name)
    (re.compile(rf"(?:^|(?<=[\s,，。!！?？;；:：]))本人(?P<name>{_SURNAME}{_HAN}{{1,2}}){_AFTER_BENREN}"), True),
)


@dataclass(frozen=True)
class _Found:
    span: Span
    lead: int  # where the lead-in ("我叫", "电话是") starts; == span.start when there is none


# the words that introduce an identifier ("我的手机号是"), removed with it from the matching form
_LABEL = re.compile(
    r"(?:(?:我的?|本人的?|我家的?)?(?:手机号码|手机号|手机|联系电话|联系方式|电话号码|电话|座机|号码|身份证号码|身份证号|身份证|"
    r"证件号码|证件号|银行卡号|银行卡|卡号|账号|邮箱地址|电子邮箱|邮箱|e-?mail|微信)(?:是|为|:|：)?\s*)$", re.I)
_CLAUSE_END = re.compile(r"[,，。!！?？;；\n]")
# what a self-introduction clause may hold besides its identifiers
_INTRO_ONLY = re.compile(
    r"^(?:你好|您好|你们好|喂|我|的|是|叫|姓|名|本人|电话|手机|号码|号|联系|方式|座机|身份证|证件|卡号|银行卡|账号|邮箱|"
    r"电子|地址|微信|e-?mail|先生|女士|为|打|拨|可以|请|回|回电|留|一下|麻烦|谢谢|[:：\s()（）【】\[\]-])*$", re.I)
_BRACKETS = {"(": ")", "（": "）", "[": "]", "【": "】"}
_GREETING = re.compile(
    r"^(?:(?:你好|您好|你们好|大家好|老师好|同志你好|喂(?=[\s,，!！。~～、]|你|您)|哈喽|嗨|(?:hello|hi)(?![a-z])|"
    r"早上好|上午好|中午好|下午好|晚上好|在吗|在不在|打扰了|打扰一下)[\s,，!！。~～、]*)+", re.I)


def _candidates(text: str) -> list[tuple[int, _Found]]:
    folded = _fold(text)
    out: list[tuple[int, _Found]] = []
    for priority, (kind, pattern) in enumerate(_NUMBER_RULES):
        for m in pattern.finditer(folded):
            group = "n" if "n" in pattern.groupindex else 0
            start, end = m.start(group), m.end(group)
            while start < end and folded[start].isspace():
                start += 1
            label = _LABEL.search(text, max(0, start - 16), start)
            out.append((priority, _Found(Span(kind, start, end, text[start:end]), label.start() if label else start)))
    base = len(_NUMBER_RULES)
    for priority, (pattern, check) in enumerate(_NAME_RULES, base):
        for m in pattern.finditer(text):
            group = "name" if m.group("name") else "name2"
            name = m.group(group)
            if check and _NOT_NAMES.match(name):
                continue
            out.append((priority, _Found(Span("name", m.start(group), m.end(group), name), m.start())))
    return out


def _find(text: str) -> list[_Found]:
    chosen: list[_Found] = []
    reached = 0  # candidates come by start, so a span overlaps a chosen one iff it starts before this
    # longest first at each position, then by rule order (an 18-digit ID before a bank card)
    for _, f in sorted(_candidates(text), key=lambda c: (c[1].span.start, -(c[1].span.end - c[1].span.start), c[0])):
        s = f.span
        if s.end <= s.start or s.start < reached:
            continue
        chosen.append(f)
        reached = s.end
    return chosen


def find(text: str) -> list[Span]:
    """Personal identifiers and self-introduced names, in order, non-overlapping.

    >>> [(s.kind, s.text) for s in find("我叫王芳,电话138-0570-1234")]
    [('name', '王芳'), ('mobile', '138-0570-1234')]
    """
    return [f.span for f in _find(text)]


def mask(text: str) -> str:
    """Each identifier replaced by a placeholder; a self-introduction keeps its lead-in.

    >>> mask("我叫王芳,电话１３８０５７０１２３４")
    '我叫[姓名],电话[手机号]'
    """
    out, pos = [], 0
    for s in find(text):
        out.append(text[pos:s.start])
        out.append(PLACEHOLDERS[s.kind])
        pos = s.end
    out.append(text[pos:])
    return "".join(out)


def strip(text: str) -> str:
    """The matching form: a leading greeting, each identifier with its label and every clause that
    only introduces the person ("我叫王芳", "我电话139…") removed; everything else kept as typed.
    A text that held nothing else comes back empty.

    >>> strip("我电话13905701234,办不动产登记要带什么?")
    '办不动产登记要带什么?'
    >>> strip("您好,我叫王芳,我是低保户,我想问电瓶车上牌")
    '我是低保户,我想问电瓶车上牌'
    """
    found = _find(text)
    covered = bytearray(len(text))
    for f in found:
        covered[f.span.start:f.span.end] = b"\x01" * (f.span.end - f.span.start)
    # clause punctuation outside any span ("(0570)" or "138,0570" never splits a clause)
    ends = [m.start() for m in _CLAUSE_END.finditer(text) if not covered[m.start()]]
    clauses: dict[int, list[_Found]] = {}
    for f in found:
        clauses.setdefault(bisect.bisect_left(ends, f.span.start), []).append(f)
    cuts: list[tuple[int, int]] = []
    bounds = lambda k: (ends[k - 1] + 1 if k > 0 else 0, ends[k] if k < len(ends) else len(text))  # noqa: E731
    for k, members in clauses.items():
        start, end = bounds(k)
        rest, pos = [], start
        for f in members:
            rest.append(text[pos:f.span.start])
            pos = f.span.end
        rest.append(text[pos:end])
        if _INTRO_ONLY.match("".join(rest)):
            # clauses after it that only go on introducing ("麻烦回电") go with it
            while k + 1 <= len(ends) and k + 1 not in clauses and _INTRO_ONLY.match(text[slice(*bounds(k + 1))]) \
                    and text[slice(*bounds(k + 1))].strip():
                k += 1
                end = bounds(k)[1]
            # the whole clause goes, with the punctuation after it (at the end: a comma before it;
            # the question's own ? or 。 stays)
            if end < len(text):
                end += 1
            elif start > 0 and text[start - 1] in ",，;；":
                start -= 1
            cuts.append((start, end))
        else:
            for f in members:
                lead, end = f.lead, f.span.end
                if lead > 0 and end < len(text) and _BRACKETS.get(text[lead - 1]) == text[end]:
                    lead, end = lead - 1, end + 1  # "办证(电话…)要带什么": the brackets go too
                cuts.append((lead, end))
    out, pos = [], 0
    for start, end in sorted(cuts):
        if start > pos:
            out.append(text[pos:start])
        pos = max(pos, end)
    out.append(text[pos:])
    result = _GREETING.sub("", "".join(out).strip())
    # what stood between the removed clause and the question ("喂,在吗?请问…" leaves "?请问…")
    return re.sub(r"^[\s,，。;；:：、?？!！~～]+", "", result)
