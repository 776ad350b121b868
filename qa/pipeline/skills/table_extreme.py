"""Which row of a table has the most/least of a column ("哪个县最多")."""
from __future__ import annotations

import re

from qa.cite import make_citation
from qa.pipeline.types import Candidate, Part, QueryPlan
from qa.pipeline.skills.table_filter import named_categories
from qa.question import asked_extreme
from qa.tables import AGGREGATE_ROWS, TOTAL_COLUMN, count_word, figure_unit, num, pick_columns, row_name_in, row_text

NAME = "table_extreme"
# the earliest or latest of a table's dated cells ("整改最早几月底要完成,最晚几月底")
_DATE_EXTREME = re.compile(r"最早|最晚|最迟")
_WHEN = re.compile(r"哪|几月|几号|什么时候|啥时候|何时|时间|日期|期限|时限")
_WHICH_ROW = re.compile(r"哪(?:一|个|家|些|几|处|项)")
# asks when, in words that name no ranking and no list ("哪些" asks for rows)
_DUE = re.compile(r"几月|几号|什么时候|啥时候|何时|时间|日期|期限|时限|哪天|哪一天|哪个月")
MAX_NAMED = 3  # rows named beside a date many rows share; the rest are counted
# what follows a word leaving something out, up to the next punctuation
_EXCLUDE = re.compile(r"(?:不算|不含|不包括|除了|除去|扣除)([^,,。??()()]{1,12})")


def propose(ctx, plan: QueryPlan, part: Part, hits) -> list[Candidate]:
    q = part.text
    # a ranking of dated rows asks for both ends or for which row ("最早的是哪一家"); "最晚哪年底
    #完成" alone asks for one deadline at its latest
    if _DATE_EXTREME.search(q) and _WHEN.search(q):
        if len(set(_DATE_EXTREME.findall(q))) > 1 or _WHICH_ROW.search(q):
            return _by_date(ctx, q, part)
        # "消防类的整改最晚什么时候完成": the latest date of the rows of the kind it names
        kind = _by_date(ctx, q, part, of_kind=True)
        if kind:
            return kind
    elif _DUE.search(q):
        # "消防类的隐患整改期限过了没": the one date every row of the kind it names shares
        kind = _by_date(ctx, q, part, of_kind=True, shared=True)
        if kind:
            return kind
    extreme = asked_extreme(q, ctx.corpus_text)
    if extreme is None:
        return []
    best = None
    for doc in ctx.corpus.documents:
        for t_no, table in enumerate(doc.tables, 1):
            cov = ctx.cov(q, f"{doc.title} {table.caption} {' '.join(table.columns)}")
            if best is None or cov > best[0]:
                best = (cov, doc, t_no, table)
    if best is None:
        return []
    cov, doc, t_no, table = best
    # no column named beyond the table's own words ("哪个县最多"): the table's total, if it has one
    cols = pick_columns(q, table) or [j for j, c in enumerate(table.columns) if TOTAL_COLUMN.search(c)][:1]
    if not cols:
        return []
    col = cols[0]
    left_out = excluded(q, table, ctx.place_heads)
    rows = [(n, r) for n, r in enumerate(table.rows, 1)
            if r.header not in AGGREGATE_ROWS and r.header not in left_out and num(r.cells[col]) is not None]
    # rows the question names: two or more are compared ("龙游县和江山市哪个多"); one alone is where
    # the asker looks inside ("开化县哪个乡镇最多"), which a ranking of the rows does not answer
    asked = part.typed  # not where the asker says they are from ("我是开化县退休的老教师,…")
    named = [(n, r) for n, r in rows if row_name_in(asked, r.header, ctx.place_heads)]
    if len(named) == 1:
        return []
    if named:
        rows = named
    if not rows:
        return []
    low = extreme == "least"
    top = (min if low else max)(num(r.cells[col]) for _, r in rows)
    winners = [(n, r) for n, r in rows if num(r.cells[col]) == top]  # a tie names every row that holds it
    chunks = [ctx.by_id_suffix.get((doc.key, f"{t_no}/r{n}")) for n, _ in winners]
    if any(c is None for c in chunks):
        return []
    word = "最少" if low else "最多"
    unit = figure_unit(table, winners[0][1], col)
    names = "、".join(r.header for _, r in winners)
    both = "均" if len(winners) > 1 else ""
    scope = f"(不含{'、'.join(left_out)})" if left_out else ""
    text = f"{table.columns[col]}{word}的是{names}{scope},{both}为{winners[0][1].cells[col]}{unit}({table.caption})。"
    cites = tuple(make_citation(c, row_text(r)) for c, (_, r) in zip(chunks, winners))
    return [Candidate(NAME, "table", text, cites, cov)]


