"""Follow-up questions: sessions keep the last turn's slots (document, date, place, topic) and an
elliptical question is rewritten into a standalone one before it is answered."""
from __future__ import annotations

import re
import threading
import time
import uuid
from collections import Counter, OrderedDict
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable

from qa.dates import RELATIVE_YEAR_Q, RELATIVE_YEARS, date_spans
from qa.mentions import RowNames, swap_row, swap_row_for_kind
from qa.personal import strip as strip_personal
from qa.places import LEVEL_SUFFIXES, division_names
from qa.question import ASK_WORD, FORMS, WH_WORD
from qa.text import cn_to_int, content, int_to_cn

# a month with its 份 ("12月份"): a day put in its place replaces both (a split-train and a time-train
# dialog turn were rewritten "10月4号份…" and "元旦份…")
_DATE = re.compile(r"(\d{4}\s*年\s*)?([\d零〇一二三四五六七八九十]{1,3}\s*月(?:份|\s*[\d一二三四五六七八九十]{1,3}\s*[日号])?|\d{1,2}\.\d{1,2})")
# a level of government, said the way people say it ("县里呢?")
_LEVEL = re.compile(r"(全市|市级|县级|乡镇|街道|村里|市里|县里|乡里|市|县|乡|镇|村)")
# a named place: two characters and a level suffix (开化县); which of them are places is the corpus's
# say (`known_place`), so that no place is written here
_NAMED = re.compile(rf"(?![里在的和与各本全该每我这那其])[\u4e00-\u9fff]{{2}}[{LEVEL_SUFFIXES}]")
_YEAR_LEAD = re.compile(r"(?:到|至|截至|截止到?|在)?")
_ORDINAL = re.compile(r"第[一二三四五六七八九十\d]+(轮|批|阶段|条|章|个|项|名)")
_YEAR = re.compile(r"20\d\d\s*年(?:度)?")
# "那个" before "那么?", whose bare 那 would leave "个保费…"; "那这个工程…" opens with two of them
_ELLIPSIS_START = re.compile(r"^(?:那个|那么?|还有|另外|这个|它|其中|再问|然后)+")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")  # Chinese characters only: no digits, quotes or punctuation
_Q_TAIL = re.compile(r"[??!!。\s]+$")


@dataclass(frozen=True)
class Turn:
    question: str  # the standalone form that was answered
    topic: str | None = None  # what the conversation is about, carried to follow-ups that name part of it
    doc_key: str | None = None
    items: tuple[str, ...] = ()  # the latest enumeration answered in this session ("第一个" points into it)


@dataclass(frozen=True)
class Session:
    id: str
    turns: tuple[Turn, ...] = ()
    touched: float = 0.0

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None


class SessionStore:
    """In-memory LRU with a time-to-live; thread-safe. Swap for another store with the same methods.

    A turn's question is kept in its matching form (qa.personal.strip): follow-ups are rewritten from
    it, and no phone number, ID number or name the person typed is held."""

    def __init__(self, ttl_seconds: float = 1800.0, max_sessions: int = 10_000) -> None:
        self.ttl = ttl_seconds
        self.max = max_sessions
        self._data: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_create(self, session_id: str | None) -> Session:
        now = time.monotonic()
        with self._lock:
            s = self._data.get(session_id) if session_id else None
            if s is not None and now - s.touched <= self.ttl:
                self._data.move_to_end(s.id)
                return s
            if s is not None:
                del self._data[s.id]
            s = Session(id=uuid.uuid4().hex, touched=now)
            self._data[s.id] = s
            while len(self._data) > self.max:
                self._data.popitem(last=False)
            return s

    def record(self, session: Session, turn: Turn) -> Session:
        turn = replace(turn, question=strip_personal(turn.question))
        s = replace(session, turns=(session.turns + (turn,))[-10:], touched=time.monotonic())
        with self._lock:
            self._data[s.id] = s
            self._data.move_to_end(s.id)
        return s

    def drop(self, session_id: str) -> bool:
        """Forget a conversation; True when there was one."""
        with self._lock:
            return self._data.pop(session_id, None) is not None


def is_elliptical(question: str, labels: frozenset[str] = frozenset()) -> bool:
    """A question that names no topic of its own ("谁牵头?", "那12月呢?", "县里呢?"); the corpus's
    field labels (`field_labels`) name none either: "联系领导和分管副秘书长是谁" asks two fields of
    whatever the conversation is about.

    >>> is_elliptical("联系领导和分管副秘书长是谁?"), is_elliptical("联系领导和分管副秘书长是谁?", frozenset({"联系领导", "分管副秘书长"}))
    (False, True)
    >>> is_elliptical("西区二期策划研究的联系领导是谁?", frozenset({"联系领导"}))
    False
    >>> is_elliptical("这笔钱是从哪块资金里拿的?"), is_elliptical("这种情况下电动自行车能登记吗?")
    (True, True)
    """
    q = _Q_TAIL.sub("", question.strip())
    bare = q
    for label in sorted(labels, key=len, reverse=True):
        bare = bare.replace(label, "")
    return (q.endswith("呢") or bool(_ELLIPSIS_START.match(q)) or len(content(bare).replace("|", "")) <= 6
            or bool(re.search(r"那个|这个|该项|上述|上一版|上一批|上一轮|上次", q)) or bool(_POINTER_CLASSIFIER.match(q)))


