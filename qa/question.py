"""What a question asks and what form its answer must take: list/count/date intents, the asked
number of items or ordinal, a unit ("多少钱" → 元), the asked attribute ("奖金多少" → 奖金).
Pure functions over the question text (and a candidate answer)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from qa.pipeline import answer_types
from qa.text import DOC_NUMBER, FILLERS, cn_to_int, content, normalize_doc_number


# a list of a stated size: "是哪八个", "哪5家", "那三个孵化基地,分别叫啥" (哪一个 asks for one)
_SIZED = r"(?:[二三四五六七八九十两]|[2-9]|\d\d)"
LIST_Q = re.compile(r"哪些|哪几|有几个|有多少个|几个|几家|几名|几项|几处|多少家|多少名|多少个|多少处|都有谁|列出"
                    rf"|哪{_SIZED}\s*(?:个|大|项|种|类|家|条|位|名|处|批|步|型|所)"
                    rf"|{_SIZED}\s*(?:个|大|项|种|类|家|条|批)[^?]{{0,14}}?分别(?:是|叫)(?:什么|啥)(?!时候|时间)")


DECLARED_COUNT = re.compile(r"[((](?:共)?\d+\s*(?:家|个|名|人|处|项)[))]")


# 几 that asks no number: 这几个/那几处 point at things named (the answer-type lexicon's count row reads them
# so), 说几个 asks to be given a few ("随便说几个就行", "能说几个吗": five train and dev questions), 哪几个 asks which
FEW = r"(?<![哪这那说])几"
COUNT_Q = re.compile(rf"{FEW}(?:个|家|名|位|项|处|步)|多少个|多少家|多少名|多少处|多少步|(?:一共|总共|共)[^,?]{{0,6}}多少人")
# how many articles or chapters a document has ("一共有几条?", "共几章"): asked at the end of its
# clause, so that "要培育几条年产值超5亿的全产业链" stays a question of a figure
ARTICLE_COUNT_Q = re.compile(r"(?<![第哪])(?:几|多少)(条|章)(?:规定|内容)?[吗呢啊呀哦]*\??$")


MOST_Q = re.compile(r"最多|最高|最大|最少|最低|最小")
_LEAST = ("最少", "最低", "最小")
_WHICH = re.compile(r"哪|谁")


def asked_extreme(q: str, corpus_text: str) -> str | None:
    """"哪个县…最多" asks which row of a table holds the most: 'most' or 'least', else None.
    A superlative inside a term the corpus itself uses ("最多跑一次") asks nothing, and without
    a which-word ("最少要多少平方米") it asks for a stated limit, not a ranking."""
    if not _WHICH.search(q):
        return None
    for m in MOST_Q.finditer(q):
        tail = q[m.start():m.end() + 2]
        if len(tail) > m.end() - m.start() and corpus_text.count(tail) >= 2:
            continue
        return "least" if m.group() in _LEAST else "most"
    return None


# when a text takes effect, asked by when or whether yet ("啥时候开始实行", "生效了没"): the
# `effective` row of the answer-type lexicon, one list for the skill that answers it and the feature
# that checks an answer has the form
EFFECTIVE_Q = answer_types.pattern("effective")


# "啥时候出的", "哪天下的": the colloquial verbs of issuing, with the 的 that makes them past
# a year or month asked ("哪年出台的", "几月几号印发的"; four train questions), with the verbs of issuing
# only (哪年…发 would take 发展), and not a month something is due by ("第二批事项是几月底前公布的";
# four train and dev questions); whether it has been issued ("印发了没,哪天起施行", "名单公布了没有";
# three time-train and split-train questions). Nor is a day something is due by or must be done
# ("第一批、第二批事项分别是什么时候前公布的", "要在什么时候之前公布出来", "第一批事项是啥时候要公布的":
# five gold, train and time-train questions and turns): a task's deadline, which the text states, not a document's date
ISSUED_Q = re.compile(r"(哪天|何时|什么时候|哪一天|几号|日期)(?:(?![前要]).){0,4}(发|印发|公布|发布|出台|下发|签发|出的|下的)|(发文|印发|成文)(日期|时间)"
                      r"|(印发|公布)了没"
                      r"|(哪年|哪一年|几月|哪个月)[^前底]{0,4}(印发|公布|发布|出台|下发|签发|出的|下的|发的)"
                      r"|(哪个|谁)先(发|印发|出台)|先后(印发|发布|出台)")


# "还按…执行吗", "今年还按中国制造2025衢州行动计划来吗": still followed, however long the name between
VALID_Q = re.compile(
    r"(?:还|仍|是否|现在|目前|如今|当前|依然|至今).{0,8}(?:有效|管用|作数|算数|执行|实施|适用|施行|生效|实施期|能用|在用|存在"
    r"|在搞|在做|在进行|在推进|按.{0,16}?(?:[来办]|执行))"
    r"|失效|废止|作废|还算数|还作数|还是.{0,16}吗|还能用|了没有"
    # whether a plan has run out ("行动计划…是不是已经到期了", "…是不是已经结束了"): its term answers it
    # (衢政发〔2017〕12号 "到2020年…", 衢政办发〔2017〕24号 "(2017—2019年)"; two train questions ask so)
    r"|(?:是不是|是否)已经?(?:到期|结束)")
# words that ask about validity itself, even beside a deadline word ("现在还有效吗 有没有期限")
_EXPLICIT = re.compile(r"有效|失效|废止|作废|作数|算数|管用|还在执行|仍在执行|还在实施|实施期")
DUE_WORDS = re.compile(r"期限|时限|完成|截止|要在|过了没|什么时候|啥时候|哪天|哪年")
# how long a document runs: its term, its years, when it ends ("管几年", "计划搞几年", "管哪几年", "管到哪年")
TERM_Q = re.compile(r"[管搞干弄执实施行]{1,2}(?:几|多少|哪几)年|哪几年|多少年|管多久|管多长|管到哪一?年|到哪年结束|哪年结束|什么时候结束|啥时候结束")


# a span asked by its two ends ("从哪天开始到什么时候结束", "从哪年算到哪年"): when something runs,
# which a dated line or period answers, not whether a document is in force
SPAN_Q = re.compile(r"从(?:什么时候|啥时候|哪天|哪年|几月|何时|哪一天|几号)[^??]{0,8}(?:到|至)(?:什么时候|啥时候|哪天|哪年|几月|何时|哪一天|几号)")


def asks_validity(q: str) -> bool:
    """The question asks whether a document is in force, or how long it runs (its term or years); a
    deadline question ("啥时候要完成?现在过期了没有?") is the deadline skill's, unless it names
    validity itself."""
    if SPAN_Q.search(q):
        return False
    if TERM_Q.search(q):
        return True
    rest = EFFECTIVE_Q.sub(" ", ISSUED_Q.sub(" ", q))  # "哪天发的" asks the issue date, not a deadline
    return bool(VALID_Q.search(q)) and not (DUE_WORDS.search(rest) and not _EXPLICIT.search(q))


QUESTION_FORMS = Path(__file__).resolve().parent / "lexicon" / "question_forms.tsv"


def _question_forms(path: Path = QUESTION_FORMS) -> dict[str, str]:
    """name → pattern of qa/lexicon/question_forms.tsv (how people join and frame questions)."""
    lines = [ln for ln in path.read_text("utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    return dict(ln.split("\t") for ln in lines)


FORMS = _question_forms()
# a connective opening a second question after a pause: "…谁牵头 另外…设在哪", "…,还有那个…谁出钱",
# "一是…,二是…" ("还有没有", "还有效" are no connective)
_JOINED = re.compile(rf"[,,\s]+(?=(?:{FORMS['connective']}|{FORMS['next_item']})(?!没有|效|吗|呢|[,,]))")
# what makes a clause a question of its own: a question word, or an attribute asked for by name
_ASKS = re.compile(rf"谁|什么|啥|咋|哪|几|多少|多久|多长|吗|是否|是不是|有没有|能不能|要不要|怎么|如何"
                   rf"|(?:{FORMS['asked_attribute']})$")
# a clause that asks without a question word: "上不上班", "到没到", "期限到了没", "…呢", "…吧"
_ASKS_TOO = re.compile(r"(.)[没不]\1|了没|没有?$|[呢吧]$")


def asks(clause: str) -> bool:
    """Whether a clause asks anything ("我帮我女儿问问", "集聚区也算上" only say something)."""
    return bool(_ASKS.search(clause) or _ASKS_TOO.search(clause))


# a clause that ends asking: a question word among its last few characters ("…是多少", "哪天发的")
# ("那几处", "好几年" point and count, they ask nothing)
_ENDS_ASKING = re.compile(r"(?:谁|什么时候|啥时候|什么|啥|咋|哪[天年个里些位家种类儿]?|(?<![那这好十])几[处个家名项年天次步]?"
                          r"|多少[人元个家处件项天]?|多久|多长时间|吗|了没有?|是否|是不是|有没有|能不能|要不要|怎么[样办]?|如何)"
                          r"[^,,\s]{0,4}$")
_PAUSE = re.compile(r"[,,\s]+")
# how a clause is introduced, not what it asks: "两件事:一是", "两个事情,一个是", "另外", "还有一个是"
_CLAUSE_LEAD = re.compile(rf"^(?:问)?(?:(?:{FORMS['matters']})[::,,\s]*)?(?:{FORMS['connective']})?"
                          rf"(?:{FORMS['first_item']}|{FORMS['next_item']})?")


# a resident's own circumstance before the question ("我在衢江区开农家乐的,明天算汛期吗?"): part of
# the question, but the words asked choose the passage
_OWN_CLAUSE = re.compile(rf"^(?:{FORMS['own']})")


def asked_clauses(q: str) -> str | None:
    """The question without the clauses before its last in which the asker speaks of themself and
    asks nothing ("我是低保户,…", "…五大行动,我记不全了,是哪五个?"); None when there are none."""
    clauses = re.split(r"(?<=[,,])", q)
    kept = [c for c in clauses[:-1] if not (_OWN_CLAUSE.match(c) and not _ASKS.search(c.rstrip(",,")))]
    rest = "".join(kept + clauses[-1:]).strip()
    return rest if len(kept) < len(clauses) - 1 and len(content(rest).replace("|", "")) >= 2 else None


# one question asked of two things: "A和B分别哪天施行", "A与B哪个先施行"
_COORDINATED = re.compile(rf"^(?P<a>.+?)(?:{FORMS['coordinator']})(?P<b>[^,,]+?)[,,\s]*"
                          rf"(?P<how>{FORMS['respectively']}|{FORMS['which_first']})(?P<ask>.+)$")
_NOT_A_THING = re.compile(r"^[\d第一二三四五六七八九十]")  # "2017年和2018年", "第一批和第二批": one thing's slots


def _coordinated(clause: str) -> list[str]:
    """"防汛防台办法和地质灾害办法哪个先施行" → ["防汛防台办法什么时候施行", "地质灾害办法什么时候施行"]:
    each thing with what is asked of both. Things of five characters or more only: "第一批和第二批"
    or "2017年和2018年" name slots of one thing, "牵头部门和配合单位" two fields of one record."""
    m = _COORDINATED.match(clause)
    if not m or _NOT_A_THING.match(m["b"]) or any(len(content(x).replace("|", "")) < 5 for x in (m["a"], m["b"])):
        return [clause]
    ask = m["ask"] if re.fullmatch(FORMS["respectively"], m["how"]) else "什么时候" + m["ask"]
    return [m["a"] + ask, m["b"] + ask]


# a clause that only announces the questions: "两件事", "问两个事" (three split-train questions
# "来电人问两件事 A B")
_LEAD_ONLY = re.compile(rf"(?:问)?(?:{FORMS['matters']})[::]?")
# a connective (还有, 另外, 以及) or coordinator (和, 与) typed without a pause: "…设在哪和…谁牵头验收"
# (a split-train question)
_JOINER = re.compile(rf"(?:{FORMS['connective']}|{FORMS['coordinator']})")


def _joined_unpaused(p: str) -> list[str]:
    """A question that ends on its question word, joined without a pause to another question: two
    parts. Only where the left side ends asking: "哪些单位和个人" or "还有多少天" join no questions."""
    for m in _JOINER.finditer(p):
        left, right = p[: m.start()], p[m.end():]
        if (_ENDS_ASKING.search(left) and _ASKS.search(right) and len(content(left).replace("|", "")) >= 4
                and len(content(right).replace("|", "")) >= 4):
            return [left] + _joined_unpaused(right)
    return [p]


def split_question(q: str) -> list[str]:
    """Two questions in one: "汛期是哪段时间?地质灾害领导小组汛期要不要值班?" → two parts; so is
    "…谁牵头 另外…设在哪?" (a connective after a pause, each side a question of its own), and
    "A和B分别哪天施行?" (one question asked of two things)."""
    parts = []
    for p in re.split(r"[??;;]", q):
        clauses = [c.strip() for c in _JOINED.split(p)]
        if len(clauses) > 1 and not all(_ASKS.search(c) and len(content(c).replace("|", "")) >= 4 for c in clauses):
            clauses = [p.strip()]
        if len(clauses) == 1:
            # questions after a bare pause ("通知哪天发的 从哪天开始免费", "利率是多少,最多能贷几年"):
            # every clause ends asking, else the pause only sets out the topic ("消防那几处隐患,…");
            # a clause that only announces them ("两件事 …") asks nothing itself
            paused = [c.strip() for c in _PAUSE.split(p) if c.strip() and not _LEAD_ONLY.fullmatch(c.strip())]
            if len(paused) > 1 and all(_ENDS_ASKING.search(c) and len(content(c).replace("|", "")) >= 4 for c in paused):
                clauses = paused
        if len(clauses) == 1 and not _COORDINATED.match(p.strip()):
            clauses = _joined_unpaused(p.strip())
        parts += [x for c in clauses for x in _coordinated(c)]
    parts = [p for p in parts if len(content(p).replace("|", "")) >= 2]
    return [_CLAUSE_LEAD.sub("", p).strip(" ,,:") or p for p in parts] if len(parts) > 1 else [q]


# a question word (啥/咋: said for 什么/怎么), and any word that makes a clause ask: what follow-ups are
# told apart by (qa.conversation, qa.mentions)
WH_WORD = re.compile(r"谁|什么|啥|哪|多少|多大|多久|几|怎么|咋|如何")
ASK_WORD = re.compile(WH_WORD.pattern + r"|是否|有没有|吗")
# when, as people ask it: the year, month or day asked ("在哪一年", "几月份", "几号"), the question words of
# the answer-type lexicon's date row (啥时候 arrives as 什么时候, qa/lexicon/question_words.tsv)
WHEN_Q = re.compile(r"什么时候|何时|哪天|哪一天|哪年|哪一年|几月|几号|日期|时间|期限|时限|施行|起施|截止|到什么时候|多久")


AMOUNT_Q = re.compile(r"多少|多大|多长|几|面积|金额|比例|标准")


WHO_Q = re.compile(r"谁|哪个部门|哪些部门|哪个单位|牵头|负责")


# a sentence whose subject is a named body taking charge: 市质监局负责…, 市国土局会同市住建局推进…
BODY_SUBJECT = re.compile(r"^[市县][\u4e00-\u9fff]{1,8}?(?:局|委|办|中心|部)(?:[((][^))]*[))])?(?:负责|会同|牵头|承担)")


# a run of kinds closed by what they are kinds of: "…、公租房安置等多种形式", "…等方式"
_KINDS_LISTED = re.compile(r"、[^,,;;。]{2,20}等(?:多种|各种|几种)?(?:形式|方式|办法|模式|类型|途径)")
ITEM_START = re.compile(r"^\s*(?:[((][一二三四五六七八九十\d]+[))]|\d+[\.、]|[一二三四五六七八九十]+、)")


ASKED_N = re.compile(r"哪([一二三四五六七八九十两\d]+)(?:个|项|家|大|类|种)|([一二三四五六七八九十两\d]+)大")


ORDINAL_Q = re.compile(r"第([一二三四五六七八九十])(?:个|项|阶段|步|批|类)")


_ENUMERATED = re.compile(r"[、]|和(?=[^和]{2,})")


@lru_cache(maxsize=1024)
def _shape_asked(q: str) -> tuple[int | None, re.Pattern[str] | None]:
    """What shape_bonus reads of the question, once per question: the asked number of items and the
    form of the asked ordinal item."""
    m = ASKED_N.search(q)
    n = cn_to_int(m.group(1) or m.group(2)) if m else None
    m = ORDINAL_Q.search(q)
    return n, re.compile(rf"^[((]{m.group(1)}[))]|^{m.group(1)}、") if m else None


def shape_bonus(q: str, s: str) -> float:
    """"哪八个" wants a sentence enumerating eight things; "第二阶段" wants the item numbered (二)."""
    n, ordinal = _shape_asked(q)
    bonus = 0.0
    if n and n >= 2 and len(_ENUMERATED.split(s.split(":")[-1].split(":")[-1])) == n:
        bonus += 0.3
    if ordinal and ordinal.match(s.strip()):
        bonus += 0.3
    return bonus


# a length of time, not a point in it: "1个工作日内", "5年", "一年一保", "期限" — but not "2020年" or "5月1日"
DURATION = re.compile(rf"(?<![\d年月])(?:\d{{1,3}}|[一二三四五六七八九十两半]+)\s*(?:个)?(?:年|个月|月|天|日|周|工作日|小时)(?![\d度底初末])"
                      r"|一年一|每年|期限|时限|有效期")


_DURATION_Q = re.compile(r"多久|多长时间|期限|有效期")
_PAYER_Q = re.compile(r"谁出|谁承担|谁负担|谁付|谁支付")
_DATED = re.compile(r"\d{4}年|\d{1,2}月|\d+日|月底|之前|以前|每年")
_DIGIT = re.compile(r"\d")
_BODY = re.compile(r"局|委|办|政府|部门|单位|中心")
_PAYS = re.compile(r"承担|负担|出资|支付|列入.{0,6}预算")
_UNIT_LINE = re.compile(r"^单位[::]")
_CLAUSE = re.compile(r"[。;;,,::]")
_BRACKETS = re.compile(r"[\s()()]")


@lru_cache(maxsize=1024)
def _form_asked(q: str) -> tuple[bool, bool, bool, bool, bool, str | None, bool, bool]:
    """What form_bonus reads of the question, worked out once per question (it scores every sentence
    of every candidate against the same question): when (not how long), how much, who, who pays, how
    long, the asked noun, which ones, where."""
    duration = bool(_DURATION_Q.search(q))
    return (bool(WHEN_Q.search(q)) and not duration, bool(AMOUNT_Q.search(q)), bool(WHO_Q.search(q)),
            bool(_PAYER_Q.search(q)), duration, asked_noun(q), bool(LIST_Q.search(q)), bool(WHERE_Q.search(q)))


def form_bonus(q: str, s: str) -> float:
    """The answer's form follows the question: when → a date, how much → a number, who → a body."""
    when, amount, who, payer, duration, noun, listing, where = _form_asked(q)
    bonus = 0.0
    if when and _DATED.search(s):
        bonus += 0.3
    if amount and _DIGIT.search(s):
        bonus += 0.2
    if who and _BODY.search(s):
        bonus += 0.1
        if BODY_SUBJECT.match(s):
            bonus += 0.2  # "市国土局会同市住建局推进…": the body is the one acting
    if payer and _PAYS.search(s):
        bonus += 0.3  # who pays → the sentence that says who bears the cost
    if duration and DURATION.search(s):
        bonus += 0.3  # how long → a duration
    if noun and noun in _BRACKETS.sub("", s):
        bonus += 0.15  # the sentence names what is asked for
    if listing and (s.endswith((":", ":")) or s.count("、") >= 3 or _KINDS_LISTED.search(s)):
        # an enumeration answers "哪些": a lead-in, a run of names, or kinds closed by 等…形式
        # ("积极推行公寓式安置,鼓励推行货币化补助安置、公租房安置等多种形式")
        bonus += 0.15
    if where and LOCATIVE.search(s):
        bonus += 0.3  # where → the sentence that says where (设在, 安装在…尾部)
    if _UNIT_LINE.match(s):
        bonus -= 0.3  # a table's unit line
    if not _CLAUSE.search(s) and len(s) < 40:
        bonus -= 0.2  # a bare title line is not an answer
    return bonus


