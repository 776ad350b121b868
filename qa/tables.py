"""Tab-separated blocks → Table records (captions, units, merged two-row headers, sections).

Also answers cell lookups over parsed tables (`find_cells`), so table questions are computed,
not retrieved by luck.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from qa.model import Table, TableRow, Unit, path_at
from qa.text import bigrams, content, join_cjk

if TYPE_CHECKING:  # only for types; parse imports us at run time
    from qa.parse import Para

UNIT_LINE = re.compile(r"^单位[::]\s*(.+)$")
NUMERIC = re.compile(r"^[-+]?\d+(?:\.\d+)?%?$")
INDEX_COLUMNS = ("序号", "编号")
YEAR_LABEL = re.compile(r"^20\d\d年$")
YEAR_COLUMN = "年份"  # the name given to a column of per-year sub-row labels
PLACEHOLDER_COLUMN = re.compile(r"^列\d+$")  # a column whose heading the PDF lost: named by position


def _clean(cell: str) -> str:
    return join_cjk(cell.strip())


def _is_header_row2(row: list[str]) -> bool:
    return not row[0] and any(row) and not any(NUMERIC.match(c) for c in row if c)


def parse_tables(paras: list["Para"], units: list[Unit], default_path: tuple[str, ...]) -> list[Table]:
    """Group table lines into tables; a repeated header (a new page) continues the same table."""
    tables: list[Table] = []
    blocks: list[tuple[list, list]] = []  # (caption paras before, table paras)
    pending: list = []
    current: list = []
    for p in paras:
        if p.cells is not None:
            current.append(p)
            continue
        if current:
            blocks.append((pending, current))
            current, pending = [], []
        pending = (pending + [p])[-3:]
    if current:
        blocks.append((pending, current))
    flat_units = [u for top in units for u in top.walk()]
    for before, block in blocks:
        for sub in _split_on_new_header(block):
            table = _build(before, sub, flat_units, default_path)
            if table is None:
                continue
            prev = tables[-1] if tables else None
            if prev and not before and prev.columns == table.columns:
                tables[-1] = _merge(prev, table)
            else:
                tables.append(table)
            before = []
    return tables


def _split_on_new_header(block: list) -> list[list]:
    """Adjacent tables (e.g. two parts of one attachment) start with an index header like 序号."""
    out: list[list] = [[]]
    first = [_clean(c) for c in block[0].cells]
    for p in block:
        row = [_clean(c) for c in p.cells]
        if out[-1] and row[0] in INDEX_COLUMNS and row != first:
            out.append([])
            first = row
        out[-1].append(p)
    return out


def _build(before: list, block: list, flat_units: list[Unit], default_path: tuple[str, ...]) -> Table | None:
    rows = [[_clean(c) for c in p.cells] for p in block]
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    header_rows = [rows[0]]
    sub_row_labels = len(rows) > 1 and _labels_sub_rows(rows[1], rows[2:])
    if len(rows) > 1 and _is_header_row2(rows[1]) and not sub_row_labels:
        header_rows.append(rows[1])
    names = _merge_headers(header_rows, width)
    caption, unit = "", None
    for p in before:
        m = UNIT_LINE.match(p.text.strip())
        if m:
            unit = m.group(1).strip()
        elif len(p.text) <= 60:
            caption = join_cjk(p.text)
    data: list[tuple[list[str], object]] = []
    for r, p in zip(rows, block):
        if r in header_rows or r == rows[0]:
            continue  # the header repeated at the top of a new page
        if len(header_rows) > 1 and r == header_rows[1]:
            continue
        if sub_row_labels and r == rows[1]:
            continue  # the printed row of year labels: each data row carries its own
        data.append((r, p))
    if not data:
        return None
    key_col = _key_column(names, [r for r, _ in data])
    for j in range(width):
        values = [r[j] for r, _ in data if r[j]]
        if values and all(YEAR_LABEL.match(v) for v in values):
            names[j] = YEAR_COLUMN  # per-year sub-rows: the column that says which year a row is
    out_rows: list[TableRow] = []
    section = None
    last: list[str] | None = None
    for r, p in data:
        nonempty = [c for c in r if c]
        if r[0] and len(nonempty) == 1 and width >= 3:
            section = r[0]
            continue
        r = list(r)
        if last is not None and not r[0]:
            # a continuation row (e.g. per-year sub-rows): it belongs to the row above
            for j in range(0, key_col + 1):
                if not r[j]:
                    r[j] = last[j]
        last = r
        cells = tuple(c for j, c in enumerate(r) if j != key_col)
        raw = tuple(_clean(c) for c in p.cells)
        out_rows.append(TableRow(header=r[key_col], cells=cells, section=section, line_start=p.start, line_end=p.end, raw=raw))
    start = block[0].start
    path = path_at(flat_units, start) or default_path
    if not caption:
        caption = path[-1] if path else ""
    return Table(
        caption=caption,
        unit=unit,
        row_header=names[key_col],
        columns=tuple(n for j, n in enumerate(names) if j != key_col),
        rows=tuple(out_rows),
        path=path,
        line_start=min(p.start for p in block),
        line_end=max(p.end for p in block),
    )


def _labels_sub_rows(row: list[str], data: list[list[str]]) -> bool:
    """A second header line of year labels that the data rows repeat, in one column, on their own
    lines ("2017年 / 2018年 / 2019年" under one 任务指标): the PDF printed the sub-row labels once
    across the top, they are not column names."""
    labels = [c for c in row if c]
    if not labels or not all(YEAR_LABEL.match(c) for c in labels):
        return False
    col = row.index(labels[0])
    return sum(1 for r in data if col < len(r) and YEAR_LABEL.match(r[col])) >= len(data) / 2


def _merge_headers(header_rows: list[list[str]], width: int) -> list[str]:
    top = header_rows[0]
    filled, cur = [], ""
    for j in range(width):
        if top[j]:
            cur = top[j]
        filled.append(top[j] or (cur if j > 0 and len(header_rows) > 1 and header_rows[1][j] else ""))
    names = []
    for j in range(width):
        parts = [filled[j]]
        if len(header_rows) > 1 and header_rows[1][j] and header_rows[1][j] != filled[j]:
            parts.append(header_rows[1][j])
        name = " ".join(x for x in parts if x)
        names.append(name or ("项目" if j == 0 else f"列{j + 1}"))
    return names


def _key_column(names: list[str], rows: list[list[str]]) -> int:
    """The row-header column: the first (index columns aside) whose values name the rows uniquely."""
    for j, name in enumerate(names):
        if name in INDEX_COLUMNS:
            continue
        full = [r for r in rows if sum(1 for c in r if c) > 1]
        if names[0] in INDEX_COLUMNS and any(not r[0] for r in full):
            # sub-rows without their own 序号 repeat the row above: judge the name on the numbered rows
            full = [r for r in full if r[0]]
        values = [r[j] for r in full if r[j]]
        # a column printed only on the first row of each group (filled down later) is a grouping, not a key
        if values and len(values) >= 0.8 * len(full) and len(set(values)) >= 0.8 * len(values) \
                and not all(NUMERIC.match(v) for v in values):
            return j
    return 0


def _merge(a: Table, b: Table) -> Table:
    return Table(a.caption, a.unit or b.unit, a.row_header, a.columns, a.rows + b.rows, a.path, a.line_start, b.line_end)


def row_text(row: TableRow) -> str:
    """The non-empty cells of a row in printed order: found verbatim on its source line."""
    return " ".join(c for c in row.raw if c)


def row_record(table: Table, row: TableRow) -> str:
    """A labelled rendering for indexing: `龙游县 · 2018年 金额 = 2.75 亿元`."""
    unit = f" {table.unit}" if table.unit else ""
    parts = [f"{col} = {val}" + (unit if is_amount(col) else "") for col, val in zip(table.columns, row.cells) if val]
    sec = f"[{row.section}] " if row.section else ""
    return f"{sec}{table.row_header} {row.header} · " + " · ".join(parts)


_COUNTED = re.compile(r"[((]共\d+\s*(处|个|家|项|名|条)[))]")


def count_word(caption: str) -> str | None:
    """The word a table's caption counts its rows in: "…整改计划表(共32处)" → 处."""
    m = _COUNTED.search(caption)
    return m.group(1) if m else None