# "这笔钱…", "这种牌…": a demonstrative with a classifier points back as 这个 does
_POINTER_CLASSIFIER = re.compile(r"[这那](?:笔|种|些|项|件|批|类|份|条|位|钱)")


_FIELD_LABEL = re.compile(r"(?:^|(?<=[\s。;;]))([\u4e00-\u9fff]{2,7})[::]", re.M)


def field_labels(text: str, least: int = 3) -> frozenset[str]:
    r"""The labels of the key:value lines a corpus prints in several places ("联系领导:", "牵头部门:",
    "完成时限:", "责任单位:" under each task of a plan): a field every such section has, so a question
    naming only fields names no topic. Printed once, a label ("宣传口号:") may well be a topic.

    >>> sorted(field_labels("一、甲\n牵头部门:市旅委\n二、乙\n牵头部门:市科技局\n三、丙\n牵头部门:市规划局\n宣传口号:有礼", 3))
    ['牵头部门']
    """
    counts = Counter(m.group(1) for m in _FIELD_LABEL.finditer(text))
    return frozenset(k for k, v in counts.items() if v >= least)


# a part asking only whether a date has passed ("现在过了没?", "到期没有?"): about the date the rest asks
_PASSED_Q = re.compile(r"过了|过期|到期")


def asks_only_passed(part: str) -> bool:
    return is_elliptical(part) and bool(_PASSED_Q.search(part))