def unknown_doc_number(q: str, keys: set[str]) -> str | None:
    """A 文号 the question names that no document of `keys` has, normalised; the words before it
    may run into the match ("来电人问衢政办发〔2017〕29号" matches from 人问…), so a key it ends with is
    the document named."""
    m = DOC_NUMBER.search(q)
    if m is None:
        return None
    named = normalize_doc_number(m.group(0))
    if any(named.endswith(k) for k in keys):
        return None
    # an issuer the corpus knows marks where the 文号 begins ("民问衢政办发〔2017〕30号" → 衢政办发…)
    for issuer in sorted({k.split("〔", 1)[0] for k in keys}, key=len, reverse=True):
        at = named.find(issuer + "〔")
        if at > 0:
            return named[at:]
    return named


UNIT_Q = re.compile(rf"(?:多少|{FEW})(万元|亿元|元|钱|吨|平方公里|公顷|公里|千米|平方米|米|亩|人|户|天|点|点钟|次|头|只|所|家|个|名|处|项|件|辆|年|月|周|小时|分钟)")


NUMERAL = r"[\d零〇一二三四五六七八九十百千万两]"


# …and "几天" is answered in days of the kinds a rule counts in: working days (衢政办发〔2017〕25号
# "登记机关应当在受理1个工作日内"), trading days (衢政办发〔2017〕21号 "…时间间隔不得少于5个交易日"); a date's
# 日 ("4月15日") is no count of days
_COUNTED = {"个": "(?:个|家|名|人|位|所|处|项|件|户)", "人": "(?:人|名|位)", "名": "(?:名|人|位)", "家": "(?:家|个)",
            "天": "(?:天|个?(?:工作|交易)日)"}


