"""A table row a question names, and the column(s) it asks for."""
from __future__ import annotations

import re

from qa.chunk import row_address
from qa.cite import make_citation
from qa.pipeline.types import Candidate, Part, QueryPlan
from qa.question import FORMS
from qa.text import bigrams, content
from qa.tables import (
    AGGREGATE_ROWS, ATTRIBUTE_Q, INDEX_COLUMNS, PLACEHOLDER_COLUMN, YEAR_COLUMN, figure_unit, has_value,
    labelled_cells, pick_columns, row_name_in, row_text,
)

NAME = "table_cell"
MAX_ROWS = 3  # the best rows by name match; the selector chooses among them
# the whole a table's total row ("合计") adds up, as a question names it: "全市泥石流隐患点共多少处",
# "一共有多少个地质灾害隐患点" (qa/lexicon/question_forms.tsv)
_WHOLE_Q = re.compile(FORMS["whole"])
# asks for every year of an indicator, not one: "每年分别", "三年各是多少", "2017到2019年"
SEVERAL_YEARS = re.compile(r"每年|各年|逐年|每一年|[三两几]年(?:里|内|中|间|分别|各)|分别|20\d\d年?(?:到|至|—|-)20\d\d")
_YEAR_LABEL = re.compile(r"20\d\d年|小计")
_YEAR_SPAN = re.compile(r"(20\d\d)年?(?:到|至|—|-)(20\d\d)")


def propose(ctx, plan: QueryPlan, part: Part, hits) -> list[Candidate]:
    q = part.text
    found = []
    whole = bool(_WHOLE_Q.search(q))
    for doc in ctx.corpus.documents:
        for t_no, table in enumerate(doc.tables, 1):
            cap_cov = None  # worked out once a row of the table is named
            named = [(r_no, row, row_name_in(q, row.header, ctx.place_heads)) for r_no, row in enumerate(table.rows, 1)]
            if whole and not any(name for _, row, name in named if row.header not in AGGREGATE_ROWS):
                # no single row asked, the whole is: the total row answers (its own cells, not a sum)
                named = [(r_no, row, name or (row.header if row.header in AGGREGATE_ROWS else None))
                         for r_no, row, name in named]
            for r_no, row, name in named:
                if not name:
                    continue
                if cap_cov is None:
                    cap_cov = ctx.known_cov(q, f"{doc.title} {table.caption} {' '.join(table.path)} {' '.join(table.columns)}")
                if (len(name) <= 3 or name in AGGREGATE_ROWS) and cap_cov < 0.3:
                    continue  # a bare county name alone does not point at this table
                score = len(name) + 5 * cap_cov
                if any(y in " ".join(row.raw) for y in re.findall(r"20\d\d年", q)):
                    score += 1  # per-year sub-rows share their name: the asked year picks one
                found.append((score, doc, t_no, table, r_no, row))
    found.sort(key=lambda f: -f[0])
    found = _unnarrowed(q, found)
    found = _of_asked_year(q, found)
    out = []
    for _, doc, t_no, table, r_no, row in found[:MAX_ROWS]:
        cand = _answer(ctx, q, doc, t_no, table, r_no, row)
        if cand is not None:
            out.append(cand)
    if found and (SEVERAL_YEARS.search(q) or len(set(re.findall(r"20\d\d年", q))) >= 2):
        seen = set()
        for _, doc, t_no, table, r_no, row in found[:MAX_ROWS]:
            if (doc.key, t_no, row.header) not in seen:
                seen.add((doc.key, t_no, row.header))
                cand = _per_year(ctx, q, doc, t_no, table, row)
                if cand is not None:
                    out.append(cand)
    return out


_ANNEX = re.compile(r"^\s*附件\s*\d*\s*")


def _qualifier(base: str, caption: str) -> str | None:
    """What a caption adds inside another's words: "衢州市地质灾害隐患点汇总表" +
    "威胁10人以下" = "衢州市威胁10人以下地质灾害隐患点汇总表"; None if it is not so made."""
    base, caption = _ANNEX.sub("", base), _ANNEX.sub("", caption)
    if len(caption) <= len(base):
        return None
    head = next((i for i, (a, b) in enumerate(zip(base, caption)) if a != b), len(base))
    tail = len(base) - head
    return caption[head:len(caption) - tail] if caption.endswith(base[head:]) else None


