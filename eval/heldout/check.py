#!/usr/bin/env python3
"""Sanity check for the development eval set (standard library only).

Verifies, for every item in questions.jsonl and every turn in dialogs.jsonl:
  * valid JSON, required fields and types, allowed `type` values
  * every must-string occurs verbatim in the gazette
  * every must-string occurs on one of its listed lines (whitespace removed on both sides)
  * every doc number occurs verbatim in the gazette
  * ids unique; unanswerable items have must/lines empty, doc_numbers null and a note
  * every doc number is exactly a document header line of the gazette (e.g. 衢政办发[2017]14号)
  * no question text identical to one in eval/gold or eval/dev (questions or dialog turns)
Warnings (do not fail): section components not found as a line prefix, and
held-out questions whose character-bigram similarity to a gold or dev question is high.
Exit status 1 if any error.
"""
import json
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
SRC = os.path.join(ROOT, "data", "gazettes", "quzhou-zhengbao-2017-02.txt")
GOLD_Q = os.path.join(ROOT, "eval", "gold", "questions.jsonl")
GOLD_D = os.path.join(ROOT, "eval", "gold", "dialogs.jsonl")
DEV_Q = os.path.join(ROOT, "eval", "dev", "questions.jsonl")
DEV_D = os.path.join(ROOT, "eval", "dev", "dialogs.jsonl")
HQ = os.path.join(HERE, "questions.jsonl")
HD = os.path.join(HERE, "dialogs.jsonl")

TYPES = {"fact", "list", "date", "table", "multi", "unanswerable"}
WANT = {"fact": 18, "list": 6, "date": 6, "table": 7, "multi": 3, "unanswerable": 10}
MIN_DOCS = 18
N_DIALOGS = 7
SIM_WARN = 0.6

errors, warnings = [], []
text = open(SRC, encoding="utf-8").read()
lines = text.split("\n")
nows = lambda s: re.sub(r"\s+", "", s)
lines_nows = [nows(l) for l in lines]
line_heads = [nows(l) for l in lines if l.strip()]
doc_headers = {l.strip() for l in lines if re.fullmatch(r"衢政(办)?(发|干)[〔\[]2017[〕\]]\d+号", l.strip())}