def unit_supported(q: str, text: str) -> bool:
    """A "多少钱/几点/多少公里" question needs an answer that states that kind of quantity."""
    quantity = _asked_quantity(q)
    return quantity is None or bool(quantity.search(text))


@lru_cache(maxsize=1024)
def _asked_quantity(q: str) -> re.Pattern[str] | None:
    """How an answer states the quantity the question asks for (None: it asks for none)."""
    m = UNIT_Q.search(q)
    if not m:
        return None
    unit = {"钱": "元", "点钟": "点", "千米": "公里"}.get(m.group(1), m.group(1))
    # a count takes the classifier of what is counted: "多少个先进单位" is answered by "36家",
    # "多少人" by "50名"
    unit = _COUNTED.get(unit, unit)
    if unit == "点":
        return re.compile(rf"{NUMERAL}+\s*[点时]|\d{{1,2}}:\d\d")
    return re.compile(rf"{NUMERAL}+(?:\.\d+)?\s*(?:万|亿)?{unit}")


# a comparison between the thing and the question word is no attribute of its own: "占地超过多少平方" asks
# the area (占地, as 衢政办发〔2017〕19号 prints it: "木器厂房占地超1500平方米"), not 超过 (three train
# questions ask "…超过多少")
ASKED = re.compile(rf"([\u4e00-\u9fff]{{2}})(?:是|为|有|要|要有|达到|超过|{FORMS['place_verb']}|在)?"
                   rf"(多少(?!天|年|月|日|时)|多大|多长|哪里|哪儿)([\u4e00-\u9fff]{{0,4}})")