def rewrite(question: str, previous: str | None, known_place: Callable[[str], bool] | None = None,
            topic: str | None = None, word_starts: Callable[[str], frozenset[int]] | None = None,
            rows: RowNames = (), labels: frozenset[str] = frozenset()) -> str:
    """Standalone form of a follow-up, given the previous standalone question; `known_place` says
    whether a name ("开化县") is a place the corpus prints (without it, only levels are swapped);
    `topic` is the conversation's (`carried_topic`), combined with a question that names only part of it;
    `word_starts` gives where a text's words begin (without it, a phrase may be cut anywhere);
    `rows` are the corpus's tables by their rows' names (qa.mentions), for a follow-up naming another row;
    `labels` its field labels (`field_labels`), which name no topic.

    >>> rewrite("那12月呢?", "6月12日哪些景区免费?")
    '12月哪些景区免费?'
    >>> rewrite("县里呢?", "市防指的防汛物资仓库要多大?")
    '县防指的防汛物资仓库要多大?'
    >>> rewrite("那明天呢?", "今天去三衢石林要门票吗?")
    '明天去三衢石林要门票吗?'
    >>> rewrite("那2020年呢?", "龙游县2018年研发经费目标多少?")
    '龙游县2020年研发经费目标多少?'
    >>> rewrite("那明年2027年呢?有说法吗?", "扶贫健康保险到2020年要建成什么样?")
    '扶贫健康保险到2027年要建成什么样?'
    >>> rewrite("那龙游的呢?", "先进个人里江山市的有哪几位?", lambda name: name in "江山市 龙游县")
    '先进个人里龙游县的有哪几位?'
    >>> rewrite("那10月9号呢?", "国庆节去龙游石窟要门票吗?")
    '10月9号去龙游石窟要门票吗?'
    >>> rewrite("那这周日呢?", "12月去景区哪几天免费?")
    '这周日去景区哪几天免费?'
    >>> rewrite("那12月呢?", "下周一去江郎山能免门票吗?")
    '12月去江郎山能免门票吗?'
    >>> rewrite("那科技馆呢,谁牵头?", "西区要建的那个科技大市场,是哪个单位牵头负责的?")
    '科技馆谁牵头?'
    >>> rewrite("那管理体制研究那个呢 啥时候完成", "西区二期策划研究谁牵头?")
    '管理体制研究啥时候完成?'
    >>> rewrite("那儒学小镇呢", "乌溪江取水口上移课题的完成时限?")
    '儒学小镇的完成时限?'
    >>> rewrite("那柯城区要出多少?", "畜牧业示范市创建市里一共安排多少钱?", lambda name: name == "柯城区")
    '畜牧业示范市创建柯城区一共安排多少钱?'
    """
    if not previous or not is_elliptical(question, labels):
        return question
    q = _Q_TAIL.sub("", _ELLIPSIS_START.sub("", question.strip())).rstrip("呢").strip()
    new_date = _DATE.search(q)
    old_date = _DATE.search(previous)
    if new_date and old_date:
        return previous[: old_date.start()] + new_date.group(0) + previous[old_date.end():]
    # another day: "那明天呢?" after "今天去三衢石林要门票吗?" (a relative day, a weekday, a holiday)
    new_days, old_days = date_spans(q), date_spans(previous)
    if new_days and old_days:
        (a, b), (c, d) = new_days[-1], old_days[-1]
        d += previous[d:d + 1] == "节"  # "国庆节": the holiday's name with its 节
        return previous[:c] + q[a:b] + previous[d:]
    # a day after a month: "那这周日呢?" after "12月去景区哪几天免费?"
    if new_days and old_date:
        a, b = new_days[-1]
        return previous[: old_date.start()] + q[a:b] + previous[old_date.end():]
    # …and a month or a date after a day: "那12月呢?" after "下周一去江郎山能免门票吗?"
    if new_date and old_days:
        c, d = old_days[-1]
        d += previous[d:d + 1] == "节"
        return previous[:c] + new_date.group(0) + previous[d:]
    # another year of the same thing: "那2020年呢?" after "…2018年研发经费目标多少?"
    # the year may come with the relative word it spells out, or before a second ask: "那明年2027年呢?
    # 有说法吗?" names 2027
    head = re.split(r"呢|[??]", q, maxsplit=1)[0]
    # …with the word that marks it a target ("到2025年呢?" after "…到2020年比2015年要降多少?"): the
    # previous year marked the same way is the one replaced
    head = RELATIVE_YEAR_Q.sub("", head).strip()
    new_year = _YEAR.search(head)
    if new_year and _YEAR_LEAD.fullmatch(head[: new_year.start()]) and not head[new_year.end():]:
        lead = head[: new_year.start()]
        olds = list(_YEAR.finditer(previous))
        old_year = next((o for o in olds if lead and previous[: o.start()].endswith(lead)), olds[0] if olds else None)
        if old_year:
            return previous[: old_year.start()] + new_year.group(0) + previous[old_year.end():]
    if known_place is not None:
        # the place may be said before 呢 and an ask the previous question already asks ("那常山呢?一共几个?")
        swapped = _swap_place(q, previous, known_place) or ("呢" in q and _swap_place(q.split("呢", 1)[0], previous, known_place))
        # …or before a short ask of the same kind as the previous one ("那柯城区要出多少?" after "…市里一共
        # 安排多少钱?"): the previous question, asked of that place
        if not swapped and _ASKS_AMOUNT.search(previous):
            swapped = next((s for k in (4, 3, 2) if _ASKS_AMOUNT.fullmatch(q[k:])
                            and (s := _swap_place(q[:k], previous, known_place))), None)
        if swapped:
            return swapped
    swapped = swap_row(q, previous, rows) or swap_row_for_kind(q, previous, rows)
    if swapped:
        return swapped
    prev_year = re.search(r"(20\d\d)\s*年", previous)
    for word, delta in RELATIVE_YEARS.items():  # against the previous question's year
        if word in q and prev_year:
            year = int(prev_year.group(1)) + delta
            return previous[: prev_year.start()] + f"{year}年" + previous[prev_year.end():]
    new_ord, old_ord = _ORDINAL.search(q), _ORDINAL.search(previous)
    if new_ord and old_ord and new_ord.group(1) == old_ord.group(1) and len(q) <= len(new_ord.group(0)) + 2:
        return previous[: old_ord.start()] + new_ord.group(0) + previous[old_ord.end():]
    new_place = _LEVEL.search(q)
    old_place = _LEVEL.search(previous)
    if new_place and old_place and new_place.group(0) != old_place.group(0) and len(q) <= len(new_place.group(0)) + 2:
        # the gazette's level words: 村 is 行政村 (as against 自然村)
        place = {"县里": "县", "市里": "市", "县级": "县", "市级": "市", "村里": "行政村", "村": "行政村",
                 "乡里": "乡"}.get(new_place.group(0), new_place.group(0))
        return previous[: old_place.start()] + place + previous[old_place.end():]
    # another thing, asked of in the follow-up's own words ("那科技馆呢,谁牵头?", "那管理体制研究那个呢 啥时
    # 候完成"): that thing and that ask, not the previous question with both spliced in
    thing, said, ask = q.partition("呢")
    thing = _POINTER_TAIL.sub("", thing)
    # (not another year or day of the same thing, "那2014年那版呢?还算数吗?", swapped as the ones above)
    if (said and len(thing) >= 2 and ASK_WORD.search(ask) and not ASK_WORD.search(thing) and thing not in ask
            and not re.search(r"\d|年", thing) and not date_spans(thing)):
        return f"{thing}{ask.lstrip(',,??;; ')}?"
    swapped = (_swap_phrase(q, previous, word_starts) or _swap_head(q, previous) or _swap_kind(q, previous)
               or _swap_modifier(q, previous))
    if swapped:
        return swapped
    # a thing named in place of the one whose attribute the previous question asked without a question
    # word ("那儒学小镇呢?" after "乌溪江取水口上移课题的完成时限?"): that attribute of the thing named
    attribute = _ATTRIBUTE_ASKED.search(previous)
    if attribute and not WH_WORD.search(previous) and not ASK_WORD.search(q) and not _CONDITION.search(q) and 2 <= len(q) <= 12:
        return f"{_POINTER_TAIL.sub('', q)}的{attribute.group(1)}?"
    combined = combine(q, previous, topic, pointed=bool(_POINTED.match(question.strip())))
    # a thing named in place of what was asked about ("那阿贵饭店呢?" after "…那个交通隐患计划啥时
    # 候弄好?") is asked the same: the previous ask follows it. Not a circumstance ("发票找不着了呢?",
    # "要是车被偷了呢?"), which asks what then
    ask = WH_WORD.search(previous)
    if ask and not any(p.search(q) for p in (ASK_WORD, _A_NOT_A, _CONDITION)) and not ASK_WORD.search(combined):
        return combined.rstrip("?") + previous[ask.start():]
    return combined


