"""Rows of a table a list question picks out, computed over the parsed table: by a value it names in
a category column ("开化县的消防隐患有哪些" → 隐患所在辖区 = 开化县, 隐患类别 = 消防), by a column it
names that only some rows fill ("有改建任务的是哪几个县": 改建 not 0), or the kinds a category column or a
column group holds ("隐患分成哪几类", "按灾害类型分有哪几种")."""
from __future__ import annotations

import re
from collections import Counter

from qa.cite import make_citation
from qa.model import Table, TableRow
from qa.pipeline.skills.enumeration import qualifier
from qa.pipeline.types import Candidate, Part, QueryPlan
from qa.question import COUNT_Q, LIST_Q
from qa.tables import AGGREGATE_ROWS, count_word, figure_unit, num, row_name_in, row_text
from qa.text import bigrams, content

NAME = "table_filter"
MIN_TABLE_COV = 0.15  # the rest of the question must fit the table: a value alone ("开化县") picks rows anywhere
MAX_CITES = 12
MAX_CATEGORY_LEN = 14  # longer cells are prose (隐患主要内容), not categories
# asks for the kinds, not for rows: "分成哪几类", "有哪些类型", "几种"
KINDS_Q = re.compile(r"(?:哪几|哪些|几|什么)(?:大)?(?:类|种|样)|分[成为]?(?:哪|几|什么)|类型|类别")
# a column telling where a row's thing stands, shown beside its name
_WHERE_COLUMN = re.compile(r"位置|地址|地点|所在地|住所")


def propose(ctx, plan: QueryPlan, part: Part, hits) -> list[Candidate]:
    q = part.text
    if not (LIST_Q.search(q) or COUNT_Q.search(q) or KINDS_Q.search(q)):
        return []
    out = []
    for doc in ctx.corpus.documents:
        for t_no, table in enumerate(doc.tables, 1):
            rows = [(n, r) for n, r in enumerate(table.rows, 1) if r.header not in AGGREGATE_ROWS]
            if len(rows) < 3:
                continue
            about = f"{doc.title} {table.caption} {' '.join(table.path)} {' '.join(table.columns)}"
            # values named where the asker speaks of themself ("我是开化的,") pick nothing
            for text, picked, named, feats in _answers(ctx, part.typed, table, rows):
                # does the rest of the question fit the table and the rows it picks (their names and
                # places: "路口")? The value named ("开化县") fits every table it picks rows of
                rest = q
                for word in named:
                    rest = rest.replace(word, "|")
                cov = ctx.cov(rest, about + " " + " ".join(_item(table, r) for _, r in picked))
                cites = _cites(ctx, doc.key, t_no, picked)
                if cites and cov >= MIN_TABLE_COV:
                    items = tuple(_item(table, r) for _, r in picked) if feats.get("filtered") else ()
                    out.append(Candidate(NAME, "list", text, cites, cov, dict(feats), items=items))
    return out


def named_categories(ctx, q: str, table: Table, rows: list[tuple[int, TableRow]],
                     cats: list[int] | None = None) -> list[tuple[int, str, str]]:
    """(column, value, the words naming it) for each category column whose value the question names
    ("消防类的" → 隐患类别, 消防), the longest value first."""
    conds = []
    for j in category_columns(table, [r for _, r in rows]) if cats is None else cats:
        values = sorted({r.cells[j] for _, r in rows if r.cells[j]}, key=len, reverse=True)
        # a place value is named by its stem too (柯城 for 柯城区): row_name_in's short forms
        named = [(v, w) for v in values if (w := row_name_in(q, v, ctx.place_heads))]
        if named:
            conds.append((j, *named[0]))
    return conds


def _answers(ctx, q: str, table: Table, rows: list[tuple[int, TableRow]]):
    cats = category_columns(table, [r for _, r in rows])
    conds = named_categories(ctx, q, table, rows, cats)
    if conds:
        picked = [(n, r) for n, r in rows if all(r.cells[j] == v for j, v, _ in conds)]
        if picked:
            where = "、".join(f"{table.columns[j]}为{v}" for j, v, _ in conds)
            named = [w for _, _, w in conds]
            yield _listing(q, table, where, picked), picked, named, {"filtered": 1.0}
            # a word of the question that only some of these rows hold ("柯城…的路口")
            known = " ".join([table.caption, *table.columns, *named, *(v for _, v, _ in conds)])
            word = qualifier(q, known, tuple(_item(table, r) for _, r in picked))
            if word is not None:
                fewer = [(n, r) for n, r in picked if word in _item(table, r)]
                yield (_listing(q, table, f"{where}、含“{word}”", fewer), fewer, named + [word],
                       {"filtered": 1.0})
    # a row the question names asks for its own cell ("江山那边地面塌陷的有几个"), not for the rows
    named_row = any(row_name_in(q, r.header, ctx.place_heads) for _, r in rows)
    filled = None if named_row else _filled_column(ctx, q, table, rows)
    if filled is not None:
        j, picked = filled
        yield (_listing(q, table, f"{table.columns[j]}不为0", picked, value_col=j), picked, [],
               {"filtered": 1.0})
    if KINDS_Q.search(q) and not conds:
        kinds = _kinds(q, table, rows, cats)
        if kinds is not None:
            yield kinds