# "多长时间" asks how long, not the amount of a thing called 时间 (13 train and dev questions ask so;
# "多少时间" never reaches here: see ASKED)
NOT_ATTRIBUTES = ("一共", "总共", "共有", "目标", "要求", "应当", "最少", "最多", "至少", "大约", "大概", "具体", "需要", "能够",
                  "以上", "以下", "左右", "时间")


# classifiers that count things, not amounts (元, 吨, 亩): before "多少处" and the like stands a verb in
# about 55 of some 80 train and dev questions (挂牌, 盘活, 新增, 培育…), see amount_noun
# 羽 and 箱 as the gazette counts poultry and bees (衢政办发〔2017〕16号 "肉鸡50000羽", "蜜蜂存栏量提高到30万箱以上"),
# asked "多少羽" by two train questions and "多少箱" by five
_COUNTERS = frozenset("个家名项处件所位批户人次头只辆羽箱")
UNIT_WORDS = re.compile(r"^(万元|亿元|元|钱|吨|公里|千米|米|平方|亩|人|户|天|点|次|头|只|羽|箱|所|家|个|名|处|项|件|辆|年|月|周|小时|分钟)")


ASKED_AFTER = re.compile(r"(?:哪些|什么|哪种|哪类|哪个)([\u4e00-\u9fff]{2})")
# words that name no attribute of their own: 时候, 情况; bodies are named by their names (市质监局),
# not by the word 部门
_GENERIC_NOUN = re.compile(r"时候|时间|地方|情况|意思|东西|内容|规定|部门|单位|机构")