# what a question without a question word asks of its thing: the noun after its last 的 ("…课题的完成时限?")
_ATTRIBUTE_ASKED = re.compile(r"的([\u4e00-\u9fff]{2,6})[??]?$")
# a word pointing back at the thing just named ("管理体制研究那个", "上市这块")
_POINTER_TAIL = re.compile(r"(?:那个|这个|那块|这块|这一块|方面|的)$")
# a follow-up that asks by itself without a question word ("那银行支持情况会不会考核", "…那个目标呢,到期
# 没": a train and a time-train dialog turn)
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])不\1|没有?$")
# a circumstance the follow-up states ("发票找不着了", "要是车被偷了", "那车找回来以后": eight train
# dialog turns)
_CONDITION = re.compile(r"了|要是|如果|万一|假如|以后|之后")


# a short ask of an amount ("要出多少", "有几个"), which a follow-up naming a place may repeat
_ASKS_AMOUNT = re.compile(r"[\u4e00-\u9fff]{0,4}(?:多少|几)[\u4e00-\u9fff]{0,2}")


def _swap_place(q: str, previous: str, known_place: Callable[[str], bool]) -> str | None:
    """"那龙游的呢?" after "…里江山市的有哪几位?": the follow-up names another place the corpus knows
    (by its full name, or by its name without the level suffix) in place of the previous question's
    last one, which may itself be said without its suffix ("龙游2017年研发经费…") or be the whole city
    ("…到2020年全市目标" → 龙游县's). A year after the place ("那开化到2020年呢?") replaces the
    previous question's year as well.

    >>> places = lambda name: name in "江山市 龙游县 开化县"
    >>> _swap_place("开化", "龙游2017年研发经费支出目标多少?", places)
    '开化2017年研发经费支出目标多少?'
    >>> _swap_place("开化到2020年", "龙游2017年研发经费支出目标多少?", places)
    '开化到2020年研发经费支出目标多少?'
    >>> _swap_place("龙游县的", "研发人员数到2020年全市目标是多少?", places)
    '研发人员数到2020年龙游县目标是多少?'
    >>> _swap_place("开化县", "畜牧业绿色发展示范市的钱,市财政出多少?", places)
    '畜牧业绿色发展示范市的钱,开化县财政出多少?'
    >>> _swap_place("开化", "我是龙游的,龙游2017年研发经费支出目标是多少亿?", places)
    '开化2017年研发经费支出目标是多少亿?'
    >>> _swap_place("开化县", "我听讲市里在搞畜牧业绿色发展示范市,市财政出多少钱啊?", places)
    '我听讲市里在搞畜牧业绿色发展示范市,开化县财政出多少钱啊?'
    >>> _swap_place("开化县", "畜牧业示范市创建市里一共安排多少钱?", places)
    '畜牧业示范市创建开化县一共安排多少钱?'
    """
    m = _PLACE_YEAR.fullmatch(q)
    name, new_year = (m.group(1), m.group(2)) if m else (q, None)
    name = name.removesuffix("的")
    if _NAMED.fullmatch(name) and known_place(name):
        new = name
    else:
        new = next((name + s for s in LEVEL_SUFFIXES if 2 <= len(name) <= 3 and known_place(name + s)), None)
    if new is None:
        return None
    # the place replaced is a division of China: a word the corpus prints that only ends like one
    # ("示范市" of 畜牧业绿色发展示范市) is no place, though the follow-up may name one ("集聚区呢?")
    divisions = _division_full_names()
    old = [(m.start(), m.end()) for m in _NAMED.finditer(previous) if m.group(0) in divisions and known_place(m.group(0))]
    if not old:
        # a place said without its suffix ("龙游", "江山"): two characters that, with a suffix, are the
        # name of a division of China the corpus prints (not "高新" of 高新区, "创建" of 创建省级…)
        old = [(i, i + 2) for i in range(len(previous) - 1)
               if any((w := previous[i:i + 2] + s) in divisions and known_place(w) for s in LEVEL_SUFFIXES)]
    named = bool(old)  # the place replaced is named, not the city by its level
    if not old:
        # the whole city's figure, or the city's or a county's own part ("市财政出多少?", "…,市里出多少?"),
        # asked next of one place
        city = re.search(r"全市", previous) or next(reversed(list(_LEVEL_SUBJECT.finditer(previous))), None)
        old = [(city.start(), city.end())] if city else []
    if not old:
        return None
    a, b = max(old)
    if previous[a:b] in (new, name) and not new_year:
        return None
    # a stem replaced by a stem ("龙游" → "开化"), else by the full name; the same place with a year
    # ("开化到2020年呢?" after "…开化2017年…") keeps the place and replaces the year. Where the asker
    # said they are from the old place ("我是龙游的,龙游2017年…"), that clause would name it beside the
    # new one: another place is asked about, and the clause goes (not one that says what they heard,
    # "我听讲市里在搞畜牧业绿色发展示范市,…", which holds the topic)
    swapped = previous[:a] + (name if b - a == 2 and len(name) == 2 else new) + previous[b:]
    if named:
        swapped = _without_own_clauses(swapped, naming=previous[a:b])
    if new_year:
        olds = list(_YEAR_LED.finditer(swapped))
        if not olds:
            return None
        o = olds[0]
        swapped = swapped[: o.start()] + new_year + swapped[o.end():]
    return swapped