def _unnarrowed(q: str, found: list) -> list:
    """Tables of one document with the same row, one narrowing another ("附件2 …地质灾害隐患点汇总表",
    "附件3 …威胁10人以上(含10人)…", "附件4 …威胁10人以下…"): a question that does not say the
    narrowing ("常山县受威胁人数是多少", whose 威胁 only names the column) asks the whole table; one that
    says it ("威胁10人以下的…") asks the table it names best. The narrowing is said when half its
    bigrams, those of the columns aside, stand in the question."""
    asked = bigrams(content(q))
    drop = set()
    groups: dict[tuple, list] = {}
    for f in found:
        groups.setdefault((f[1].key, f[5].header), []).append(f)
    for group in groups.values():
        named = {}
        for f in group:
            for b in group:
                qual = _qualifier(b[3].caption, f[3].caption) if b is not f else None
                if qual:
                    own = bigrams(content(qual)) - bigrams(content(" ".join(f[3].columns)))
                    named[id(f)] = len(own & asked) / len(own) if own else 0.0
                    break
        if not named:
            continue
        best = max(named.values())
        if best >= 0.5:  # the narrowed tables the question names best, not the whole one
            drop |= {id(f) for f in group if named.get(id(f), -1.0) < best}
        else:
            drop |= set(named)
    return [f for f in found if id(f) not in drop]


def _of_asked_year(q: str, found: list) -> list:
    """An indicator printed one sub-row per year ("2017年", "2018年", "2019年", "小计") answers a question
    naming one of those years from that year's sub-row alone: its siblings share the indicator's name (and
    the first of them prints it), so the name would not tell them apart. A question naming several years
    reads them together (_per_year), one naming none or a year the table lacks keeps them all."""
    years = set(re.findall(r"20\d\d年", q))
    if len(years) != 1 or SEVERAL_YEARS.search(q):
        return found
    asked = {(f[1].key, f[2], f[5].header) for f in found if _year_of(f[5]) in years}
    return [f for f in found if (f[1].key, f[2], f[5].header) not in asked or _year_of(f[5]) in years]


def _year_of(row) -> str | None:
    """The label of a per-year sub-row ("2017年", or its 小计), in whichever cell the PDF left it."""
    return next((c for c in row.cells if _YEAR_LABEL.fullmatch(c)), None)


def _per_year(ctx, q, doc, t_no, table, row) -> Candidate | None:
    """"每年分别是多少", "2017到2019年": the sub-rows of one indicator, one per year, read together."""
    subs = [(n, r) for n, r in enumerate(table.rows, 1) if r.header == row.header and _year_of(r)]
    span = _YEAR_SPAN.search(q)
    named = set(re.findall(r"20\d\d年", q))
    if span:  # "2017到2019年": the years between
        subs = [(n, r) for n, r in subs if (y := _year_of(r)[:4]).isdigit() and span[1] <= y <= span[2]]
    elif len(named) >= 2:  # "2017年和2018年": only those
        subs = [(n, r) for n, r in subs if _year_of(r) in named]
    if len(subs) < 2:
        return None
    # the asked columns that these sub-rows fill (a total column they leave empty asks nothing)
    cols = [j for j in pick_columns(q, table) if table.columns[j] != YEAR_COLUMN and any(r.cells[j] for _, r in subs)]
    said, cites = [], []
    for n, r in subs:
        values = [(c, v) for j, (c, v) in enumerate(zip(table.columns, r.cells))
                  if v and v != _year_of(r) and c not in INDEX_COLUMNS and (not cols or j in cols)]
        if len(values) != (len(cols) or 1):
            return None  # several values and none asked: a whole row per year, not an answer
        chunk = ctx.by_id_suffix.get((doc.key, f"{t_no}/r{n}"))
        if chunk is None:
            return None
        label = ",".join(f"{'' if PLACEHOLDER_COLUMN.match(c) or not cols else c}{v}" for c, v in values)
        said.append(f"{_year_of(r)}{label}")
        cites.append(make_citation(chunk, row_text(r)))
    text = f"{row.header}({table.caption}):" + ";".join(said) + "。"
    context = f"{doc.title} {table.caption} {' '.join(table.path)} {' '.join(table.columns)} {row.header}"
    cand = Candidate(NAME, "table", text, tuple(cites), ctx.cov(q, context))
    return cand.with_features({"column_found": 1.0, "sub_rows": 1.0})


