"""Integrity tests for the evaluation sets (eval/gold/, eval/dev/, eval/heldout/).

Each set is written by reading the gazette, independently of qa/, index/ and service/. These
tests only check the files against the gazette source so that no set can silently rot (typos in
must-strings, stale line numbers); size, quotas and coverage are the gold set's own contract.
"""
import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "gazettes" / "quzhou-zhengbao-2017-02.txt"
GOLD = ROOT / "eval" / "gold"
SETS = ("gold", "dev", "heldout")  # eval/<name>/{questions,dialogs}.jsonl

QUESTION_TYPES = {"fact", "list", "date", "table", "multi", "unanswerable"}
QUOTAS = {"fact": 60, "list": 20, "date": 20, "table": 20, "multi": 10, "unanswerable": 25}
MIN_QUESTIONS = 170
MIN_DIALOGS = 24
MIN_PER_DOC = 3
MIN_PER_PERSONNEL_DOC = 2  # 衢政干 notices are only a few lines long

DOC_HEADER_RE = re.compile(r"衢政(?:办发|发|干)[〔\[]\d{4}[〕\]]\d+号")
DOC_NUMBER_RE = re.compile(r"衢政(?:办发|发|干)〔\d{4}〕\d+号")


def _nows(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _norm_doc(d: str) -> str:
    return d.replace("[", "〔").replace("]", "〕")


@pytest.fixture(scope="module")
def source_text():
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def source_lines(source_text):
    return source_text.splitlines()


@pytest.fixture(scope="module")
def source_nows(source_lines):
    return "".join(_nows(l) for l in source_lines)


@pytest.fixture(scope="module")
def doc_numbers_in_source(source_lines):
    """The 文号 printed alone on a line as a document header."""
    found = []
    for line in source_lines:
        s = line.strip()
        if DOC_HEADER_RE.fullmatch(s):
            found.append(_norm_doc(s))
    return found


def _load_jsonl(path):
    items = []
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                items.append(json.loads(raw))
            except json.JSONDecodeError as e:  # pragma: no cover - reported by assert
                pytest.fail(f"{path.name}:{n} is not valid JSON: {e}")
    return items


@pytest.fixture(scope="module", params=SETS)
def eval_set(request):
    return ROOT / "eval" / request.param


@pytest.fixture(scope="module")
def questions(eval_set):
    return _load_jsonl(eval_set / "questions.jsonl")


@pytest.fixture(scope="module")
def dialogs(eval_set):
    return _load_jsonl(eval_set / "dialogs.jsonl")


@pytest.fixture(scope="module")
def gold_questions():
    return _load_jsonl(GOLD / "questions.jsonl")


@pytest.fixture(scope="module")
def gold_dialogs():
    return _load_jsonl(GOLD / "dialogs.jsonl")


def _evidence_units(questions, dialogs):
    """(label, item-with-doc_numbers/sections/must/lines) for every question and dialog turn."""
    for q in questions:
        yield q["id"], q
    for d in dialogs:
        for k, t in enumerate(d["turns"]):
            yield f"{d['id']}.t{k + 1}", t


# ---------------------------------------------------------------- source sanity


def test_source_has_24_documents(doc_numbers_in_source):
    assert len(doc_numbers_in_source) == 24, doc_numbers_in_source
    assert len(set(doc_numbers_in_source)) == 24
    kinds = Counter(re.match(r"衢政(办发|发|干)", d).group(1) for d in doc_numbers_in_source)
    assert kinds == {"发": 6, "办发": 16, "干": 2}


# ---------------------------------------------------------------- structure


def test_files_parse_and_are_nonempty(questions, dialogs):
    assert questions and dialogs


def test_gold_set_size(gold_questions, gold_dialogs):
    assert len(gold_questions) >= MIN_QUESTIONS
    assert len(gold_dialogs) >= MIN_DIALOGS


def test_no_question_repeats_another_set():
    # a set is only independent if it does not ask what another set asks, word for word
    seen: dict[str, str] = {}
    for name in SETS:
        for q in _load_jsonl(ROOT / "eval" / name / "questions.jsonl"):
            assert seen.setdefault(q["question"], name) == name, (q["id"], name, seen[q["question"]])


def test_ids_unique(questions, dialogs):
    ids = [q["id"] for q in questions] + [d["id"] for d in dialogs]
    dup = [i for i, c in Counter(ids).items() if c > 1]
    assert not dup, dup


def test_question_fields_and_types(questions):
    for q in questions:
        for key in ("id", "type", "question", "doc_numbers", "sections", "must", "lines"):
            assert key in q, (q.get("id"), key)
        assert q["type"] in QUESTION_TYPES, q["id"]
        assert isinstance(q["question"], str) and q["question"].strip(), q["id"]
        assert isinstance(q["sections"], list), q["id"]
        assert isinstance(q["must"], list), q["id"]
        assert isinstance(q["lines"], list), q["id"]
        assert all(isinstance(m, str) and m for m in q["must"]), q["id"]
        assert all(isinstance(n, int) for n in q["lines"]), q["id"]
        if "must_not" in q:
            assert isinstance(q["must_not"], list) and all(isinstance(m, str) and m for m in q["must_not"]), q["id"]
            assert not set(q["must_not"]) & set(q["must"]), q["id"]


def test_type_quotas(gold_questions):
    counts = Counter(q["type"] for q in gold_questions)
    for typ, minimum in QUOTAS.items():
        assert counts[typ] >= minimum, (typ, counts[typ], minimum)


def test_question_texts_unique(questions):
    dup = [t for t, c in Counter(q["question"] for q in questions).items() if c > 1]
    assert not dup, dup


def test_unanswerable_items_have_no_gold(questions):
    for q in questions:
        if q["type"] == "unanswerable":
            assert q["doc_numbers"] is None, q["id"]
            assert q["must"] == [], q["id"]
            assert q["lines"] == [], q["id"]
        else:
            assert q["doc_numbers"], q["id"]
            assert q["must"], q["id"]
            assert q["lines"], q["id"]


def test_multi_items_name_two_documents(questions):
    for q in questions:
        if q["type"] == "multi":
            assert len(q["doc_numbers"]) == 2, q["id"]
            assert len(set(q["doc_numbers"])) == 2, q["id"]


def test_dialog_structure(dialogs):
    for d in dialogs:
        assert d.get("type") == "dialog", d["id"]
        assert 2 <= len(d["turns"]) <= 3, d["id"]
        for t in d["turns"]:
            for key in ("question", "doc_numbers", "sections", "must", "lines"):
                assert key in t, (d["id"], key)
            assert t["question"].strip(), d["id"]
            assert t["doc_numbers"], d["id"]
            assert t["must"], d["id"]
            assert t["lines"], d["id"]


# ---------------------------------------------------------------- grounding in the source


def test_doc_numbers_exist_in_source(questions, dialogs, source_text, doc_numbers_in_source):
    for label, unit in _evidence_units(questions, dialogs):
        for d in map(_norm_doc, unit["doc_numbers"] or []):  # a set may print [2017] as the document does
            assert DOC_NUMBER_RE.fullmatch(d), (label, d, "not a 文号")
            bracket = d.replace("〔", "[").replace("〕", "]")
            assert d in source_text or bracket in source_text, (label, d)
            assert d in doc_numbers_in_source, (label, d, "not a document header of this issue")


def test_lines_in_range(questions, dialogs, source_lines):
    n = len(source_lines)
    for label, unit in _evidence_units(questions, dialogs):
        for ln in unit["lines"]:
            assert 1 <= ln <= n, (label, ln)
            assert source_lines[ln - 1].strip(), (label, ln, "points at an empty line")


def test_must_strings_occur_in_source_and_listed_lines(questions, dialogs, source_text, source_lines):
    for label, unit in _evidence_units(questions, dialogs):
        listed = [_nows(source_lines[ln - 1]) for ln in unit["lines"]]
        for m in unit["must"]:
            assert not re.search(r"\s", m), (label, m, "must-strings must not contain whitespace")
            assert m in source_text, (label, m, "not in source")
            assert any(m in l for l in listed), (label, m, unit["lines"], "not in any listed line")


def test_every_listed_line_carries_evidence(questions, dialogs, source_lines):
    """Each listed line holds at least one must-string (no stray line numbers)."""
    for label, unit in _evidence_units(questions, dialogs):
        for ln in unit["lines"]:
            line = _nows(source_lines[ln - 1])
            assert any(m in line for m in unit["must"]), (label, ln)


def test_section_steps_occur_in_source(questions, dialogs, source_nows):
    for label, unit in _evidence_units(questions, dialogs):
        for path in unit["sections"]:
            assert isinstance(path, str) and path, label
            for step in path.split("/"):
                assert _nows(step) in source_nows, (label, path, step)


def test_evidence_lines_lie_in_the_named_documents(questions, dialogs, source_lines, doc_numbers_in_source):
    """Every listed line falls inside the span of one of the item's documents."""
    header_lines = [i + 1 for i, l in enumerate(source_lines) if DOC_HEADER_RE.fullmatch(l.strip())]
    # a document starts at its title (the last non-empty line before the 文号 line)
    starts = []
    for h in header_lines:
        j = h - 1
        while not source_lines[j - 1].strip():
            j -= 1
        starts.append(j)
    spans = {}
    for k, doc in enumerate(doc_numbers_in_source):
        end = starts[k + 1] - 1 if k + 1 < len(starts) else len(source_lines)
        spans[doc] = (starts[k], end)
    for label, unit in _evidence_units(questions, dialogs):
        docs = [_norm_doc(d) for d in unit["doc_numbers"] or []]
        for ln in unit["lines"]:
            assert any(spans[d][0] <= ln <= spans[d][1] for d in docs), (label, ln, docs)


# ---------------------------------------------------------------- coverage


def test_all_24_documents_covered(gold_questions, gold_dialogs, doc_numbers_in_source):
    per_doc = Counter()
    for q in gold_questions:
        for d in q["doc_numbers"] or []:
            per_doc[d] += 1
    covered = set(per_doc)
    for d in gold_dialogs:
        for t in d["turns"]:
            covered.update(t["doc_numbers"])
    missing = set(doc_numbers_in_source) - covered
    assert not missing, missing
    for doc in doc_numbers_in_source:
        minimum = MIN_PER_PERSONNEL_DOC if doc.startswith("衢政干") else MIN_PER_DOC
        assert per_doc[doc] >= minimum, (doc, per_doc[doc], minimum)