# The noun slots below are read off the two characters next to a question word. A verb's particle
# or a modal caught there ("2015年是多少" → 年是, "安排了多少钱" → 排了, "调到哪里去了" → 去了,
# "什么样的" → 样的; 28 gold, train and dev questions) names no thing: the slot is then empty, not a
# word no answer could contain.
# (Not every closed-class character of qa/lexicon/function_chars.txt: nouns end in 会, 能, 可, 们 —
# 协会, 职能, 许可.)
_FUNCTION_END = re.compile(r"[了的是呢吗啊呀吧么有要在]$")
# "哪个村的", "放在哪个局的", "哪个县最多": a one-character unit of place or office is the thing asked
# where it and the character after it are no word (gold "种粮大户陈荣清是哪个村的", a split-train
# question "…办公室是放在哪个局的"; 县最, 区任, 局来 in 14 train and dev questions), not in 县城, 区域
_UNIT_CHARS = "村镇乡县市区局厅处"


def _noun_slot(noun: str | None) -> str | None:
    if noun is None or _FUNCTION_END.search(noun):
        return None
    if _VERB_EDGE.fullmatch(noun) and not _edge_nouns().get(noun, "").startswith(("n", "vn")):
        return None
    return noun


# A modal, passive or preposition with its verb ("要出多少钱", "能补多少", "被罚多少"), or a verb with
# its complement 到 ("搞到多少", "降到多少"): what is done, not the thing asked (146 train, dev and
# gold questions). A word jieba's dictionary tags as a noun only starts like one (能耗, 对象, 会议).
_EDGE = "要能会可想被给让把对从到在"
_VERB_EDGE = re.compile(rf"[{_EDGE}][\u4e00-\u9fff]|[\u4e00-\u9fff]到")