@lru_cache(maxsize=1)
def _division_full_names() -> frozenset[str]:
    return division_names()[0]


# a level of government opening a clause as its subject: "市财政出多少", "…,县里要出多少" (four train
# dialog turns and a gold one ask "那衢江区呢?" after "…市财政出多少"); 市里/县里 anywhere in it ("畜牧业示范市
# 创建市里一共安排多少钱?"), but not a city's own words (城市里)
_LEVEL_SUBJECT = re.compile(r"(?:^|(?<=[,;\s]))(?:市里|县里|市|县)(?=[\u4e00-\u9fff])|(?<![城都])(?:市里|县里)(?=[\u4e00-\u9fff])")
_YEAR_LED = re.compile(r"(?:到|至|在)?" + _YEAR.pattern)  # a year with the word that marks it a target
_PLACE_YEAR = re.compile(rf"(.+?)({_YEAR_LED.pattern})?的?")  # "开化到2020年": a place, then a year


def _swap_kind(q: str, previous: str) -> str | None:
    """"消防的呢?" after "工矿类重大隐患整改后由谁牵头验收?": the follow-up names another kind (类)
    of the same thing, in place of the previous question's.

    >>> _swap_kind("消防的", "工矿类重大隐患整改后由谁牵头验收?")
    '消防类重大隐患整改后由谁牵头验收?'
    >>> _swap_kind("消防的", "重大隐患整改后由谁牵头验收?") is None
    True
    >>> _swap_kind("费用", "工矿类重大隐患整改后由谁牵头验收?") is None
    True
    """
    m = re.fullmatch(r"([\u4e00-\u9fff]{2,4}?)(?:类的|类|的)", q)  # "消防的", "道路类的": a kind, not "费用"
    old = re.search(r"[\u4e00-\u9fff]{2}类", previous)
    if not m or not old or m.group(1) + "类" == old.group(0):
        return None
    return previous[: old.start()] + m.group(1) + "类" + previous[old.end():]


# a modifier phrase ending in 的 before the noun it qualifies, from the start of a clause or after
# a word that ends a phrase ("工矿企业的(重大隐患)", "威胁30到100个人的(地灾隐患点)", "…统一监管的(…模式)";
# five train dialog turns and a dev one answer with such a modifier)
_MODIFIER = re.compile(r"(?:^|(?<=[,;\s里中]))[^,;\s?]{2,24}?的(?=[\u4e00-\u9fff])")


def _swap_modifier(q: str, previous: str) -> str | None:
    """"那消防的呢?" after "工矿企业的重大隐患整改完了谁来验收?": a follow-up that is a modifier
    (it ends in 的) replaces the previous question's first modifier of the thing asked about, before
    its ask, and keeps the ask ("消防的重大隐患整改完了谁来验收?").

    >>> _swap_modifier("消防的", "工矿企业的重大隐患整改完了谁来验收?")
    '消防的重大隐患整改完了谁来验收?'
    >>> _swap_modifier("30人以下的", "威胁30到100个人的地灾隐患点治理好了,谁来核销?")
    '30人以下的地灾隐患点治理好了,谁来核销?'
    >>> _swap_modifier("消防的", "这块改革是哪个部门牵头的?") is None  # its only 的 comes after the ask
    True
    """
    if len(q) < 3 or not q.endswith("的") or ASK_WORD.search(q):
        return None
    ask = ASK_WORD.search(previous)
    m = _MODIFIER.search(previous, 0, ask.start() if ask else len(previous))
    if not m or m.group(0) == q or re.match(FORMS["own"], m.group(0)):
        return None
    return previous[: m.start()] + q + previous[m.end():]


_ORDINAL_REF = re.compile(r"^(?:那么?)?(?:第([一二三四五六七八九十\d]+)|(最后一))个?(项|家|条|步|阶段|批)?")


