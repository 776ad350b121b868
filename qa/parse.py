"""Gazette text → Issue → Documents → Units, Tables and Lists.

The text is PDF-extracted: one printed paragraph per line (blank lines between), paragraphs broken
at page/column breaks, tab-separated tables whose headers repeat at each page, page furniture.
`parse_text` is pure; `parse_file` is the I/O shell that validates the input first.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from qa.errors import GazetteFormatError
from qa.lists import extract_lists
from qa.model import Document, Issue, ItemList, Table, TocEntry, Unit
from qa.tables import parse_tables
from qa.text import join_cjk, normalize_doc_number

# ---------------------------------------------------------------- line patterns
DOCNO_LINE = re.compile(r"^\s*((?:衢政|浙政|[\u4e00-\u9fff]{1,4}政)[\u4e00-\u9fff]{0,3}[〔\[［【]\s*\d{4}\s*[〕\]］】]\s*\d+\s*号)\s*$")
ISSUER_LINE = re.compile(r"^(衢州市人民政府(?:办公室)?)$")
DATE_LINE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
FURNITURE = re.compile(r"^(ZHENGBAO|QUZHOU|衢州政[報报])$")
CN = "一二三四五六七八九十百零〇"
H_CHAPTER = re.compile(rf"^第([{CN}]+)章\s*(.*)$")
H_ARTICLE = re.compile(rf"^第([{CN}]+)条\s*")
H_L1 = re.compile(rf"^([{CN}]+)、\s*")
H_L2 = re.compile(rf"^[((]\s*([{CN}]+)\s*[))]\s*")
H_L3 = re.compile(r"^(\d{1,2})[\.．]\s*(?!\d)")
H_L4 = re.compile(r"^[((](\d{1,2})[))]\s*")
H_BOX = re.compile(r"^专栏\s*(\d+)\s*(.*)$")
H_ATTACH = re.compile(r"^附件\s*(\d*)$")
ATTACH_REF = re.compile(r"^[-\s]*附件[::]\s*(.*)$")
TERMINAL = tuple("。;;!!??::")
TITLE_END = re.compile(r"(方案|计划|办法|名单|清单|表|要求|规定|意见|通知|通报|工程|任务|公司|年|号|中心|站|局|[))])$")
TOPIC_SENTENCE = re.compile(r"^[^。,,;;:、]{2,16}。")


@dataclass(frozen=True)
class Para:
    """A repaired paragraph: one or more source lines joined where the sentence clearly continues."""

    text: str
    start: int
    end: int
    cells: tuple[str, ...] | None = None  # set for a tab-separated table line
    tail: int = 0  # length of the last source line: a page-cut line is long


# ---------------------------------------------------------------- I/O shell
def parse_file(path: str | Path) -> Issue:
    """Read and parse one gazette file. Raises GazetteFormatError with a one-line reason."""
    p = Path(path)
    if not p.is_file():
        raise GazetteFormatError(f"{p}: no such file")
    raw = p.read_bytes()
    if not raw.strip():
        raise GazetteFormatError(f"{p}: the file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GazetteFormatError(f"{p}: not UTF-8 text (byte {exc.start}); convert it to UTF-8 first") from None
    return parse_text(text, source=p.name, sha256=hashlib.sha256(raw).hexdigest())


# ---------------------------------------------------------------- pure core
def parse_text(text: str, source: str = "<text>", sha256: str | None = None) -> Issue:
    lines = [ln.rstrip("\r").rstrip(" ") for ln in text.split("\n")]  # keep trailing tabs: empty cells
    numbered = [(i + 1, ln) for i, ln in enumerate(lines)]
    heads = [i for i, (_, ln) in enumerate(numbered) if DOCNO_LINE.match(ln) and _is_doc_header(numbered, i)]
    if not heads:
        raise GazetteFormatError(f"{source}: no document header (文号 line such as 衢政发〔2017〕11号) found; is this a gazette?")
    starts = [_title_start(numbered, i) for i in heads]
    documents = []
    for n, (head, start) in enumerate(zip(heads, starts)):
        end = starts[n + 1] if n + 1 < len(starts) else len(numbered)
        documents.append(_parse_document(numbered[start:head], numbered[head], numbered[head + 1 : end]))
    meta = _issue_meta(lines[: max(starts[0], 1)])
    toc = _parse_toc(numbered[: starts[0]])
    return Issue(
        name=meta["name"],
        year=meta["year"],
        number=meta["number"],
        total_number=meta["total"],
        month=meta["month"],
        toc=tuple(toc),
        documents=tuple(documents),
        source=source,
        sha256=sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest(),
        lines=tuple(lines),
    )


def _is_doc_header(numbered: list[tuple[int, str]], i: int) -> bool:
    """A 文号 standing alone right after a title line (not a 文号 cited inside a sentence)."""
    prev = _prev_nonempty(numbered, i)
    return prev is not None and numbered[prev][1].strip().startswith("衢州市人民政府")


def _prev_nonempty(numbered: list[tuple[int, str]], i: int) -> int | None:
    j = i - 1
    while j >= 0 and not numbered[j][1].strip():
        j -= 1
    return j if j >= 0 else None


def _title_start(numbered: list[tuple[int, str]], head: int) -> int:
    """Titles may wrap; walk back over lines until the one that starts with the issuing body."""
    j = _prev_nonempty(numbered, head)
    k = j
    steps = 0
    while k is not None and steps < 3:
        if numbered[k][1].strip().startswith("衢州市人民政府"):
            return k
        k = _prev_nonempty(numbered, k)
        steps += 1
    return j if j is not None else head


def _issue_meta(front: list[str]) -> dict:
    joined = "\n".join(front[:40])
    name = "衢州政报" if re.search(r"衢州政[報报]", joined) else "政府公报"
    month = re.search(r"(\d{4})年(\d{1,2})月", joined)
    number = re.search(r"第\s*(\d+)\s*期", joined)
    total = re.search(r"总第\s*(\d+)\s*期", joined)
    return {
        "name": name,
        "year": int(month.group(1)) if month else 0,
        "month": month.group(0) if month else None,
        "number": int(number.group(1)) if number else 0,
        "total": int(total.group(1)) if total else None,
    }


TOC_ENTRY = re.compile(r"^(?P<title>.*?)\s*[((](?P<no>[\u4e00-\u9fff]{2,6}[〔\[［【]\d{4}[〕\]］】]\d+号)[))]\s*(?:\.{2,}|…+)?\s*(?P<page>\d+)?\s*$")


def _parse_toc(front: list[tuple[int, str]]) -> list[TocEntry]:
    entries: list[TocEntry] = []
    section = ""
    pending = ""
    in_toc = False
    for _, raw in front:
        line = raw.strip()
        if not line:
            continue
        if re.sub(r"\s", "", line) == "目录":
            in_toc = True
            continue
        if not in_toc or FURNITURE.match(line):
            continue
        if line.startswith("编辑委员会"):
            break
        if line.startswith("●"):
            section = line.lstrip("● ").strip()
            continue
        m = TOC_ENTRY.match(pending + line)
        if m and m.group("title"):
            entries.append(
                TocEntry(
                    title=join_cjk(m.group("title")),
                    number=m.group("no"),
                    key=normalize_doc_number(m.group("no")),
                    page=int(m.group("page")) if m.group("page") else None,
                    section=section,
                )
            )
            pending = ""
        elif line.startswith("衢州市人民政府"):
            pending = line  # a title whose 文号 wrapped to the next line
    return entries


# ---------------------------------------------------------------- paragraphs
def paragraphs(lines: list[tuple[int, str]]) -> list[Para]:
    """Join lines broken mid-sentence; keep table lines and headings as their own paragraphs.

    A line continues the previous one when the previous one does not end a sentence, is long enough
    to have been cut by the page edge, and the line itself does not start a heading.
    """
    out: list[Para] = []
    for no, raw in lines:
        if not raw.strip() or FURNITURE.match(raw.strip()):
            continue
        if "\t" in raw:
            out.append(Para(raw.strip("\n"), no, no, tuple(c.strip() for c in raw.split("\t"))))
            continue
        line = raw.strip()
        if out and _continues(out[-1], line):
            prev = out[-1]
            out[-1] = Para(prev.text + line, prev.start, no, tail=len(line))
        else:
            out.append(Para(line, no, no, tail=len(line)))
    return out


def _continues(prev: Para, line: str) -> bool:
    if prev.cells is not None or prev.text.endswith(TERMINAL):
        return False
    if heading_of(line) is not None:
        return False
    head = heading_of(prev.text)
    # a short heading line is a title ("(一)加强组织领导"); an article's first line is body text
    # that runs on ("第六条 2017年5月1日前购买的电动自行车缺失购" / "车发票、…"), and so is the text
    # after a run-in heading ("(三) 加大政策扶持。从2017年起,市政府安排资金" / "2800万元,重点用于…")
    if head is not None and head[0] != "article" and len(prev.text) < 30 and "。" not in prev.text:
        return False
    if DATE_LINE.match(line) or ISSUER_LINE.match(line) or H_ATTACH.match(line) or ATTACH_REF.match(line):
        return False
    if ISSUER_LINE.match(prev.text) or DATE_LINE.match(prev.text):
        return False
    if prev.text.endswith(("、", ",", ",", "(", "(", "“")):
        return True
    if TITLE_END.search(prev.text):
        return False  # titles of plans and attachments, names in a list
    # A page-cut line runs to the page edge; a short cut line is followed by the long rest of it.
    if prev.tail >= 40:
        return True
    return prev.tail >= 20 and (len(line) >= 30 or line.endswith("。"))


def heading_of(text: str) -> tuple[str, str, str] | None:
    """(kind, label, title) of a heading paragraph, else None.

    >>> heading_of("(三)免费时间:")
    ('l2', '(三)', '免费时间')
    """
    t = text.strip()
    m = H_CHAPTER.match(t)
    if m:
        return ("chapter", f"第{m.group(1)}章", m.group(2).strip())
    m = H_ARTICLE.match(t)
    if m:
        return ("article", f"第{m.group(1)}条", "")
    m = H_BOX.match(t)
    if m:
        return ("box", f"专栏{m.group(1)}", m.group(2).strip())
    for kind, rx, fmt in (("l1", H_L1, "{}、"), ("l2", H_L2, "({})"), ("l4", H_L4, "({})"), ("l3", H_L3, "{}.")):
        m = rx.match(t)
        if m:
            rest = t[m.end():]
            return (kind, fmt.format(m.group(1)), _short_title(rest))
    return None


def _short_title(rest: str) -> str:
    """The title part of an outline heading: the whole line if short, else its first clause."""
    rest = rest.strip()
    if len(rest) <= 40 and not re.search(r"[。;;]", rest[:-1]):
        return rest.rstrip("。:: ")
    m = re.match(r"^(.{1,40}?)[。::;;]", rest)
    if m:
        return m.group(1)
    return ""


# ---------------------------------------------------------------- documents
def _parse_document(title_lines, head, body) -> Document:
    number = head[1].strip()
    key = normalize_doc_number(number)
    title = join_cjk("".join(ln for _, ln in title_lines if ln.strip()))
    paras = paragraphs(body)
    recipients = ""
    if paras and paras[0].cells is None and paras[0].text.endswith((":", ":")) and len(paras[0].text) < 80 and "各" in paras[0].text:
        recipients = paras[0].text.rstrip("::")
        paras = paras[1:]
    sig = _signature(paras)
    issuer, date = "", ""
    notice, after = paras, []
    if sig is not None:
        i, has_date = sig
        issuer = paras[i].text
        if has_date:
            y, mo, d = DATE_LINE.match(paras[i + 1].text).groups()
            date = f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"
        notice, after = paras[:i], paras[i + (2 if has_date else 1):]
    attach_refs = _attachment_refs(notice) + _attachment_refs(after)
    subtitle = None
    plan, attachments = _split_enclosure(after, attach_refs)
    if plan and plan[0].cells is None and heading_of(plan[0].text) is None and len(plan[0].text) <= 60 and not plan[0].text.endswith(TERMINAL):
        subtitle = join_cjk(plan[0].text)
    article_mode = any(H_ARTICLE.match(p.text) for p in notice + plan)
    units: list[Unit] = []
    units += _outline(notice, root_name="正文", article_mode=article_mode)
    if plan:
        units += _outline(plan[1:] if subtitle else plan, root_name=subtitle or "正文", article_mode=article_mode, root_para=plan[0] if subtitle else None)
    tables: list[Table] = []
    lists: list[ItemList] = []
    attach_titles: list[str] = []
    for label, att in attachments:
        att_title = _attachment_title(att) or label
        attach_titles.append(att_title)
        name = f"{label} {att_title}".strip() if label != att_title else label
        att_units, att_tables, att_lists = _parse_attachment(att, name)
        units += att_units
        tables += att_tables
        lists += att_lists
    # Lists and tables can also stand in the body (name lists in a 通报, scenic spots in a sentence).
    body_units = [u for u in units if not u.path or not u.path[0].startswith("附件")]
    lists = _body_lists(notice + plan, body_units) + lists
    tables = parse_tables(notice + plan, body_units, default_path=(subtitle or "正文",)) + tables
    last = body[-1][0] if body else head[0]
    return Document(
        key=key,
        number=number,
        title=title,
        issuer=issuer,
        date=date,
        recipients=recipients,
        units=tuple(units),
        tables=tuple(tables),
        lists=tuple(lists),
        line_start=title_lines[0][0] if title_lines else head[0],
        line_end=last,
        subtitle=subtitle,
        attachments=tuple(attach_titles or attach_refs),
    )


def _signature(paras: list[Para]) -> tuple[int, bool] | None:
    for i, p in enumerate(paras):
        if p.cells is None and ISSUER_LINE.match(p.text):
            if i + 1 < len(paras) and DATE_LINE.match(paras[i + 1].text):
                return i, True
            if i + 1 == len(paras):
                return i, False
    return None


def _attachment_refs(paras: list[Para]) -> list[str]:
    """Titles named in an "附件:1.… 2.…" line of the notice, in order."""
    refs: list[str] = []
    for i, p in enumerate(paras):
        m = ATTACH_REF.match(p.text) if p.cells is None else None
        if not m:
            continue
        first = m.group(1).strip()
        items = [first] + [q.text for q in paras[i + 1 :] if q.cells is None and H_L3.match(q.text)][:20]
        for item in items:
            item = H_L3.sub("", item).strip()
            if item:
                refs.append(join_cjk(item))
        # only consecutive numbered lines belong to the reference list
        break
    return refs


def _ref_match(text: str, refs: list[str]) -> bool:
    t = re.sub(r"\s", "", text)
    if len(t) < 6:
        return False
    return any(t == r or (len(t) >= 8 and (t in r or r in t)) for r in (re.sub(r"\s", "", x) for x in refs))


def _split_enclosure(paras: list[Para], refs: list[str]):
    """Split what follows the signature into the enclosed plan and labelled attachments.

    An attachment starts at an "附件" / "附件1" label line, or at a title line that the notice's
    "附件:" reference names (some attachments in the print carry no label).
    """
    cuts: list[tuple[int, str]] = []
    # titles are matched only after the "附件:" reference list itself
    ref_at = max((i for i, p in enumerate(paras) if p.cells is None and ATTACH_REF.match(p.text)), default=-1)
    if ref_at >= 0:
        ref_at += max(len(_attachment_refs(paras[ref_at:])) - 1, 0)
    for i, p in enumerate(paras):
        if p.cells is not None or i <= ref_at:
            continue
        m = H_ATTACH.match(p.text)
        if m:
            label = f"附件{m.group(1)}" if m.group(1) else "附件"
            # a title printed just before the label belongs to the attachment
            if cuts and cuts[-1][0] == i - 1 and cuts[-1][1].startswith("@title"):
                cuts[-1] = (i - 1, label)
            elif i - 1 > ref_at and _ref_match(paras[i - 1].text, refs) and (not cuts or cuts[-1][0] < i - 1):
                cuts.append((i - 1, label))
            else:
                cuts.append((i, label))
            continue
        if refs and i > 0 and _ref_match(p.text, refs) and not (cuts and cuts[-1][0] == i - 1):
            idx = next(k for k, r in enumerate(refs, 1) if _ref_match(p.text, [r]))
            cuts.append((i, "@title" + str(idx)))
    if not cuts:
        return paras, []
    fixed = []
    for i, label in cuts:
        if label.startswith("@title"):
            idx = int(label[6:])
            label = f"附件{idx}" if len(refs) > 1 else "附件"
        fixed.append((i, label))
    plan = paras[: fixed[0][0]]
    atts = []
    for n, (i, label) in enumerate(fixed):
        j = fixed[n + 1][0] if n + 1 < len(fixed) else len(paras)
        atts.append((label, paras[i:j]))
    return plan, atts


def _attachment_title(att: list[Para]) -> str:
    for p in att[:3]:
        if p.cells is None and not H_ATTACH.match(p.text) and heading_of(p.text) is None:
            return join_cjk(p.text)
    return ""


def _parse_attachment(att: list[Para], name: str):
    """An attachment is a titled table, a name list, or an outlined text (often a mix)."""
    body = [p for p in att if not (p.cells is None and H_ATTACH.match(p.text))]
    title = _attachment_title(att)
    if body and title and body[0].text.strip() == title or (body and join_cjk(body[0].text) == title):
        body = body[1:]
    units = _outline(body, root_name=name, article_mode=False, keep_tables=False, root_title=title)
    tables = parse_tables(body, units, default_path=(name,))
    titled = [p for p in att if p.cells is None and not H_ATTACH.match(p.text)]
    lists = extract_lists(titled, units, default_path=(name,))
    return units, tables, lists


def _body_lists(paras: list[Para], units: list[Unit]) -> list[ItemList]:
    return extract_lists([p for p in paras if p.cells is None], units, default_path=("正文",))


# ---------------------------------------------------------------- outline → unit tree
LEVEL = {"chapter": 0, "article": 1, "l1": 1, "box": 5, "l2": 2, "l3": 3, "l4": 4}


@dataclass
class _Node:
    label: str
    heading: str
    kind: str
    level: int
    paras: list
    children: list


def _outline(paras: list[Para], root_name: str, article_mode: bool, root_para: Para | None = None,
             keep_tables: bool = False, root_title: str = "") -> list[Unit]:
    """Build the unit tree from headings. Inside a 第X条 the (一)/1. items are 项 of the article."""
    root = _Node(root_name, root_name, "body", -1, [root_para] if root_para else [], [])
    stack = [root]
    in_box = False
    for p in paras:
        if p.cells is not None:
            continue  # tables are parsed separately and attached by line span
        h = heading_of(p.text)
        if h is not None and article_mode and h[0] in ("l2", "l3", "l4") and any(n.kind == "article" for n in stack):
            h = None
        if h is not None and h[0] == "box":
            node = _Node(h[1], f"{h[1]} {h[2]}".strip(), "box", 5, [p], [])
            stack[-1].children.append(node)
            stack.append(node)
            in_box = True
            continue
        if in_box and (h is not None or TOPIC_SENTENCE.match(p.text)):
            stack.pop()  # a box holds its own paragraphs only; the text resumes after it
            in_box = False
        if h is None:
            stack[-1].paras.append(p)
            continue
        kind, label, title = h
        level = LEVEL[kind]
        if article_mode and kind == "article":
            level = 1
        while len(stack) > 1 and stack[-1].level >= level:
            stack.pop()
        heading = label + title if kind not in ("chapter", "article") else (f"{label} {title}".strip())
        node = _Node(label, heading, _unit_kind(kind), level, [p], [])
        stack[-1].children.append(node)
        stack.append(node)
    units: list[Unit] = []
    if root.paras:
        units.append(_freeze(root, (root_name,), children=False))
    for child in root.children:
        units.append(_freeze(child, (root_name,) if root_name.startswith("附件") else ()))
    return units


def _unit_kind(kind: str) -> str:
    return {"chapter": "chapter", "article": "article", "box": "box"}.get(kind, "section")


def _freeze(node: _Node, parent: tuple[str, ...], children: bool = True) -> Unit:
    path = parent + (node.heading,) if node.kind != "body" or not parent else parent
    if node.kind == "body":
        path = parent
    kids = tuple(_freeze(c, path) for c in node.children) if children else ()
    text = "\n".join(p.text for p in node.paras)
    starts = [p.start for p in node.paras] + [k.line_start for k in kids]
    ends = [p.end for p in node.paras] + [k.line_end for k in kids]
    return Unit(
        path=path,
        label=node.label,
        heading=node.heading,
        kind=node.kind if node.kind != "body" else ("attachment" if path[0].startswith("附件") else "preamble"),
        text=text,
        line_start=min(starts) if starts else 0,
        line_end=max(ends) if ends else 0,
        children=kids,
    )
