"""Small pure text helpers shared by parsing, chunking and citation checks."""
from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")
# a 文号 as printed or typed: issuer, year in any bracket, number
DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{2,8}?)\s*[〔\[［【(（]\s*(\d{4})\s*[〕\]］】)）]\s*(\d+)\s*号")
CN_DIGITS = "零一二三四五六七八九"


def squeeze(text: str) -> str:
    """Remove all whitespace: the form in which source text and extracted text are compared."""
    return _WS.sub("", text)


def fold(text: str) -> str:
    """Full-width ASCII to half-width, keeping CJK punctuation (,。:; stay as printed)."""
    return unicodedata.normalize("NFKC", text)


def normalize_doc_number(number: str) -> str:
    """The document key: 文号 with 〔〕 and no spaces.

    >>> normalize_doc_number("衢政办发[2017]14号")
    '衢政办发〔2017〕14号'
    """
    m = DOC_NUMBER.search(number.strip())
    if not m:
        return squeeze(number)
    return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"


def join_cjk(text: str) -> str:
    """Drop spaces that PDF extraction put between CJK characters (wrapped titles, table cells)."""
    text = text.strip()
    return re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", text)


def cn_to_int(s: str) -> int | None:
    """Chinese numerals up to 9999 ("十八" → 18, "二十三" → 23); digits pass through."""
    s = s.strip()
    if s.isdigit():
        return int(s)
    units = {"十": 10, "百": 100, "千": 1000}
    total, num = 0, 0
    for ch in s:
        if ch in CN_DIGITS:
            num = CN_DIGITS.index(ch)
        elif ch == "两":
            num = 2
        elif ch in units:
            total += (num or 1) * units[ch]
            num = 0
        else:
            return None
    return total + num


# an article or a chapter by its number, as printed or typed in digits: "第六条", "第6条", "第四章"
ARTICLE = re.compile(r"第([一二三四五六七八九十百零〇两\d]{1,4})条")
CHAPTER = re.compile(r"第([一二三四五六七八九十零〇两\d]{1,3})章")


def heading_number(pattern: re.Pattern[str], heading: str) -> int | None:
    """The number of an article or chapter heading ("第十三条", "第六章 附则") read by `pattern`.

    >>> heading_number(CHAPTER, "第六章 附则"), heading_number(ARTICLE, "第 十三 条")
    (6, 13)
    """
    m = pattern.match(_WS.sub("", heading))
    return cn_to_int(m.group(1)) if m else None


def int_to_cn(n: int) -> str:
    """18 → "十八", 32 → "三十二" (article numbers as printed)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


# everyday fillers that name nothing the gazette could contain: 这类/那边/一般/多不多/哪七样…
FILLERS = re.compile(
    r"这类|这些|那些|那个|这个|那边|这边|那里|这里|里面|里头|一般|具体|大概|大约|想让|想要|打算|咋|啥|"
    r"[多准够行好给对算]不[多准够行好给对算]|什么情况|情况下|哪[一二三四五六七八九十两][样个项种类条家]"
)

# a 文号's brackets cut too: the gazette prints one number as 衢政办发〔2015〕7号 and as 衢政办发[2015]7号, and
# a bigram across a bracket ("发〔", "〕7") would miss the other form
QUESTION_WORDS = re.compile(
    r"请问|我想知道|告诉我|一下|是不是|是否|有没有|能不能|可不可以|什么时候|什么时间|哪段时间|多长时间|多久|"
    r"什么地方|什么位置|哪个位置|什么|哪些|哪几|哪个|哪里|哪儿|哪一天|哪天|"
    r"几月几号|几月几日|几号|一共|总共|共有|多少|多大|多长|几个|几家|几名|几项|几|怎么办|怎么|如何|为什么|谁|吗|呢|啊|吧|呀|么|"
    + FILLERS.pattern + "|"
    r"[的了是要在有和与及对把被也都还就]|[??!!。,,、::;;“”\"'()()〔〕\[\]【】\s]"
)
_CUTS = re.compile(r"\|+")
_SEGMENTS = re.compile(r"[|\s]+")


def content(question: str) -> str:
    """The question without its question words; "|" marks where words were cut out."""
    return _CUTS.sub("|", QUESTION_WORDS.sub("|", question)).strip("|")


def bigrams(text: str) -> set[str]:
    """Character bigrams within each segment (never across a "|" cut or whitespace)."""
    out: set[str] = set()
    for seg in _SEGMENTS.split(text):
        out.update(seg[i : i + 2] for i in range(len(seg) - 1))
    return out


# Kept as visible separators (become a plain space); every other control/format character is dropped.
_WHITESPACE_CONTROLS = "\t\n\r\x0b\x0c\x85\u2028\u2029"
# Format characters that carry meaning inside emoji sequences and are harmless to keep.
_KEEP_FORMAT = "\u200d\ufe0f\ufe0e"


def clean_question(text: str) -> str:
    r"""Strip control characters, bidi overrides, zero-width marks and lone surrogates; collapse whitespace.

    >>> clean_question(" a\x00b\tc ")
    'ab c'
    """
    out = []
    for ch in text:
        if ch in _WHITESPACE_CONTROLS:
            out.append(" ")
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs") or (cat == "Cf" and ch not in _KEEP_FORMAT):
            continue
        out.append(ch)
    return _WS.sub(" ", "".join(out)).strip()