def resolve_ordinal(question: str, previous: str | None, items: tuple[str, ...]) -> str:
    """"第一个由谁牵头?" after a list answer names the first item; "最后一个阶段呢?" after "第二阶段…"
    becomes "第三阶段呢?" (the list had three), which the ordinal swap of `rewrite` then places.

    >>> resolve_ordinal("第一个由谁牵头?", "三大孵化基地是哪些?", ("1. 着力推进海创园建设。", "2. 张江"))
    '着力推进海创园建设由谁牵头?'
    >>> resolve_ordinal("最后一个阶段呢?", "第二阶段到什么时候?", ("(一)部署阶段", "(二)推进阶段", "(三)总结阶段"))
    '第三阶段呢?'
    >>> resolve_ordinal("第二个工程呢?", "…的专利清零工程谁负责?", ("(一)实施专利清零工程", "(二)实施“三强一制造”工程"))
    '实施“三强一制造”工程呢?'
    """
    m = _ORDINAL_REF.match(question.strip())
    if not m or not items:
        return question
    n = len(items) if m.group(2) else cn_to_int(m.group(1))
    if not n or n > len(items):
        return question
    noun = m.group(3) or ""
    old = _ORDINAL.search(previous or "")
    if old and noun and old.group(1) == noun:
        return question.replace(m.group(0), f"第{int_to_cn(n)}{noun}", 1)
    name = _item_name(items[n - 1])
    # the noun after the ordinal that the item's name ends with goes with it: "第二个工程呢?" names
    # "实施“三强一制造”工程", not "实施“三强一制造”工程工程"
    rest = question.strip()[m.end():]
    said = next((rest[:k] for k in (4, 3, 2) if _CJK_RUN.fullmatch(rest[:k]) and name.endswith(rest[:k])), "")
    return question.replace(m.group(0) + said, name, 1)


_ORDINAL_NOUN = re.compile(r"第([一二三四五六七八九十\d]+)个([\u4e00-\u9fff]{2})")


def point_into(text: str, items: tuple[str, ...]) -> str:
    """A follow-up's standalone form naming "第N个X" of the list the conversation last answered from
    names that list's Nth item, when the item is an X ("…方案里的第一个工程是哪些部门负责?" after "第一项为:
    (一)实施规上工业企业专利清零工程" → "…方案里的实施规上工业企业专利清零工程是哪些部门负责?").

    >>> point_into("方案里的第二个工程呢?", ("(一)实施专利清零工程", "(二)实施“三强一制造”工程"))
    '方案里的实施“三强一制造”工程呢?'
    >>> point_into("第二个阶段呢?", ("(一)实施专利清零工程", "(二)实施“三强一制造”工程"))
    '第二个阶段呢?'
    """
    m = _ORDINAL_NOUN.search(text)
    if not m or not items:
        return text
    n = cn_to_int(m.group(1))
    if not n or n > len(items) or m.group(2) not in items[n - 1]:
        return text
    return text[: m.start()] + _item_name(items[n - 1]) + text[m.end():]


def _item_name(item: str) -> str:
    """An outline item as a name: numbering, a trailing bracketed note and the full stop dropped."""
    name = re.sub(r"^\s*(?:[((][一二三四五六七八九十\d]+[))]|\d+[\.、]|[一二三四五六七八九十]+、)\s*", "", item)
    return re.sub(r"(?:[((][^()()]*[))])?[。;;]?$", "", name.strip())


def _swap_phrase(fragment: str, previous: str, word_starts: Callable[[str], frozenset[int]] | None = None) -> str | None:
    """"副主任呢?" after "…管委会主任是谁?" → "…管委会副主任是谁?"; "防汛防台的办法呢?" after
    "地质灾害防治管理办法什么时候施行?" → "防汛防台的办法什么时候施行?" (the shared head noun).
    The phrase replaced starts after a word that ends a phrase (的, 里, 中…), and takes in the things
    coordinated with it ("金融资产、股权类的" is one phrase).

    >>> _swap_phrase("“浙江制造”认证的产品", "知识产权示范城市方案里浙江名牌产品要新增多少个?")
    '知识产权示范城市方案里“浙江制造”认证的产品要新增多少个?'
    >>> _swap_phrase("商品类的", "金融资产、股权类的交易场所,啥样的人才能参与交易?")
    '商品类的交易场所,啥样的人才能参与交易?'
    >>> _swap_phrase("1238计划的领导小组办公室", "中国制造2025衢州行动的领导小组办公室设在哪?")
    '1238计划的领导小组办公室设在哪?'
    """
    f = fragment
    for k in range(min(len(f), 6), 1, -1):
        tail = f[-k:]
        at = previous.find(tail)
        # a number's last digits are no phrase: "5年" in "2015年"; nor is an ask that goes on to name what
        # it counts ("受威胁的人有多少?" after "衢江区有多少个地质灾害隐患点?" shares 有多少, not a noun)
        if at < 0 or (at > 0 and tail[0].isdigit() and previous[at - 1].isdigit()) \
                or (ASK_WORD.search(tail) and _COUNTED_REST.match(previous, at + k)):
            continue
        if len(f) - k <= 1:  # a modifier in front of the same noun: 副主任 for 主任
            return previous[:at] + f + previous[at + k:]
        # the fragment opens as the phrase it replaces does ("威胁20个人的" for "威胁150个人的"): from there
        opens = previous.rfind(f[:2], 0, at)
        if opens >= 0 and at - opens <= len(f):
            return previous[:opens] + f + previous[at + k:]
        start = _walk_back(previous, at, 12, r"[\u4e00-\u9fff“”、]", _PHRASE_END)
        # a fragment with its own possessor ("1238计划的领导小组办公室") replaces the previous one's too
        # ("中国制造2025衢州行动的领导小组办公室"), not only the words after it
        if "的" in f[:-k] and previous[start - 1: start] == "的":
            owner = _walk_back(previous, start - 1, 15, r"[\u4e00-\u9fff\d“”、]", "的是")
            if word_starts is None or owner in word_starts(previous):
                start = owner
        if word_starts is not None and start not in word_starts(previous):
            # the walk stopped inside a word ("除|险安居…", "江|山市区"): no phrase begins there, and
            # replacing from it leaves half a word ("除10人以下的隐患点…"; a train and two time-train turns)
            return None
        return previous[:start] + f + previous[at + k:]
    return None