def warm_up() -> None:
    """Read the dictionary words the noun slots consult now, not on the first question."""
    _dictionary_words()
    _tagged("产业基金")  # jieba's part-of-speech table loads on its first use


def _edge_nouns() -> dict[str, str]:
    """The two-character words of jieba's dictionary at that edge, with their part of speech."""
    return _dictionary_words()[0]


def _unit_words() -> frozenset[str]:
    """The two-character words of jieba's dictionary that start with a unit (县城, 区域, 局长, 处理)."""
    return _dictionary_words()[1]


@lru_cache(maxsize=1)
def _dictionary_words() -> tuple[dict[str, str], frozenset[str]]:
    """What the noun slots consult of jieba's dictionary, read once (some 1,000 and some 2,000 of its
    350,000 lines): the words at the verb edge with their part of speech, and the words of a unit."""
    import jieba

    with jieba.get_dict_file() as f:
        text = f.read().decode("utf-8")
    return (dict(re.findall(rf"^([{_EDGE}]\S|\S到) \d+ (\S+)$", text, re.M)),
            frozenset(re.findall(rf"^([{_UNIT_CHARS}]\S) \d", text, re.M)))


@lru_cache(maxsize=1024)
def wh_noun(q: str) -> str | None:
    """The noun after 哪些/什么/哪个: "带哪些材料" → 材料 (generic words such as 时候 or 部门 aside)."""
    m = ASKED_AFTER.search(q)
    if m and m.group(1)[0] in _UNIT_CHARS and m.group(1) not in _unit_words():  # 村的, 县最, 局来
        return m.group(1)[0]
    # bodies are named by their names (市质监局), not by the word 部门: "哪个部门" names no attribute
    if m and not _GENERIC_NOUN.match(m.group(1)):
        return _noun_slot(m.group(1))
    return None