# a column that sums the others up: what "多少" asks of a table with no column named ("开化县有多少个隐患点")
TOTAL_COLUMN = re.compile(r"总数|合计|总计")
# rows that sum the others up: no row of their own to rank, list or filter
AGGREGATE_ROWS = ("全市", "合计", "总计", "小计")
_NO_FIGURE = ("-", "—", "–", "--", "——", "/", "/")


def has_value(cell: str) -> bool:
    """A cell that states something: not empty, and not the dash a table prints where it has no figure."""
    return bool(cell) and cell.strip() not in _NO_FIGURE


def is_amount(col: str) -> bool:
    """A column of amounts, which take the table's unit (not a growth rate or a share)."""
    return "%" not in col and "率" not in col and "增幅" not in col


# a unit printed in a column's heading: "受威胁人数 (人)", "避灾安置场所任务(个) 新建", "增幅(%)";
# not a qualifier with a figure ("(含10人)", "(30人以上)") or a list ("(市、区)")
_COLUMN_UNIT = re.compile(r"[((]([^()()\d、,,]{1,5})[))]")


def column_unit(col: str) -> str:
    """The unit a column's heading gives its figures, "" when it gives none."""
    m = _COLUMN_UNIT.search(col)
    return m.group(1).strip() if m else ""


# a unit of measure, as an indicator's name prints it in brackets: %, 万元/人, 家, 个, 件, 条
_MEASURE_UNIT = re.compile(r"%|‰|[万亿千百]?[元个件家条人名户处项次座所吨亩米辆](?:/[人年户])?")
_TOTAL_COLUMNS = ("合计", "总计", "小计", "总数")