_PHRASE_END = "的是在和与及里中"


def _walk_back(text: str, end: int, longest: int, chars: str, stops: str) -> int:
    """Where a phrase of `text` ending at `end` begins: back over characters matching `chars`, at most
    `longest` of them, stopping after any of `stops`."""
    start = end
    while start > 0 and end - start < longest and re.match(chars, text[start - 1]) and text[start - 1] not in stops:
        start -= 1
    return start


def _swap_head(fragment: str, previous: str) -> str | None:
    """"研发人员呢?" after "龙游县2020年研发经费目标多少?" → "龙游县2020年研发人员目标多少?": a word of
    the previous question that begins as the fragment does (研发…), of the fragment's length, is the
    one it replaces ("先进个人呢?" after "…先进集体有哪些?").

    >>> _swap_head("研发人员", "龙游县2020年研发经费目标多少?")
    '龙游县2020年研发人员目标多少?'
    >>> _swap_head("工作总结", "交易场所回头看的进展报给谁?") is None
    True
    """
    f = fragment
    if not 3 <= len(f) <= 6 or not _CJK_RUN.fullmatch(f):
        return None
    for k in range(len(f) - 1, 1, -1):
        at = previous.find(f[:k])
        if at < 0:
            continue
        old = previous[at: at + len(f)]
        if old == f or not _CJK_RUN.fullmatch(old) or len(old) < len(f):
            return None
        return previous[:at] + f + previous[at + len(f):]
    return None


# an adverb ending a question's topic, with the one-character verb after it ("…都保(哪些情况)")
_TOPIC_ADVERB = re.compile(rf"(?:{FORMS['topic_adverb']})[\u4e00-\u9fff]?$")


# a clause with no subject of its own: it points back ("这个要不要去办…") or starts at its verb ("是怎么…")
_ELIDED_SUBJECT = re.compile(r"(?:这个|那个|这|那|它|该|是)")
# the thing a clause introduces with a count word, to its end: "…有个|余杭柯城未来村", "…买了一辆|旧电瓶车"
_INTRODUCED = re.compile(r"(?:一|有)(?:个|辆|台|家|套|处|份|座|条|块)([\u4e00-\u9fff“”]{2,16})$")


def _without_own_clauses(text: str, naming: str = "") -> str:
    """The text without the clauses it opens with in which the asker speaks of themself (with
    `naming`, only those that name it)."""
    clauses = re.split(r"(?<=[,;])", text)
    while len(clauses) > 1 and re.match(FORMS["own"], clauses[0]) and naming in clauses[0]:
        clauses.pop(0)
    return "".join(clauses)


# a count's classifier and the noun phrase it counts, to the end of the clause: "多少个|地质灾害隐患点"
_COUNTED_REST = re.compile(r"(?:个|家|名|项|处|件|条|种|类|位|批|所)([\u4e00-\u9fff]{2,12}?)[啊呀呢吧]?(?:[,;?]|$)")
_COUNTED_PHRASE = re.compile(r"(?:多少|几)" + _COUNTED_REST.pattern)


def topic_of(question: str) -> str:
    """What a question is about: its text before its own ask, without a clause in which the asker
    speaks of themself ("我家是低保户,…": their circumstance, not the topic).

    >>> topic_of("我家是低保户,扶贫健康保险都保哪些情况?")
    '扶贫健康保险'
    >>> topic_of("衢江区有多少个地质灾害隐患点?")
    '衢江区地质灾害隐患点'
    >>> topic_of("市金融办在哪?")
    '市金融办'
    >>> topic_of("我听说有个余杭柯城未来村,是怎么个合作法子?")
    '余杭柯城未来村'
    >>> topic_of("最多跑一次说网上办事,是按啥模式来办的?")
    '最多跑一次说网上办事'
    """
    asked = _Q_TAIL.sub("", question)
    prev = _without_own_clauses(asked)
    if prev != asked and _ELIDED_SUBJECT.match(prev):
        # the asker's clause introduced what the rest points back at ("我听说有个余杭柯城未来村,是怎么个
        # 合作法子?", "我…买了一辆上过牌的旧电瓶车,这个要不要去办什么手续?"): that thing is the topic
        introduced = _INTRODUCED.search(asked[: len(asked) - len(prev)].rstrip(",;"))
        if introduced:
            return introduced.group(1)
    m = ASK_WORD.search(prev)
    topic = prev[: m.start()] if m and m.start() >= 4 else prev
    topic = topic.rstrip("分有是要的在和,,")
    # a last clause that starts at its verb ("最多跑一次说网上办事,是按(啥模式来办的)") is the ask's own
    # predicate: the topic is what the clauses before it name
    head, _, last = topic.rpartition(",")
    if head and last.startswith("是") and len(last) <= 4:
        topic = head.rstrip(",")
    # what a how-many question counts is its topic too: "衢江区有多少个地质灾害隐患点" is about 衢江区's
    # 地质灾害隐患点, which "其中重大的有几个?" goes on to ask about
    counted = _COUNTED_PHRASE.match(prev, m.start()) if m and topic != prev else None
    if counted:
        topic = re.sub(r"(?:一共|总共|共计)$", "", topic) + counted.group(1)
    # the previous ask's own verb is not topic: "电动自行车上牌要带(什么材料)" → 电动自行车上牌; 办 only
    # after a modal ("要办"), as a bare 办 ends a body's name ("市金融办(地址是多少)")
    topic = re.sub(r"(?:(?:需要|应当|要|需|应|得)(?:带|交|提交|准备|办)?|带|交|提交|准备)$", "", topic) or topic
    # …nor an adverb and the one-character verb after it: "扶贫健康保险都保(哪些情况)" → 扶贫健康保险
    return _TOPIC_ADVERB.sub("", topic) or topic