_COUNTED_SELF = re.compile(r"(?:多少|几)(步)")
_COUNTED_NOUN = re.compile(r"(?:多少|几)(?:个|家|名|项|处|件|条|种|类|位|批|所)([\u4e00-\u9fff]{2})")


def counted_noun(q: str) -> str | None:
    """What a how-many question counts, named after its classifier: "关闭了多少家交易场所" → 交易,
    "分几个阶段" → 阶段; None when it names nothing there ("一共评了多少家")."""
    m = _COUNTED_NOUN.search(q)
    if m and not _GENERIC_NOUN.match(m.group(1)):
        return m.group(1)
    # a classifier that is itself the thing counted: "分几步走" counts 步 (衢政发〔2017〕11号 "三、实施步骤";
    # two train questions ask so)
    m = _COUNTED_SELF.search(q)
    return m.group(1) if m else None


# "哪几种权", "哪几类综合窗口", "重点排查哪几类": kinds asked by a classifier, with the noun they are kinds of
_KINDS_ASKED = re.compile(r"(?:哪几|哪些|几)(类|种)([\u4e00-\u9fff]{0,4}?)(?:的|呢|啊|呀|吗|[?,。\s]|$)")


@lru_cache(maxsize=1024)
def kind_suffix(q: str) -> str | None:
    """How the items of an answer to a kinds question end: the noun's last characters ("哪几种权" →
    权, "哪几类综合窗口" → 窗口), or the classifier itself when no noun follows ("哪几类" → 类:
    商品类、文化类)."""
    m = _KINDS_ASKED.search(q)
    if not m:
        return None
    noun = m.group(2)
    return noun[-2:] if len(noun) >= 2 else noun or m.group(1)


def kind_items(q: str, text: str) -> bool:
    """The text names two or more items of the asked kind ("用能权、用水权", "商品类、文化类")."""
    suffix = kind_suffix(q)
    if not suffix:
        return False
    return len(re.findall(rf"[\u4e00-\u9fff]{{1,8}}{re.escape(suffix)}(?=[、,;和及与等])", text)) >= 2


def _tagged(text: str) -> list[tuple[str, str]]:
    """jieba's words of a short text with their part of speech."""
    import jieba
    import jieba.posseg

    from index.tokenize import initialize_quietly

    initialize_quietly(jieba.dt)  # the tagger shares jieba's dictionary: load it without announcing it
    return [(w.word, w.flag) for w in jieba.posseg.lcut(text)]


def _noun_like(word: str, flag: str) -> bool:
    return len(word) >= 2 and (flag.startswith("n") or flag in ("vn", "l", "j"))


def _word_before(text: str) -> str | None:
    """The noun a question word stands after, read by words, not by two characters: "产业基金搞多大" →
    基金 (not 金搞), "病死猪无害化率多少" → 无害化, "扶持奖励具体给多少" → 奖励. The word next to the
    question word is it ("每户补助多少钱" → 补助); past a single character, an adverb, preposition,
    particle, number or pronoun, a noun of jieba's dictionary is ("数控化率2015年是多少": jieba guesses
    化率, no word); a verb of two or more characters ends the search ("地灾搬迁补多少": what is done,
    no attribute named)."""
    import jieba

    for n, (word, flag) in enumerate(reversed(_tagged(text)[-4:])):
        function = len(word) == 1 or flag[0] in "dafrmpcuyzqx"
        if n == 0 and not function:
            return word
        if _noun_like(word, flag) and jieba.dt.FREQ.get(word):
            return word
        if not function:
            return None
    return None


@lru_cache(maxsize=1024)
def amount_noun(q: str) -> str | None:
    """What a how-much/where question asks about: "奖金多少" → 奖金, "多少家企业" → 企业,
    "多少避灾中心" → 避灾; None for a level or a generic word ("一共多少", "县里多少")."""
    m = ASKED.search(FILLERS.sub("", q))  # "想让多少家企业": the filler is not the attribute
    if not m:
        return None
    after = m.group(3)
    # "陈水良是哪里的优秀乡镇农技员", "是学的哪里的经验": what follows 哪里的 is the thing located, not
    # an attribute the answer must name
    if after.startswith("的") and m.group(2) in ("哪里", "哪儿"):
        return None
    unit = UNIT_WORDS.match(after)
    rest = after[unit.end():] if unit else after
    if unit and unit.group(0) in _COUNTERS and len(rest) < 2:
        # "一共挂牌多少处", "要新增多少项", "盘活多少家": before a count, the words say what is done to
        # the things counted, which the answer ("共32处") need not repeat; they are named earlier
        return None
    if len(rest) >= 2:
        # the thing counted or measured after the question word ("多少家企业", "多少钱的手续费"), unless
        # a one-character verb or adverb stands there ("多少受威胁的群众", "多少不装袋的")
        rest = rest[1:] if rest.startswith("的") else rest
        word, flag = _tagged(m.string[m.end(3) - len(rest):])[0]  # rest and what follows it; rest is not empty
        noun = None if len(rest) < 2 or len(word) == 1 and flag[0] in "vd" else rest[:2]
    else:
        noun = _word_before(m.string[: m.end(1)])
    if noun is None:
        return None
    if noun in NOT_ATTRIBUTES or re.search(r"[县市区乡镇村]", noun):
        return None
    return _noun_slot(noun)