def figure_unit(table: Table, row: TableRow, col: int) -> str:
    """The unit a cell's figure is said with, so that an answer reads as an amount of something, as
    the question asks it ("多少人": "受威胁人数 (人)为1142人"): the table's own unit for a column of
    amounts (万元); for a bare number, the unit its column's heading prints, or the row's indicator
    name ("…企业数量(家)", "…比重(%)"; a name's other brackets are no unit: "新湖菜市场(筹)"), or a
    total's ("合计" of columns that print one unit). "" when the table gives none."""
    if table.unit and is_amount(table.columns[col]):
        return table.unit
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", row.cells[col].strip()):
        return ""
    own = column_unit(row.header)
    return column_unit(table.columns[col]) or (own if _MEASURE_UNIT.fullmatch(own) else "") or _total_unit(table, col)


def _total_unit(table: Table, col: int) -> str:
    """A total ("合计") counts in the unit of what it adds up, when those columns print one unit."""
    if table.columns[col] not in _TOTAL_COLUMNS:
        return ""
    others = {column_unit(c) for j, c in enumerate(table.columns) if j != col} - {""}
    return others.pop() if len(others) == 1 else ""


# ---------------------------------------------------------------- lookups for questions
def num(v: str) -> float | None:
    m = re.match(r"^-?\d+(?:\.\d+)?", v.strip())
    return float(m.group(0)) if m else None


def row_name_in(q: str, header: str, place_heads: frozenset[str] = frozenset()) -> str | None:
    """The part of a row name a question uses: "开化县艾佳牧业" for 开化县艾佳牧业有限公司; a long
    indicator name paraphrased closely ("年营业收入超百亿元的制造业企业" for
    年营业收入超百亿元制造业企业数量(家)) matches by its bigrams."""
    if not header or len(header) < 2 or header.isdigit():
        return None
    if header in q:
        return header
    words, grams, shorts = _row_forms(header, place_heads)
    if len(words) >= 8 and grams:
        bare = _PARTICLES.sub("", q)
        found = sum(1 for b in grams if b in bare) / len(grams)
        if found >= 0.7:
            return words[: max(3, int(len(words) * found))]
    for short in shorts:
        if short in q:
            return short
    return None


# the words that relate an indicator's parts, which a paraphrase changes ("…在规上工业中的比重" asked
# as "…占规上工业的比重" by a gold and a split-train question): bigrams are matched with them left out
# of both sides
_PARTICLES = re.compile(r"[的在中占之]")


