"""Understanding: the one place a question is normalised, made standalone, split and read for
intent and slots. Everything later works on the QueryPlan it returns.

Normalisation happens once, here, for matching only: NFKC (full-width → half-width), traditional →
simplified (OpenCC), personal identifiers and self-introductions removed (qa.personal), courtesy and
voice markers removed (qa/lexicon/courtesy.txt), IME homophone slips respelt toward the corpus's words
(qa.respell: 隐换 → 隐患), trailing particles dropped, everyday words mapped to the gazette's words.
What the user typed is kept for display; the respelt question is what "问题理解为" shows.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Callable

from qa import personal
from qa.conversation import carried_topic, combine, is_elliptical, point_into, resolve_ordinal, rewrite
from qa.limits import capped
from qa.mentions import RowNames
from qa.dates import question_date, question_month, relative_years
from qa.pipeline.types import Part, QueryPlan
from qa.question import (
    AMOUNT_Q, ARTICLE_COUNT_Q, COUNT_Q, EFFECTIVE_Q, ISSUED_Q, LIST_Q, MEASURE_Q, ORDINAL_Q, SPAN_Q, UNIT_Q, WHEN_Q, WHERE_Q, WHO_Q,
    asked_clauses, asked_noun, asks, asks_validity, split_question, warm_up as warm_nouns,
)
from qa.respell import which_slips
from qa.synonyms import gazette_words
from qa.text import DOC_NUMBER, clean_question, content, int_to_cn, normalize_doc_number

LEXICON = Path(__file__).resolve().parents[1] / "lexicon"
_PARTICLE_TAIL = re.compile(r"(?<=[\u4e00-\u9fff])[呢啊呀吧哈嘛啦哦噢捏][?!.~\s]*$")
_SPACES = re.compile(r"\s+")
# a question (or its clause after a greeting) opening with a demonstrative
_POINTER_OPENING = re.compile(r"(?:^|[,;:\s])(这个|那个)")
_QUESTION_END = re.compile(r"[\s?!.。~,;:、]+$")
_PUNCT_RUN = re.compile(r"[?!]{2,}")


def _t2s() -> Callable[[str], str]:
    try:
        import opencc
    except ImportError:  # declared as a dependency; without it traditional text is matched as typed
        return lambda s: s
    conv = opencc.OpenCC("t2s")
    return conv.convert


def load_courtesy(path: Path = LEXICON / "courtesy.txt") -> tuple[re.Pattern[str], ...]:
    rows = [ln.strip() for ln in path.read_text("utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    out = []
    for row in rows:
        if row.startswith("*"):
            out.append(re.compile(row[1:], re.IGNORECASE))
        else:
            out.append(re.compile(row if row.endswith("$") else "^" + row, re.IGNORECASE))
    return tuple(out)


class Understander:
    """Construct once (loads OpenCC and the courtesy list); `plan()` is pure given its inputs."""

    def __init__(self, courtesy: tuple[re.Pattern[str], ...] | None = None,
                 to_simplified: Callable[[str], str] | None = None,
                 known_place: Callable[[str], bool] | None = None,
                 respell: Callable[[str], str] | None = None,
                 word_starts: Callable[[str], frozenset[int]] | None = None, rows: RowNames = (),
                 titles: dict[str, str] | None = None, labels: frozenset[str] = frozenset()) -> None:
        self.courtesy = courtesy if courtesy is not None else load_courtesy()
        self.to_simplified = to_simplified or _t2s()
        self.known_place = known_place  # which names are places, for follow-ups ("那龙游的呢?")
        self.respell = respell  # IME homophone slips toward the corpus's words (qa.respell)
        self.word_starts = word_starts  # where words begin, so a follow-up replaces whole words
        self.rows = rows  # the corpus's table rows by name, for "那铭豪庄园小区呢?" (qa.mentions)
        self.labels = labels  # the corpus's field labels ("联系领导"), which name no topic (qa.conversation)
        # the corpus's documents by 文号 (normalised): a document asked for by its number is its title
        self.titles = {normalize_doc_number(k): t for k, t in (titles or {}).items()}
        warm_nouns()

    # ------------------------------------------------------------ normalisation
    def normalize(self, text: str) -> str:
        """The question as typed → its normalised form (still the user's words, no gazette mapping).

        >>> Understander().normalize("你好，请问我电话13905701234，電動車上牌要帶啥？謝謝")
        '电动车上牌要带啥?'
        """
        q = unicodedata.normalize("NFKC", clean_question(text))
        q = self.to_simplified(q)
        q = personal.strip(q)
        for _ in range(3):  # "你好,请问…": courtesy words come in runs
            before = q
            for pat in self.courtesy:
                q = pat.sub("", q).strip(" ,.;:!")
            if q == before:
                break
        q = _SPACES.sub(" ", q).strip(" ,.;:")
        q = approximate_numbers(q)
        q = full_years(q)
        q = article_numerals(q)
        # how a question ends ("?", "??", "?!", "。", nothing) changes nothing it asks: one "?"
        q = _QUESTION_END.sub("", q)
        q = _PUNCT_RUN.sub(lambda m: m.group(0)[0], q)
        # a trailing particle changes no meaning, but "呢" also marks a follow-up: kept for `is_elliptical`
        return q + "?" if q else q

    def _respelt(self, norm: str) -> str:
        norm = which_slips(norm)  # 那 for 哪: a slip of the question word, whatever the corpus
        return self.respell(norm) if self.respell is not None else norm

    def _pointed(self, asked: str, norm: str, previous: str) -> str:
        """The normalised follow-up with the 这个/那个 it opened with: the courtesy list drops an opening
        filler ("那个电动车上牌…"), but "这个工程归哪些部门负责?" after "…的第一个工程是什么?" points back at
        the thing the earlier turn named (工程), and is rewritten as a follow-up."""
        typed = self.to_simplified(unicodedata.normalize("NFKC", asked))
        core = norm.rstrip("?")[:4]
        m = _POINTER_OPENING.search(typed)
        pointed = (len(core) >= 2 and m is not None and typed[m.end():].lstrip(" ,、").startswith(core)
                   and core[:2] in previous)
        return m.group(1) + norm if pointed else norm

    def plan(self, asked: str, today: dt.date, previous: str | None = None,
             items: tuple[str, ...] = (), topic: str | None = None) -> QueryPlan:
        # capped once normalised, not before: personal details and courtesy in front of a long
        # question must not push its words out of the matching form (qa.limits bounds the cost)
        norm = introduction_dropped(own_place(self._respelt(named_documents(capped(self.normalize(asked)), self.titles))))
        standalone = (rewrite(resolve_ordinal(self._pointed(asked, norm, previous), previous, items), previous, self.known_place,
                              topic, self.word_starts, self.rows, self.labels)
                      if previous else norm)
        if previous:
            standalone = point_into(standalone, items)
        follow_up = bool(previous) and standalone != norm
        match = capped(gazette_words(_PARTICLE_TAIL.sub("?", standalone)))
        focus = gazette_words(norm) if follow_up else asked_clauses(match)
        # how the question as typed ends: "?" or an asking particle, or a statement ("…问问。")
        typed = unicodedata.normalize("NFKC", asked).rstrip()
        tail_asks = bool(re.search(r"[?呢吧]$", typed))
        # a part with no topic of its own ("分别是哪天?") is no question to answer alone
        parts = [p for p in split_question(match) if len(re.sub(r"[|]|分别|各自|另外|还有|又", "", content(p))) >= 2]
        plan_parts = (Part(match, focus),) + (_parts(parts, tail_asks, today) if len(parts) > 1 else ())
        return QueryPlan(asked=asked, standalone=standalone, match=match, parts=plan_parts, today=today,
                         intent=intent_of(match), slots=slots_of(match, today), follow_up=follow_up,
                         topic=carried_topic(standalone, follow_up, topic))

    def combined(self, plan: QueryPlan, previous: str, topic: str | None = None) -> QueryPlan:
        """The same question with the previous topic carried over ("什么时候要完成?" after a topic)."""
        norm = introduction_dropped(own_place(self._respelt(self.normalize(plan.asked))))
        standalone = combine(norm, previous, topic)
        match = capped(gazette_words(_PARTICLE_TAIL.sub("?", standalone)))
        return QueryPlan(plan.asked, standalone, match, (Part(match, gazette_words(norm)),), plan.today,
                         intent_of(match), slots_of(match, plan.today), True, carried_topic(standalone, True, topic))


# an approximate number is said with 几 as a question is: "底下住了三十几个人", "干了几十年", "跑了好几趟",
# "前几年市里搞的那个方案" (some 30 train and dev questions tell their circumstances so). Said with 多/数/些,
# as it means, 几 is left to the questions that ask ("住了几个人", "管几年", "要投资几千万")
_APPROX = ((re.compile(r"(?<=[十百千万])几"), "多"), (re.compile(r"几(?=十)"), "数"),
           (re.compile(r"(?<=[好前])几(?=[个家名位处项年天次趟条种类户头月周])"), "些"))


def named_documents(q: str, titles: dict[str, str]) -> str:
    """A document of the corpus asked for by its 文号 is asked for by its title, which its text and
    its dates answer to ("衢政办发〔2017〕25号什么时候施行" → "《…电动自行车登记规定的通知》什么时候施行");
    a 文号 the corpus lacks stays, for the gate that says so.

    >>> named_documents("衢政办发[2017]25号几号施行?", {"衢政办发〔2017〕25号": "关于印发登记规定的通知"})
    '《关于印发登记规定的通知》几号施行?'
    >>> named_documents("衢政办发 [2017] 25 号第六条", {"衢政办发〔2017〕25号": "关于印发登记规定的通知"})
    '《关于印发登记规定的通知》第六条'
    >>> named_documents("衢政办发〔2017〕99号几号施行?", {"衢政办发〔2017〕25号": "关于印发登记规定的通知"})
    '衢政办发〔2017〕99号几号施行?'

    A question that also names the document in words ("衢政办发〔2017〕25号登记规定几号施行") is left
    as typed: its words already find the document, and the title would only repeat them.

    >>> named_documents("衢政办发〔2017〕25号登记规定几号施行?", {"衢政办发〔2017〕25号": "关于印发登记规定的通知"})
    '衢政办发〔2017〕25号登记规定几号施行?'
    """
    if "号" not in q or not titles:
        return q
    # as people type it, in any brackets and spaced ("衢政办发 [2017] 25号"): as documents print it
    flat = DOC_NUMBER.sub(lambda m: normalize_doc_number(m.group(0)), q)
    named = [n for n in titles if n in flat and not _names_in_words(flat.replace(n, " "), titles[n])]
    for number in named:
        flat = flat.replace(number, f"《{titles[number]}》")
    return flat if named else q


# what a title says beyond who issues it and what kind of paper it is: "衢州市人民政府办公室关于组织开展
# “全球免费游衢州”活动的通知" → "组织开展全球免费游衢州活动"
_TITLE_FRAME = re.compile(r"^.*?关于|^印发|的?通知$|[^\u4e00-\u9fff\d]")


def _names_in_words(q: str, title: str) -> bool:
    """Whether the question names the document by four running characters of its title's own words
    (a name, "全球免费游", "重大安全隐患"), more than a word any title may hold (企业, 规定)."""
    core = _TITLE_FRAME.sub("", _TITLE_FRAME.sub("", title))
    return any(core[i:i + 4] in q for i in range(len(core) - 3))


_ARTICLE_DIGITS = re.compile(r"第(\d{1,2})(条|章|节)")


def article_numerals(q: str) -> str:
    """"第6条" → 第六条: articles, chapters and sections are numbered in Chinese numerals in the text
    of a regulation, and are asked for in digits as often.

    >>> article_numerals("电动车登记规定第6条和第12章讲的啥?")
    '电动车登记规定第六条和第十二章讲的啥?'
    """
    return _ARTICLE_DIGITS.sub(lambda m: f"第{int_to_cn(int(m.group(1)))}{m.group(2)}", q)


def approximate_numbers(q: str) -> str:
    """"三十几个人" → 三十多个人, "几十年" → 数十年, "好几趟" → 好些趟: counts that ask nothing.

    >>> approximate_numbers("底下住了三十几个人,这种重大点要在哪一年弄完?")
    '底下住了三十多个人,这种重大点要在哪一年弄完?'
    >>> approximate_numbers("养了几十头猪,前几年的方案管几年?")
    '养了数十头猪,前些年的方案管几年?'
    """
    for pat, said in _APPROX:
        q = pat.sub(said, q)
    return q


# a year is said by its last two digits ("到20年", "17年挂牌隐患", "16年那份名单": 16 train questions) where it
# opens a clause (or follows a space or a comma) or follows 到, as a target is set ("到20年": eleven of them);
# a number of years after anything else counts them (骑了15年, 有效期是15年, 这15年), as it does before what
# bounds it (以上, 多, 左右, 内, 后). Only 10-29: the years of gazettes residents ask about, not ages
_SHORT_YEAR = re.compile(r"(?<![\d.])([12]\d)年(?!以|多|左右|来|内|之内|后|间|了|半)")


def full_years(q: str) -> str:
    """"到20年要引进多少人" → 到2020年…; "骑了15年" and "有效期15年" stay durations.

    >>> full_years("17年底最多跑一次事项要覆盖多大比例?到20年呢?16年那份名单还算数吗?")
    '2017年底最多跑一次事项要覆盖多大比例?到2020年呢?2016年那份名单还算数吗?'
    >>> full_years("电瓶车骑了15年,有效期是15年,15年以上的车,这15年")
    '电瓶车骑了15年,有效期是15年,15年以上的车,这15年'
    """
    def year(m: re.Match[str]) -> str:
        before = q[m.start() - 1] if m.start() else ""
        said = not before or before == "到" or not ("\u4e00" <= before <= "\u9fff")
        return f"20{m.group(1)}年" if said else m.group(0)

    return _SHORT_YEAR.sub(year, q)


# "我是龙游县的,2019年我们县…": the place the asker names as theirs is the one "我们县" points at, when
# it is of that level (a split-train, a time-train question and a dialog's first turn say 我们县 or
# 我们区 so); a follow-up then carries the place, not "我们区"
_I_AM = r"我(?:是|住在|住|家在|家住|在)"  # how an asker says where they are from
_OWN_PLACE = re.compile(_I_AM + r"([\u4e00-\u9fff]{2,4}?[县区市镇乡村])")
_OUR = re.compile(r"(?:我们|咱们?)([县区市镇乡村])")


def own_place(q: str) -> str:
    """"我们县" after "我是龙游县的" → 龙游县.

    >>> own_place("我是龙游县的,2019年我们县研发经费要花到多少?")
    '我是龙游县的,2019年龙游县研发经费要花到多少?'
    >>> own_place("我是衢江区的,我们村算不算禁养区?")  # a village is not the district
    '我是衢江区的,我们村算不算禁养区?'
    """
    m = _OWN_PLACE.search(q)
    if not m:
        return q
    place = m.group(1)
    return q[: m.end()] + _OUR.sub(lambda o: place if o.group(1) == place[-1] else o.group(0), q[m.end():])


# "我是龙游的,龙游2017年研发经费…": a clause introducing the asker by a place the question then names
# again (31 split-train questions, one of split-dev) says nothing more, and doubled the place's weight
# in retrieval, so that the document naming 龙游 most often outranked the table holding the answer
_INTRO = re.compile("^" + _I_AM + r"([\u4e00-\u9fff]{2,6}?)(?:的|人)?,")


def introduction_dropped(q: str) -> str:
    """Without the opening self-introduction by a place the rest of the question names itself.

    >>> introduction_dropped("我是龙游的,龙游2017年研发经费支出目标是多少亿?")
    '龙游2017年研发经费支出目标是多少亿?'
    >>> introduction_dropped("我是常山县人,家里在山脚下,我们常山县总共有多少人受威胁?")
    '家里在山脚下,我们常山县总共有多少人受威胁?'
    >>> introduction_dropped("我是龙游的,地灾三年行动还在搞吗?")  # the place said once stays
    '我是龙游的,地灾三年行动还在搞吗?'
    """
    m = _INTRO.match(q)
    if not m:
        return q
    stem = re.sub(r"[县区市镇乡村]$", "", m.group(1))
    return q[m.end():] if len(stem) >= 2 and stem in q[m.end():] else q


def _parts(parts: list[str], tail_asks: bool, today: dt.date) -> tuple[Part, ...]:
    """The parts of a question in several sentences. A last sentence that asks nothing, typed without
    a question mark ("…是多少?我帮我女儿问问。"), is a circumstance, not a question: it is no part
    to answer or to name as not stated, while the sentence before it still stands as a part alone."""
    out = tuple(Part(p) for p in parts[:1]) + tuple(_carried(p, parts[0]) for p in parts[1:])
    if not tail_asks and not asks(parts[-1]):
        out = out[:-1] + (Part(parts[-1], asks=False),)
    # each part asks in its own form: the whole question's first match is the first part's
    return tuple(replace(p, intent=intent_of(p.text), slots=slots_of(p.text, today)) for p in out)


def _carried(part: str, first: str) -> Part:
    """A later part that names no topic of its own ("…登记规定什么时候施行 印发日期是哪天",
    "…三年方案哪天开始施行,管哪几年") asks about the first part's topic, as a follow-up asks about the
    previous question's: the topic is carried over, the words typed stay its focus (and its name)."""
    if not is_elliptical(part):
        return Part(part)
    carried = combine(part, first).rstrip("?")
    return Part(carried, part) if carried != part else Part(part)


def elliptical(plan: QueryPlan) -> bool:
    return is_elliptical(plan.standalone)


def intent_of(q: str) -> str:
    """The form of answer a question wants, first match wins (a count is a list question too)."""
    if COUNT_Q.search(q) or ARTICLE_COUNT_Q.search(q.strip()):
        return "count"
    if SPAN_Q.search(q):  # "从哪年算到哪年": when something runs, by its two ends
        return "when"
    if asks_validity(q):  # in force now, or for how long ("管哪几年"): a document's dates answer it
        return "valid"
    if LIST_Q.search(q):
        return "list"
    if EFFECTIVE_Q.search(q) or ISSUED_Q.search(q):
        return "date"
    if WHEN_Q.search(q):
        return "when"
    if WHO_Q.search(q):
        return "who"
    if WHERE_Q.search(q):
        return "where"
    if AMOUNT_Q.search(q):
        return "amount"
    if re.search(r"吗\??$|是否|是不是|能不能|可不可以|有没有", q):
        return "yesno"
    return "fact"


def slots_of(q: str, today: dt.date) -> dict:
    slots: dict = {}
    asked = question_date(q, today)
    day = asked.day if asked else None
    if day:
        slots["date"] = day.isoformat()
        # "4月25号那个通知" names a day of the year its subject belongs to, not necessarily today's
        slots["date_how"] = asked.how
    month = None if day else question_month(q)
    if month:
        slots["month"] = month
    years = re.findall(r"(20\d\d)\s*年", q)
    # a year named relative to today is a year all the same ("今年的扶贫健康保险…最晚什么时候办完")
    years += relative_years(q, today)
    if years:
        slots["years"] = list(dict.fromkeys(years))
    m = ORDINAL_Q.search(q)
    if m:
        slots["ordinal"] = m.group(1)
    m = MEASURE_Q.search(q)
    if m:
        slots["measure"] = m.group(1)
    m = UNIT_Q.search(q)
    if m:
        slots["unit"] = m.group(1)
    noun = asked_noun(q)
    if noun:
        slots["noun"] = noun
    return slots