def category_columns(table: Table, rows: list[TableRow]) -> list[int]:
    """Columns whose cells name a kind several rows share: short, not numbers, repeated."""
    out = []
    for j, _col in enumerate(table.columns):
        vals = [r.cells[j] for r in rows if j < len(r.cells) and r.cells[j]]
        if len(vals) < 3 or any(num(v) is not None for v in vals):
            continue
        if max(map(len, vals)) > MAX_CATEGORY_LEN:
            continue
        distinct = set(vals)
        if 2 <= len(distinct) < len(vals):
            out.append(j)
    return out


def _filled_column(ctx, q: str, table: Table, rows):
    """A column of numbers the question names by its own label ("改建") that only some rows fill:
    the rows with a number other than 0 in it. A place heading a column ("柯城区") names a column
    of a transposed table, not a task."""
    best = None
    for j, col in enumerate(table.columns):
        label = col.split()[-1] if col.split() else col
        label = re.sub(r"[((][^))]*[))]", "", label)
        if len(label) < 2 or label not in q or re.search(r"合计|总数|总计|备注", label) or ctx.places_named(label):
            continue
        cells = [r.cells[j] for _, r in rows if j < len(r.cells) and r.cells[j]]
        if any(num(v) is None for v in cells):
            continue
        vals = [(n, r) for n, r in rows if j < len(r.cells) and r.cells[j] and num(r.cells[j]) != 0]
        if 0 < len(vals) < len(rows) and (best is None or len(label) > best[0]):
            best = (len(label), j, vals)
    return None if best is None else best[1:]


def _kinds(q: str, table: Table, rows, cats: list[int]):
    """The kinds a category column holds (with how many rows each), or the labels of a column group
    the question names ("灾害类型(处) 滑坡 / 泥石流 / …")."""
    qb = bigrams(content(q))
    best = None
    for j in cats:
        col = table.columns[j]
        score = len(bigrams(col) & qb) + (0.5 if re.search(r"类|种", col) else 0)
        if score > 0 and (best is None or score > best[0]):
            best = (score, "column", j)
    groups: dict[str, list[int]] = {}
    for j, col in enumerate(table.columns):
        if " " in col:
            groups.setdefault(col.rsplit(" ", 1)[0], []).append(j)
    for g, js in groups.items():
        if len(js) < 2:
            continue
        score = len(bigrams(re.sub(r"[((][^))]*[))]", "", g)) & qb)
        if score > 0 and (best is None or score > best[0]):
            best = (score, "group", g)
    if best is None:
        return None
    if best[1] == "column":
        j = best[2]
        counts = Counter(r.cells[j] for _, r in rows if r.cells[j])
        kinds = list(counts)  # in the order the table first lists them
        first = [next((n, r) for n, r in rows if r.cells[j] == k) for k in kinds]
        unit = count_word(table.caption) or "项"  # the kinds count rows, not kinds
        text = (f"{table.caption}按{table.columns[j]}分为{len(kinds)}类:"
                + "、".join(f"{k}({counts[k]}{unit})" for k in kinds) + "。")
        return text, first, [], {}
    g = best[2]
    labels = [table.columns[j].rsplit(" ", 1)[1] for j in groups[g]]
    total = next(((n, r) for n, r in enumerate(table.rows, 1) if r.header in AGGREGATE_ROWS), None)
    text = f"{table.caption}中{g}分为{len(labels)}类:" + "、".join(labels)
    if total is not None:
        vals = [total[1].cells[j] for j in groups[g]]
        if all(vals):
            text += f"({total[1].header}分别为{'、'.join(vals)})"
        return text + "。", [total], [], {}
    return text + "。", rows[:1], [], {}


def _listing(q: str, table: Table, where: str, picked, value_col: int | None = None) -> str:
    unit = _unit(q, table)
    items = "、".join(_item(table, r) + (f"({r.cells[value_col]}{figure_unit(table, r, value_col)})" if value_col is not None else "")
                     for _, r in picked)
    return f"{table.caption}中,{where}的共{len(picked)}{unit}:{items}。"


def _item(table: Table, row: TableRow) -> str:
    """A row's name, with where it stands when the table says so and the name does not."""
    for j, col in enumerate(table.columns):
        if _WHERE_COLUMN.search(col) and j < len(row.cells):
            v = row.cells[j]
            if v and v not in row.header and row.header not in v:
                return f"{row.header}({v})"
    return row.header


def _unit(q: str, table: Table) -> str:
    m = re.search(r"(?:几|多少)(个|家|名|项|处|条|种|类)", q)
    return count_word(table.caption) or (m.group(1) if m else "项")


def _cites(ctx, doc_key: str, t_no: int, picked) -> tuple:
    out = []
    for n, row in picked[:MAX_CITES]:
        chunk = ctx.by_id_suffix.get((doc_key, f"{t_no}/r{n}"))
        if chunk is None or row_text(row) not in chunk.text:
            continue
        out.append(make_citation(chunk, row_text(row)))
    return tuple(out)

