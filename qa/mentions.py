"""Which row of a table a text names, by the row's name cells ("阿贵饭店" names the row of 衢州市柯城
阿贵饭店; "开化底本村华信矿业" the row whose unit is 开化县华信矿业有限公司 and whose address is
开化县音坑乡底本村), and a follow-up naming another row of the same table in place of the one
before ("那铭豪庄园小区呢?" after "荷花中路阿贵饭店的消防隐患要求什么时候前整改好?")."""
from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

from qa.model import Table
from qa.question import ASK_WORD

# a table as its rows' name cells: tables → rows → cells
RowNames = tuple[tuple[tuple[str, ...], ...], ...]

_FIGURE = re.compile(r"[\d.%\s年月日底前后以上下\-—~]*")
_MAX_NAME = 30  # a longer cell is a description ("1.自动喷水灭火系统无法正常使用;…"), not a name
_MIN_PIECE = 3  # a shorter common run ("小区", "开化") names no row by itself
_COVERED = 0.8  # the share of a follow-up that must be one row's names for it to name that row


def name_cells(table: Table) -> tuple[tuple[str, ...], ...]:
    """Per row, the cells that name it: its header and its other short text cells, but not figures or
    dates, and not a value three or more rows print (a county, a kind: "工矿", "开化县"), which tells no
    row apart."""
    rows = [(row.header, *row.cells) for row in table.rows]
    seen = Counter(c for r in rows for c in set(r))
    return tuple(tuple(c for c in dict.fromkeys(r)
                       if c and len(c) <= _MAX_NAME and not _FIGURE.fullmatch(c) and seen[c] <= 2)
                 for r in rows)


def row_names(tables: Sequence[Table]) -> RowNames:
    return tuple(name_cells(t) for t in tables if len(t.rows) >= 2)


def _spans(text: str, cells: Sequence[str]) -> list[tuple[int, int]]:
    """The runs of `text` found in a cell, longest first from each position; a run shorter than
    _MIN_PIECE counts only right beside a longer one ("铭豪庄园|小区" of 铭豪庄园住宅小区)."""
    runs, i = [], 0
    while i < len(text):
        n = 0
        while i + n < len(text) and any(text[i:i + n + 1] in c for c in cells):
            n += 1
        if n >= 2:
            runs.append((i, i + n))
            i += n
        else:
            i += 1
    keep = [r for r in runs if r[1] - r[0] >= _MIN_PIECE]
    for r in runs:
        if r not in keep and any(r[1] == k[0] or r[0] == k[1] for k in keep):
            keep.append(r)
    return sorted(keep)


def _covered(spans: list[tuple[int, int]]) -> int:
    return sum(b - a for a, b in spans)


def _named_row(name: str, tables: RowNames) -> tuple[int, int] | None:
    """The one row whose names make up most of `name` (table, row); None if none or several alike
    ("小区" of every housing estate)."""
    if len(name) < _MIN_PIECE:
        return None
    best = []  # (covered, table, row)
    for t_no, rows in enumerate(tables):
        for r_no, cells in enumerate(rows):
            got = _covered(_spans(name, cells))
            if got >= _COVERED * len(name):
                best.append((got, t_no, r_no))
    best.sort(reverse=True)
    if not best or (len(best) > 1 and best[1][0] == best[0][0]):
        return None
    return best[0][1], best[0][2]


def swap_row(fragment: str, previous: str, tables: RowNames) -> str | None:
    """The previous question with the row it names replaced by the row the fragment names, when both
    are rows of one table; None when the fragment names no single row (or the previous question no
    other row of its table).

    >>> t = ((("衢州市柯城阿贵饭店", "衢州市区荷花中路87号"), ("铭豪庄园住宅小区", "衢江区航民路以南")),)
    >>> swap_row("铭豪庄园小区", "荷花中路阿贵饭店的消防隐患要求什么时候前整改好?", t)
    '铭豪庄园小区的消防隐患要求什么时候前整改好?'
    >>> swap_row("小区", "荷花中路阿贵饭店的消防隐患要求什么时候前整改好?", t) is None
    True
    >>> swap_row("铭豪庄园的呢,过期了么", "荷花中路阿贵饭店的消防隐患要求什么时候前整改好?", t)
    '铭豪庄园的消防隐患要求什么时候前整改好?'
    >>> swap_row("铭豪庄园的车库", "阿贵饭店的消防隐患要求什么时候前整改好?", t)
    '铭豪庄园的车库的消防隐患要求什么时候前整改好?'

    """
    # the name is said before 呢 or a new clause ("远兴机械的呢,过期了么?"); a row it names may be
    # followed by what of it ("华信矿业的尾矿库")
    name = _head(fragment).removesuffix("的")
    found = _named_row(name, tables) or ("的" in name and _named_row(name.split("的", 1)[0], tables))
    span = _row_span(previous, tables[found[0]], skip=found[1]) if found else None
    return previous[:span[0]] + name + previous[span[1]:] if span else None


def swap_row_for_kind(fragment: str, previous: str, tables: RowNames) -> str | None:
    """"那消防类的隐患呢?" after "石华线与苦狮线路口的隐患什么时候前要整改完?": a follow-up that names no
    row but ends in the noun that follows the row the previous question named (…的隐患) asks the same
    of what it names, in place of that row and the noun.

    >>> t = ((("石华线与苦狮线路口", "常山县"), ("衢州市柯城阿贵饭店", "衢州市区荷花中路87号")),)
    >>> swap_row_for_kind("消防类的隐患", "石华线与苦狮线路口的隐患什么时候前要整改完?", t)
    '消防类的隐患什么时候前要整改完?'
    """
    name = _head(fragment)
    if len(name) < 4 or "的" not in name[1:] or ASK_WORD.search(name) or _named_row(name, tables):
        return None
    for rows in tables:
        span = _row_span(previous, rows)
        if span is None:
            continue
        start, end = span
        after = previous[end:]
        # the noun the fragment ends in after its 的, standing right after the row's name ("的隐患")
        k = next((k for k in range(min(len(name) - 2, 6), 1, -1)
                  if name[-k] == "的" and after.startswith(name[-k:])), 0)
        if k:
            return previous[:start] + name + after[k:]
    return None


def _head(fragment: str) -> str:
    """What a follow-up names, before its 呢 or a new clause ("远兴机械的呢,过期了么?" → 远兴机械的)."""
    return re.split(r"呢|[,;?]", fragment, maxsplit=1)[0]


def _row_span(previous: str, rows, skip: int = -1) -> tuple[int, int] | None:
    """Where the previous question names one row of a table (its name cells, one phrase)."""
    olds = sorted(((_covered(s), s) for k, cells in enumerate(rows) if k != skip
                   for s in [_spans(previous, cells)] if s and _covered(s) >= _MIN_PIECE), reverse=True)
    if not olds or (len(olds) > 1 and olds[1][0] == olds[0][0]):
        return None
    spans = olds[0][1]
    start, end = spans[0][0], spans[-1][1]
    if end - start > _covered(spans) + 2:
        return None  # the names stand apart in the question: no one phrase to replace
    return start, end