# "…领导小组的组长是谁", "举报平台的网址是什么": the noun after 的 that the question word stands for
_SUBJECT_ASKED = re.compile(
    rf"的([\u4e00-\u9fff]{{2,4}}?)(?:{FORMS['subject_adverb']})?(?:{FORMS['subject_verb']})(?:谁|什么|啥|哪)")


@lru_cache(maxsize=1024)
def subject_noun(q: str) -> str | None:
    """The noun a "…的X是谁/是什么" question asks for: "领导小组的组长是谁" → 组长."""
    m = _SUBJECT_ASKED.search(q)
    noun = re.sub(rf"^(?:{FORMS['modifier']})(?=..)", "", m.group(1)) if m else None
    # …nor does the document itself ("这个方案的内容是什么")
    if noun and not _GENERIC_NOUN.match(noun) and not re.match(r"文件|方案|通知|意见|办法", noun):
        return _noun_slot(noun)
    return None


def asked_noun(q: str) -> str | None:
    """The thing a question asks for by name: "带哪些材料" → 材料, "奖金多少" → 奖金, "…的组长是谁" → 组长."""
    return wh_noun(q) or amount_noun(q) or subject_noun(q)


def attribute_supported(q: str, text: str) -> bool:
    """The thing a question asks the amount/place of ("奖金多少", "产值多少", "地址在哪", "多少避灾
    中心") must be named where the answer stands; a topical sentence without it does not answer."""
    noun = amount_noun(q)
    if noun in _SHARE_NOUNS:
        # a share is printed as one: "占多大比例" is answered by "80%以上", seldom by the word 比例
        return bool(_SHARE.search(text)) or noun in text
    return noun is None or noun in _BRACKETS.sub("", text)


_SHARE_NOUNS = ("比例", "比重", "占比")
# as the gazette prints a share: 衢政发〔2017〕11号 "“最多跑一次”事项…80%以上", 衢政办发〔2017〕29号 "补助额的1/3"
_SHARE = re.compile(r"\d+(?:\.\d+)?\s*%|\d+\s*/\s*\d+")


# Quantities a question can ask the amount of by name. When the question names one ("奖金多少",
# "年产值多少", "哪个地址") and the answer never mentions it, the answer is about something else.
MEASURES = (r"奖金|奖励金额|产值|产量|投资额|总投资|费用|价格|票价|收入|面积|车速|速度|长度|高度|距离|工资|保费|"
            r"罚款|利率|税率|地址|电话|人口|人数|补贴|补助金")
MEASURE_Q = re.compile(rf"({MEASURES})(?:是|为|有|要|大约|大概|一共|具体|具体在|在)?(?:多少|多大|多长|几|哪)")


def measure_supported(q: str, text: str) -> bool:
    """"一等奖奖金多少?" / "能拿多少奖金?" is not answered by the sentence naming the winners."""
    noun = _asked_measure(q)
    return noun is None or noun in _BRACKETS.sub("", text)


@lru_cache(maxsize=1024)
def _asked_measure(q: str) -> str | None:
    """The MEASURES quantity the question asks the amount of, if any."""
    m = MEASURE_Q.search(q)
    noun = m.group(1) if m else amount_noun(q)
    return noun if noun is not None and re.fullmatch(MEASURES, noun) else None


# where something is — not where to send or go ("送哪里评审" is answered by a body)
# "在哪一年/在哪天" asks when, and "哪里的经验" whose, as the answer-type lexicon's address row reads them
WHERE_Q = re.compile(r"在哪(?!一?(?:年|天|月|个月))|(?<![送报交去寄到找])(?:哪里|哪儿)(?!的)|什么地方|什么位置|哪个位置|哪个地址|地址")
# how the gazette says where something is: 设在…, 位于…, 安装在…尾部, an address
LOCATIVE = re.compile(r"设在|设于|位于|坐落|地址|(?:安装|放置|悬挂|建)在|在[^,,。;;]{1,15}?(?:路|街|号|巷|楼|村|镇|乡|部|位置|内|处)"
                      r"|[\u4e00-\u9fff]{2}(?<!道)(?:路|街|巷|大道)(?:\d+号|[东南西北]侧)?")  # a table's address cell


def place_supported(q: str, text: str) -> bool:
    """A where-question needs an answer that says where; "到登记点交验车辆" does not."""
    return WHERE_Q.search(q) is None or LOCATIVE.search(text) is not None