def carried_topic(standalone: str, follow_up: bool, topic: str | None) -> str:
    """The topic the next follow-up carries: the conversation's, while a follow-up names only part of
    it (its standalone form starts with that topic); else what this question is about."""
    if follow_up and topic and standalone.startswith(topic):
        return topic
    return topic_of(standalone)


_POINTED = re.compile(r"(?:那么?)?(?:这个|那个)")


def combine(question: str, previous: str, topic: str | None = None, pointed: bool | None = None) -> str:
    """Carry the previous topic (`topic`, or the previous question's: `topic_of`) into a question that
    names only part of it: "什么时候要完成?" after "“衢州有礼”区域品牌课题谁牵头?". The topic a
    conversation carries is the one it started with: a follow-up's standalone form ("扶贫健康保险保费
    要我们自己出吗?") is not the topic of the next.

    >>> combine("那保费要我们自己出吗?", "扶贫健康保险都保哪些情况?")
    '扶贫健康保险保费要我们自己出吗?'
    >>> combine("那个保费要我们自己出吗?", "扶贫健康保险都保哪些情况?")
    '扶贫健康保险保费要我们自己出吗?'
    >>> combine("那这个工程是哪些部门负责?", "知识产权示范城市方案里的第一个工程是啥?")
    '知识产权示范城市方案里的第一个工程是哪些部门负责?'
    >>> combine("这个工程是哪些部门负责?", "知识产权示范城市方案里的第一个工程是啥?")
    '知识产权示范城市方案里的第一个工程是哪些部门负责?'
    >>> combine("衢江区里重大的有几个?", "衢江区有多少个地质灾害隐患点?")
    '衢江区地质灾害隐患点里重大的有几个?'
    >>> combine("常山改建的有几个?", "常山县2017年要建多少个避灾安置场所?")
    '常山县2017年要建避灾安置场所改建的有几个?'
    >>> combine("这个计划哪天印发的?", "“1238”那个计划,发明专利授权量总数达到857件是到哪年?")
    '“1238”那个计划哪天印发的?'
    """
    topic = topic or topic_of(previous)
    q = _Q_TAIL.sub("", _ELLIPSIS_START.sub("", question.strip()))
    if topic in q:
        return f"{q}?"
    # the question opens with words the topic opens with ("衢江区里重大的有几个?" about 衢江区地质灾害
    # 隐患点): the rest of the topic follows them, said once (not a year's digits: 2016年 and 2014年)
    j = next((j for j in range(min(len(topic), len(q)) - 1, 2, -1)
              if q.startswith(topic[:j]) and _CJK_RUN.fullmatch(topic[:j])), 0)
    if j:
        return f"{q[:j]}{topic[j:]}{q[j:]}?"
    # "那这个工程是哪些部门负责?" after "…方案里的第一个工程是啥?": the noun "这个" pointed with is the
    # topic's own head, said once
    k = next((k for k in range(min(4, len(q)), 1, -1) if topic.endswith(q[:k])), 0)
    # …and a place the topic names in full, said again by its stem ("常山改建的有几个?" about 常山县2017年
    # 要建的避灾安置场所): said once
    k = k or next((k for k in range(min(4, len(q) - 1), 1, -1)
                   if _CJK_RUN.fullmatch(q[:k]) and re.search(re.escape(q[:k]) + "[县市区]", topic)), 0)
    if pointed is None:  # whether the question opened with 这个/那个 (`rewrite` has stripped it from its own)
        pointed = bool(_POINTED.match(question.strip()))
    if not k and pointed:
        # "这个计划哪天印发的?" after "“1238”那个计划,发明专利授权量总数达到857件是到哪年?": what 这个 points
        # at is the topic's phrase that ends with the noun it names, not all the words before the ask
        at = next((at for j in range(min(4, len(q) - 1), 1, -1)
                   if _CJK_RUN.fullmatch(q[:j]) and (at := topic.rfind(q[:j])) > 0), 0)
        if at:
            return f"{topic[:at]}{q}?"
    return f"{topic}{q[k:]}?"