@lru_cache(maxsize=4096)
def _row_forms(header: str, place_heads: frozenset[str]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """What of a row name a question may use, worked out once per name: the name without brackets,
    its bigrams, and its short forms (no company suffix; then without the leading place names)."""
    words = re.sub(r"[((][^))]*[))]", "", header)
    grams = tuple(sorted(bigrams(_PARTICLES.sub("", words))))
    short = re.sub(r"(股份有限公司|有限责任公司|有限公司|公司)$", "", header)
    shorts = []
    # callers drop the province, the city and often the county: 浙江开山铸造 → 开山铸造
    for _ in range(3):
        if len(short) >= 3:
            shorts.append(short)
        trimmed = _drop_leading_place(short, place_heads)
        if trimmed == short:
            break
        short = trimmed
    # a row that is a place ("江山市") is named by its stem too ("江山那边…"), as the corpus prints it
    # with its level elsewhere
    if len(header) == 3 and header[:2] in place_heads and header[2] in "省市县区":
        shorts.append(header[:2])
    return words, grams, tuple(shorts)


_PLACE_WITH_LEVEL = re.compile(r"([\u4e00-\u9fff]{2})(?:省|市|县|区)")


def place_heads(corpus_text: str) -> frozenset[str]:
    """Names the corpus prints with a level suffix (浙江省 → 浙江): what a caller may drop in front of a
    company's name, found in the corpus so that no list of places is written here."""
    return frozenset(m.group(1) for m in _PLACE_WITH_LEVEL.finditer(corpus_text))


def _drop_leading_place(name: str, heads: frozenset[str]) -> str:
    """A leading place name: one with its level suffix (开化县…), or a bare one the corpus names
    with its suffix elsewhere (浙江开山铸造 → 开山铸造)."""
    if len(name) >= 5 and name[2] in "省市县区":
        return name[3:]
    if len(name) >= 4 and name[:2] in heads:
        return name[2:]
    return name


ATTRIBUTE_Q = re.compile(r"多少|几|什么|哪|谁|何时|怎么|如何|是否|吗")


ASK_COLUMNS = (
    (re.compile(r"谁|哪个单位|哪个部门|负责|督办|牵头"), re.compile(r"单位|主体|负责|部门")),
    (re.compile(r"什么时候|何时|哪天|期限|时限|完成"), re.compile(r"时间|期限|时限")),
    (re.compile(r"在哪|哪里|地址|位置|地点"), re.compile(r"地址|位置|地点|辖区")),
    (re.compile(r"多大|面积|平方|平米"), re.compile(r"面积")),
    (re.compile(r"什么隐患|哪些隐患|问题|隐患是|内容"), re.compile(r"内容")),
    (re.compile(r"怎么整改|如何整改|整改措施|建议"), re.compile(r"措施|建议|内容")),
)


def pick_columns(q: str, table: Table) -> list[int]:
    """Columns a question asks for: its year(s), the column words it uses beyond the table's own
    caption (those only say which table), and what its question word asks (谁 → 单位, 何时 → 时间)."""
    years = re.findall(r"(20\d\d)", q)
    context = bigrams(table.caption + " " + " ".join(table.path))
    qb = bigrams(content(q))
    scored = []
    for j, col in enumerate(table.columns):
        # a bracket parts words: "灾害类型(处) 地面塌陷" holds no "处地" for "多少处地质灾害…" to meet
        words = re.sub(r"20\d\d年|[%\d]", "", re.sub(r"[()()]", " ", col))
        score = float(sum(1 for b in bigrams(words) if b in qb and b not in context))
        for asks, names in ASK_COLUMNS:
            if asks.search(q) and names.search(col):
                score += 1
        if years and any(y in col for y in years):
            score += 2
        elif years and re.search(r"20\d\d", col):
            score -= 3
        if ("增幅" in col or "%" in col) and not re.search(r"增幅|增长|比例|比重|率|%|百分", q):
            score -= 1
        scored.append((score, j))
    good = sorted([sj for sj in scored if sj[0] >= 1], key=lambda sj: (-sj[0], sj[1]))
    if not good and re.search(r"多少|几", q):
        # "开化县有多少个地质灾害隐患点": the count the table is about — its total column
        totals = [j for j, col in enumerate(table.columns) if TOTAL_COLUMN.search(col)]
        return totals[:1]
    if not good:
        return []
    top = good[0][0]
    return [j for sc, j in good if sc >= top - 0.5][:4]


def labelled_cells(table: Table, row: TableRow) -> str:
    """A row's stated cells under their columns ("一级指标 结构优化;2015年 67.75;2020年 65;2025年 60"),
    amounts with the table's unit; a column whose heading the PDF lost shows its value alone."""
    return ";".join(f"{'' if PLACEHOLDER_COLUMN.match(c) else c + ' '}{v}"
                    f"{table.unit if table.unit and is_amount(c) and num(v) is not None else ''}"
                    for c, v in zip(table.columns, row.cells) if has_value(v))
