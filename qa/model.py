"""The records passed between stages: parse → chunk → retrieve → answer.

All are frozen dataclasses so a stage can never mutate what an earlier one produced.
Line numbers are 1-based lines of the gazette text file, inclusive at both ends.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Unit:
    """A heading-delimited piece of a document: a chapter, an article, an outline item, a box.

    `path` is the heading path from the document root, e.g.
    ("第四章 防汛防台应对责任", "第十八条") or ("二、活动内容", "(三)免费时间").
    `label` is the short numbering of the last step ("第十八条", "(三)", "二、", "专栏1", "附件1").
    `text` holds the unit's own repaired text (its heading line included, children excluded).
    """

    path: tuple[str, ...]
    label: str
    heading: str
    kind: str  # chapter | article | section | box | attachment | preamble | body
    text: str
    line_start: int
    line_end: int
    children: tuple["Unit", ...] = ()

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def path_at(units_in_order: list[Unit], line: int) -> tuple[str, ...]:
    """Heading path of the last unit (in reading order) starting at or before `line`: where a table
    or list printed at that line stands in its document; () before the first unit."""
    best = None
    for u in units_in_order:
        if u.line_start <= line:
            best = u
    return best.path if best else ()


@dataclass(frozen=True)
class TableRow:
    header: str  # the row header, e.g. "龙游县" or "斗潭农贸市场"
    cells: tuple[str, ...]  # one per column of Table.columns (row header excluded)
    section: str | None  # e.g. "示范一批" for grouped rows
    line_start: int
    line_end: int
    raw: tuple[str, ...] = ()  # the cells as printed on the source line, in order


@dataclass(frozen=True)
class Table:
    caption: str  # e.g. "一、研究与试验发展经费支出"
    unit: str | None  # e.g. "亿元" from "单位:亿元"
    row_header: str  # the name of the row-header column ("地区", "序号", "一级指标"…)
    columns: tuple[str, ...]  # merged headers, e.g. "2018年 金额"
    rows: tuple[TableRow, ...]
    path: tuple[str, ...]  # where the table stands in its document
    line_start: int
    line_end: int


@dataclass(frozen=True)
class ItemList:
    """An enumeration such as a name list: a heading and its items in order."""

    heading: str
    items: tuple[str, ...]
    path: tuple[str, ...]
    line_start: int
    line_end: int
    item_lines: tuple[int, ...] = ()  # source line of each item


@dataclass(frozen=True)
class Document:
    key: str  # normalised 文号, e.g. "衢政办发〔2017〕29号"
    number: str  # 文号 as printed in the document header
    title: str  # the 通知/意见 title, wrapped lines and spaces joined
    issuer: str  # the signing body, e.g. "衢州市人民政府办公室"
    date: str  # ISO date of issue, e.g. "2017-05-05"
    recipients: str
    units: tuple[Unit, ...]
    tables: tuple[Table, ...]
    lists: tuple[ItemList, ...]
    line_start: int
    line_end: int
    subtitle: str | None = None  # title of the plan/办法 a 通知 印发s, if any
    attachments: tuple[str, ...] = ()  # attachment titles, in order

    def walk(self):
        for unit in self.units:
            yield from unit.walk()


@dataclass(frozen=True)
class TocEntry:
    title: str
    number: str  # 文号 as printed in the TOC
    key: str
    page: int | None
    section: str  # "市政府文件", "市府办文件", "机构与人事"


@dataclass(frozen=True)
class Issue:
    name: str  # "衢州政报"
    year: int
    number: int  # 期
    total_number: int | None  # 总第N期
    month: str | None  # "2017年3月"
    toc: tuple[TocEntry, ...]
    documents: tuple[Document, ...]
    source: str  # file name the issue was parsed from
    sha256: str
    # the source text, one entry per line (1-based line n is lines[n-1]): dated records narrow their
    # citation to the lines a date stands on, and the trigger-word scan reads it
    lines: tuple[str, ...] = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class Chunk:
    """What retrieval indexes and answers cite. `id` is stable: 文号 + heading path (+ /r<n>, /p<n>)."""

    id: str
    doc_key: str
    doc_number: str
    title: str
    path: tuple[str, ...]
    kind: str  # article | section | table | table_row | list | header
    text: str
    header: str  # context prefix for indexing: title + path
    line_start: int
    line_end: int
    dates: tuple[str, ...] = ()  # ISO dates mentioned in the text

    @property
    def section(self) -> str:
        return " / ".join(self.path)

    @property
    def index_text(self) -> str:
        return f"{self.header}\n{self.text}"


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    ranks: dict[str, int] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Citation:
    doc_number: str
    doc_key: str
    title: str
    section: str
    quote: str  # occurs verbatim in the cited chunk's text
    chunk_id: str
    line_start: int
    line_end: int
    status: str = ""  # the cited document's dated status ("2017年5月10日起施行;…"), set where shown


@dataclass(frozen=True)
class Answer:
    answer: str
    found: bool
    kind: str  # fact | list | date | table | refusal
    citations: tuple[Citation, ...]
    rewritten_question: str
    timings: dict[str, float] = field(default_factory=dict)
    related: tuple[Citation, ...] = ()  # pointers offered with a refusal
