"""Seeded adversarial questions: the inputs that cost the most per character, for `make bench`
(worst-case cost per question) and `make load` (one adversarial client among normal ones).

Every question is at most `limit` characters (the service's own limit), so each is one a polite
client may send. Families, each aimed at a step whose cost grows with its input:

- cjk: random CJK of every length 1..limit (jieba's HMM, the encoder, sentence scoring)
- run: one character repeated (regexes with repetition, DAG segmentation)
- digits: long digit runs, with and without separators (the tokeniser's number and date pass)
- docno: many 文号 (the 文号 gate and the tokeniser's 文号 pattern)
- dates: many dates in every written form (date parsing, the free-day skill)
- mixed: Latin, Cyrillic, Greek, Arabic, Hangul, kana and Han mixed
- emoji: emoji, skin tones and ZWJ sequences, alone and between words
- punct: punctuation floods, among them "?" and ";" which split a question into parts
- parts: real questions joined into one ("A?B?C?…": every part is answered)
- regex: fragments the answering regexes look for (哪天…施行, (共N家), 第N条, 多少…), repeated
"""
from __future__ import annotations

import random

MAX_CHARS = 500  # qa.limits.MAX_QUESTION; repeated here so that load.py needs no project import
FAMILY_SIZE = 60  # questions per family besides cjk (which has one per length)

_RUN_CHARS = "市的一号年月日区第?1a〔(哪多" + "\u3000"
_SCRIPTS = (
    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "αβγδεζηθικλμνξοπρστυφχψω",
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "가나다라마바사아자차카타파하한국어",
    "あいうえおかきくけこさしすせそアイウエオカキクケコ",
    "衢州市政府公报景区免费电动自行车登记",
    "0123456789",
)
_EMOJI = ["😀", "🙏", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "❤️", "🇨🇳", "🤔", "🔥", "1️⃣"]
_PUNCT = "??!!。,,、;;::“”\"'()()【】《》…—~·-_/\\|@#$%^&*+=<>"
_ISSUERS = ["衢政发", "衢政办发", "浙政发", "国发", "衢市委", "清整联办", "衢政办函", "龙政发"]
_FRAGMENTS = [
    "哪天开始施行", "什么时候印发", "(共36家)", "第十八条", "第18条", "多少万元", "几个工作日", "哪些景区",
    "最多", "分别", "哪个先发", "5月19日", "2017年", "一共多少", "在哪里", "谁负责", "县里呢", "第二阶段",
]
_NORMAL = [
    "6月12日哪些景区免费?", "市防指的防汛物资仓库要多大?", "龙游县2018年研发经费支出是多少?",
    "电动自行车登记需要哪些材料?", "农贸市场转型升级分几个阶段?", "地方志工作的主要任务是什么?",
    "扶贫健康保险的保障对象是谁?", "食品安全社会共治有哪些措施?", "全球免费游衢州活动一共免费多少天?",
]


def _cjk(rng: random.Random, n: int) -> str:
    return "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(n))


def _fill(rng: random.Random, make, limit: int) -> str:
    """Pieces from `make()` joined until a random length up to `limit` is reached."""
    target = rng.randint(limit // 4, limit)
    out = ""
    while len(out) < target:
        out += make()
    return out[:target]


def _date(rng: random.Random) -> str:
    m, d = rng.randint(1, 12), rng.randint(1, 31)
    cn = "〇一二三四五六七八九十"
    forms = [f"{m}月{d}日", f"{m}月{d}号", f"2017-{m:02d}-{d:02d}", f"{m}.{d}", f"{cn[m] if m <= 10 else '十' + cn[m - 10]}月",
             f"{rng.randint(1990, 2030)}年", f"{m}月{d}日至{m}月{min(31, d + 3)}日", "二〇一七年"]
    return rng.choice(forms) + rng.choice(["", "、", ",", "和", " "])


def adversarial_questions(seed: int = 20170201, limit: int = MAX_CHARS,
                          per_family: int = FAMILY_SIZE) -> list[tuple[str, str]]:
    """(family, question) pairs: `limit` random-CJK questions (every length 1..limit) and
    `per_family` of each other family; the same list for the same seed."""
    rng = random.Random(seed)
    out: list[tuple[str, str]] = [("cjk", _cjk(rng, n)) for n in range(1, limit + 1)]
    makers = {
        "run": lambda: rng.choice(_RUN_CHARS) * rng.randint(limit // 2, limit),
        "digits": lambda: _fill(rng, lambda: "".join(rng.choices("0123456789", k=rng.randint(1, 40)))
                                + rng.choice(["", " ", "-", ".", "/", "年", "号", ","]), limit),
        "docno": lambda: _fill(rng, lambda: f"{rng.choice(_ISSUERS)}{rng.choice('〔[［【(')}{rng.randint(1990, 2030)}"
                                            f"{rng.choice('〕]］】)')}{rng.randint(1, 300)}号" + rng.choice(["", "和", "、", "?"]),
                               limit),
        "dates": lambda: _fill(rng, lambda: _date(rng), limit),
        "mixed": lambda: _fill(rng, lambda: "".join(rng.choices(rng.choice(_SCRIPTS), k=rng.randint(1, 12))), limit),
        "emoji": lambda: _fill(rng, lambda: rng.choice(_EMOJI) + (_cjk(rng, rng.randint(0, 3)) if rng.random() < 0.5 else ""),
                               limit),
        "punct": lambda: _fill(rng, lambda: rng.choice(_PUNCT) * rng.randint(1, 5)
                               + (_cjk(rng, rng.randint(1, 3)) if rng.random() < 0.3 else ""), limit),
        "parts": lambda: _fill(rng, lambda: rng.choice(_NORMAL), limit),
        "regex": lambda: _fill(rng, lambda: rng.choice(_FRAGMENTS) + _cjk(rng, rng.randint(0, 4)), limit),
    }
    for family, make in makers.items():
        out += [(family, make()) for _ in range(per_family)]
    return out