def load(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                out.append(json.loads(raw))
            except json.JSONDecodeError as e:
                errors.append(f"{os.path.basename(path)}:{n}: invalid JSON: {e}")
    return out


def bigrams(s):
    s = re.sub(r"[\s\W_]+", "", s)
    return {s[i:i + 2] for i in range(len(s) - 1)}


def sim(a, b):
    A, B = bigrams(a), bigrams(b)
    return len(A & B) / max(1, len(A | B))


def check_item(tag, it, unanswerable=False):
    for k, typ in (("question", str), ("sections", list), ("must", list), ("lines", list)):
        if not isinstance(it.get(k), typ):
            errors.append(f"{tag}: field '{k}' missing or not {typ.__name__}")
            return
    if not it["question"].strip():
        errors.append(f"{tag}: empty question")
    docs = it.get("doc_numbers", "MISSING")
    if unanswerable:
        if docs is not None:
            errors.append(f"{tag}: unanswerable must have doc_numbers null")
        if it["must"] or it["lines"]:
            errors.append(f"{tag}: unanswerable must have empty must/lines")
        if not str(it.get("note", "")).strip():
            errors.append(f"{tag}: unanswerable needs a note")
        return
    if not isinstance(docs, list) or not docs:
        errors.append(f"{tag}: doc_numbers must be a non-empty list")
    else:
        for d in docs:
            if d not in text:
                errors.append(f"{tag}: doc number not in source: {d}")
            elif d not in doc_headers:
                errors.append(f"{tag}: doc number not spelled as in its header line: {d}")
    if not it["must"]:
        errors.append(f"{tag}: must is empty")
    if not it["lines"] or not all(isinstance(n, int) and 1 <= n <= len(lines) for n in it["lines"]):
        errors.append(f"{tag}: bad lines {it['lines']}")
        return
    for m in it["must"]:
        if not isinstance(m, str) or not m:
            errors.append(f"{tag}: bad must entry {m!r}")
            continue
        if m not in text:
            errors.append(f"{tag}: must not verbatim in source: {m!r}")
        if not any(nows(m) in lines_nows[n - 1] for n in it["lines"]):
            errors.append(f"{tag}: must {m!r} not on listed lines {it['lines']}")
    for n in it["lines"]:
        if not any(nows(m) in lines_nows[n - 1] for m in it["must"]):
            warnings.append(f"{tag}: listed line {n} holds none of the must-strings")
    for s in it["sections"]:
        for comp in s.split("/"):
            c = nows(comp)
            if c and not any(h.startswith(c) for h in line_heads):
                warnings.append(f"{tag}: section component not found as a line start: {comp!r}")


gold_qs = [d["question"] for d in load(GOLD_Q)]
for d in load(GOLD_D):
    gold_qs += [t["question"] for t in d.get("turns", [])]
dev_qs = [d["question"] for d in load(DEV_Q)]
for d in load(DEV_D):
    dev_qs += [t["question"] for t in d.get("turns", [])]
gold_set = {g.strip() for g in gold_qs}
dev_set = {g.strip() for g in dev_qs}
prior = [("gold", g) for g in gold_qs] + [("dev", g) for g in dev_qs]

hq, hd = load(HQ), load(HD)
ids = Counter()
types = Counter()
docs_cov = set()
all_held = []

for it in hq:
    tag = it.get("id", "?")
    ids[tag] += 1
    if not re.fullmatch(r"t\d{3}", str(tag)):
        errors.append(f"{tag}: id should look like t001")
    typ = it.get("type")
    if typ not in TYPES:
        errors.append(f"{tag}: bad type {typ!r}")
        continue
    types[typ] += 1
    check_item(tag, it, unanswerable=(typ == "unanswerable"))
    if typ == "multi" and isinstance(it.get("doc_numbers"), list) and len(set(it["doc_numbers"])) < 2:
        errors.append(f"{tag}: multi should cite at least two documents")
    docs_cov.update(it.get("doc_numbers") or [])
    all_held.append((tag, it.get("question", "")))

for dl in hd:
    tag = dl.get("id", "?")
    ids[tag] += 1
    if not re.fullmatch(r"td\d{2}", str(tag)):
        errors.append(f"{tag}: id should look like td01")
    if dl.get("type") != "dialog":
        errors.append(f"{tag}: type must be 'dialog'")
    turns = dl.get("turns")
    if not isinstance(turns, list) or not 2 <= len(turns) <= 3:
        errors.append(f"{tag}: needs 2-3 turns")
        continue
    for i, t in enumerate(turns, 1):
        check_item(f"{tag}.t{i}", t)
        docs_cov.update(t.get("doc_numbers") or [])
        all_held.append((f"{tag}.t{i}", t.get("question", "")))

for k, v in ids.items():
    if v > 1:
        errors.append(f"duplicate id {k}")
for tag, qtext in all_held:
    if qtext.strip() in gold_set:
        errors.append(f"{tag}: question identical to a gold question: {qtext}")
    if qtext.strip() in dev_set:
        errors.append(f"{tag}: question identical to a dev question: {qtext}")
    src, best = max(prior, key=lambda g: sim(qtext, g[1]))
    s = sim(qtext, best)
    # very short dialog follow-ups ("那龙游县呢?") are expected to resemble other follow-ups
    if s >= SIM_WARN and not (tag.startswith("td") and len(re.sub(r"[\s\W_]+", "", qtext)) <= 6):
        warnings.append(f"{tag}: similar to {src} ({s:.2f}): {qtext!r} ~ {best!r}")
held_set = Counter(q.strip() for _, q in all_held if len(q.strip()) > 6)
for q, c in held_set.items():
    if c > 1:
        errors.append(f"held-out question text repeated {c}x: {q}")

for typ, n in WANT.items():
    if types[typ] != n:
        errors.append(f"type {typ}: have {types[typ]}, want {n}")
if len(docs_cov) < MIN_DOCS:
    errors.append(f"only {len(docs_cov)} documents covered, want >= {MIN_DOCS}")
if len(hd) != N_DIALOGS:
    errors.append(f"dialogs: have {len(hd)}, want {N_DIALOGS}")
if len(hq) != sum(WANT.values()):
    errors.append(f"questions: have {len(hq)}, want {sum(WANT.values())}")

print(f"questions: {len(hq)}  dialogs: {len(hd)} ({sum(len(d.get('turns', [])) for d in hd)} turns)")
print("per type: " + ", ".join(f"{k}={types[k]}" for k in WANT))
print(f"documents covered ({len(docs_cov)}): " + " ".join(sorted(docs_cov)))
for w in warnings:
    print("WARNING", w)
for e in errors:
    print("ERROR", e)
print("OK" if not errors else f"FAILED: {len(errors)} error(s)")
sys.exit(1 if errors else 0)