def excluded(q: str, table, heads: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Rows the question leaves out of a ranking: "不算集聚区", "(不含集聚区)", "除了柯城区以外"."""
    out = []
    for m in _EXCLUDE.finditer(q):
        span = m.group(1)
        out += [r.header for r in table.rows if row_name_in(span, r.header, heads)]
    return tuple(dict.fromkeys(out))


def _by_date(ctx, q: str, part: Part, of_kind: bool = False, shared: bool = False) -> list[Candidate]:
    """The rows of a table whose dated cells (the timeline's records of its rows) come first or last:
    both ends when both are asked; `of_kind`: only among the rows whose category cell the question
    names ("消防类的" → 隐患类别 = 消防), and only when it names one; `shared`: the date all those rows
    share, and nothing when they have several."""
    best = None
    by_table = ctx.lookup("table_extreme.dated_rows", _dated_rows)
    for doc in ctx.corpus.documents:
        for t_no, table in enumerate(doc.tables, 1):
            dated = by_table.get((doc.key, t_no), [])
            where = ""
            if of_kind:
                where, rows = _of_kind(ctx, part.typed, table)
                dated = [r for r in dated if r.chunk_id.rsplit("/r", 1)[-1] in rows]
            if len(dated) < 2 or of_kind and not where:
                continue
            cov = ctx.cov(q, f"{doc.title} {table.caption} {' '.join(table.columns)} {where}")
            if best is None or cov > best[0]:
                best = (cov, table, dated, where)
    if best is None:
        return []
    cov, table, dated, where = best
    ends = [("最早", min)] if "最早" in q else []
    ends += [("最晚", max)] if re.search(r"最晚|最迟", q) else []
    if shared:
        if len({r.end for r in dated}) != 1:
            return []
        ends = [("", min)]
    said, cites = [], []
    for word, pick in ends:
        day = pick(r.end for r in dated)
        rows = list({r.chunk_id: r for r in dated if r.end == day}.values())
        # rows of one unit name it once ("柯城交通运输分局" heads three road rows); the count is of rows
        subjects = list(dict.fromkeys(r.subject for r in rows))
        names = "、".join(subjects[:MAX_NAMED]) + (f"等{len(rows)}{count_word(table.caption) or '项'}" if len(rows) > MAX_NAMED else "")
        said.append(f"{rows[0].names}均为{rows[0].phrase}({names})" if shared
                    else f"{rows[0].names}{word}的是{rows[0].phrase}({names})")
        for r in rows[:MAX_NAMED]:
            chunk = ctx.chunks.get(r.chunk_id)
            if chunk is not None and r.text in chunk.text:
                cites.append(make_citation(chunk, r.text))
    if not cites:
        return []
    text = (f"{where}的," if where else "") + ";".join(said) + f"({table.caption})。"
    return [Candidate(NAME, "table", text, tuple(dict.fromkeys(cites)), cov)]


def _dated_rows(ctx) -> dict[tuple[str, int], list]:
    """The timeline's dated records of each table's rows (aggregate rows aside), once per corpus:
    many questions ask when."""
    out: dict[tuple[str, int], list] = {}
    for r in ctx.corpus.timeline.records:
        m = re.search(r"/t(\d+)/r\d+$", r.chunk_id)
        if r.end is not None and m and r.subject not in AGGREGATE_ROWS:
            out.setdefault((r.doc_key, int(m.group(1))), []).append(r)
    return out


def _of_kind(ctx, q: str, table) -> tuple[str, set[str]]:
    """The category cells the question names ("消防类的" → 隐患类别为消防) and the numbers of the rows
    holding them; ("", set()) when it names none, or one that every row holds."""
    rows = [(n, r) for n, r in enumerate(table.rows, 1) if r.header not in AGGREGATE_ROWS]
    conds = named_categories(ctx, q, table, rows)
    picked = {str(n) for n, r in rows if all(r.cells[j] == v for j, v, _ in conds)}
    if not conds or len(picked) == len(rows):
        return "", set()
    return "、".join(f"{table.columns[j]}为{v}" for j, v, _ in conds), picked