def _answer(ctx, q, doc, t_no, table, r_no, row) -> Candidate | None:
    chunk = ctx.by_id_suffix.get((doc.key, f"{t_no}/r{r_no}"))
    if chunk is None:
        return None
    picked = pick_columns(q, table)
    # an empty cell (or a dash) answers nothing, nor does a sub-row's year label ("2018年" under a heading
    # the PDF merged into "县(市、区) 合计"): it says which row, not a value
    cols = [j for j in picked if has_value(row.cells[j]) and not _YEAR_LABEL.fullmatch(row.cells[j])]
    years = re.findall(r"20\d\d年", q)
    if years and not cols and any(y in table.columns[j] for j in picked for y in years):
        return None  # the asked year's cell of this row is empty: the table does not state it
    full = labelled_cells(table, row)
    if cols:
        parts = []
        for col in cols:
            parts.append(f"{table.columns[col]}为{row.cells[col]}{figure_unit(table, row, col)}")
        text = f"{row.header}" + ",".join(parts) + f"({table.caption})。"
        if len(full) <= 400:
            text += f"该行全部内容:{full}。"
    else:
        text = f"{row.header}({table.caption}):{full}。"
    # a row holding a single value (a per-year sub-row of one indicator) answers "多少" by itself
    values = [v for c, v in zip(table.columns, row.cells) if v and c not in INDEX_COLUMNS and c != YEAR_COLUMN]
    column_found = 1.0 if cols or len(values) == 1 or not ATTRIBUTE_Q.search(q) else 0.0
    context = (f"{doc.title} {table.caption} {' '.join(table.path)} {table.unit or ''} {' '.join(table.columns)} "
               f"{row.header} {' '.join(row.raw)}")  # a sub-row's printed line lacks the name it shares
    cand = Candidate(NAME, "table", text, (make_citation(chunk, row_text(row)),), ctx.cov(q, context))
    return cand.with_features({"column_found": column_found})


def row_note(ctx, quotes: list[tuple[str, str]], text: str) -> str:
    """A table row quoted as printed ("重工业增加值在规上工业中的比重(%) 67.75 65 60") does not say which
    figure stands in which column: the answer names each stated cell under its column ("该行各列:…;2025年
    60"), once per row, unless it does already (a table cell's answer prints 该行全部内容). `quotes` are
    what an extract quotes: a computed answer (a cell, an extreme, a filter) says what it read."""
    if "该行全部内容" in text:
        return ""
    notes = []
    for chunk_id, quote in dict.fromkeys(quotes):
        address = row_address(chunk_id)
        chunk = ctx.chunks.get(chunk_id)
        doc = ctx.docs.get(chunk.doc_key) if chunk is not None else None
        if address is None or doc is None:
            continue
        t_no, r_no = address
        if not 0 < t_no <= len(doc.tables) or not 0 < r_no <= len(doc.tables[t_no - 1].rows):
            continue
        table = doc.tables[t_no - 1]
        row = table.rows[r_no - 1]
        if _NO_SPACE.sub("", quote) != _NO_SPACE.sub("", row_text(row)):
            continue  # a part of the row
        if sum(1 for v in row.cells if _BARE_FIGURE.fullmatch(v.strip())) < 2:
            continue  # words say what they are ("2017年9月底前"); two bare figures or more do not
        cells = labelled_cells(table, row)
        if len(cells) <= 400:
            notes.append(f"该行各列:{cells}。")
    return "".join(notes)


_NO_SPACE = re.compile(r"\s")
_BARE_FIGURE = re.compile(r"-?\d+(?:\.\d+)?%?")  # a cell that is a figure and nothing else
