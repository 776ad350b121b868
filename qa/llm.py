"""Optional LLM phrasing over an OpenAI-compatible chat endpoint (llama.cpp server, vLLM, Ollama …).

A pure core — prompt rendering, verification of the model's answer against the units it was
given, turning an accepted answer into an `Answer` with verbatim citations — and a thin I/O shell,
`LLMPhraser`, that POSTs `{base_url}/chat/completions` and never raises: on any failure (timeout,
connection error, non-200, malformed JSON, an answer that cites a unit it was not given or states
a number/date that its cited units do not contain) the extractive draft is returned and the reason
is logged on the "qa.llm" logger.
"""
from __future__ import annotations

import json
import logging
import re
import time
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Self

import httpx

from qa.cite import MARKER, make_citation
from qa.config import Settings
from qa.model import Answer, Chunk, Citation
from qa.text import cn_to_int

__all__ = [
    "NOT_COVERED",
    "LLMConfig",
    "LLMPhraser",
    "build_condense_messages",
    "build_messages",
    "draft_units",
    "load_prompt",
    "render_prompt",
    "to_answer",
    "verify_llm_answer",
]

PROMPTS_DIR = Path(__file__).resolve().parents[1] / "prompts"
NOT_COVERED = "本期公报未作规定"
SPLIT_MARK = "\n---\n"  # in a prompt file: system instructions above, the user message below
MAX_UNIT_CHARS = 2000  # of one unit's text shown to the model
MAX_ANSWER_CHARS = 400  # "one or two sentences": anything longer is not what was asked for
MAX_CONDENSED_CHARS = 200
LOG_QUESTION_CHARS = 80

# a citation mark: [1], ［１］, 【1】, [1, 2], [1、3] — never the bracketed year of a 文号 ("[2017]14号")
_MARK = re.compile(r"[\[［【]\s*([0-9０-９]{1,3}(?:\s*[,，、]\s*[0-9０-９]{1,3})*)\s*[\]］】](?!\s*[0-9０-９]+\s*号)")
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL)
_SENT = re.compile(r"[^。;;!?!?\n]*[。;;!?!?]|[^。;;!?!?\n]+")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")
_CN_RUN = re.compile(r"[零〇○一二两三四五六七八九十百千]+")
_CN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "○": 0, "两": 2}
_DATE_SUFFIX = "年月日"
_CLASSIFIERS = "个家名项天条类批所处人次岁元倍%期届周万亿"
# dates and numbers, longest forms first; 号 ends a day only right after 月 (else "14号" of a 文号 is a day)
_TOKEN = re.compile(
    r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?"
    r"|(?<![\d.])(?P<m2>\d{1,2})\s*月(?:\s*(?P<d2>\d{1,2})\s*[日号])?"
    r"|(?P<y3>\d{4})\s*年"
    r"|(?<![\d.])(?P<d3>\d{1,2})\s*日"
    r"|(?P<num>\d+(?:\.\d+)?)"
)

Fact = tuple  # ("num", Decimal) | ("ymd", y, m, d) | ("ym", y, m) | ("md", m, d) | ("m", m)


# ------------------------------------------------------------------ configuration and prompts
@dataclass(frozen=True)
class LLMConfig:
    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    timeout: float = 20.0
    max_units: int = 6
    max_tokens: int = 512
    phrase_kinds: tuple[str, ...] = ("fact",)  # computed answers (dates, tables, lists) stay as computed

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMConfig | None:
        """None unless QA_LLM_BASE_URL is set."""
        base = (settings.llm_base_url or "").strip()
        if not base:
            return None
        return cls(base_url=base.rstrip("/"), model=(settings.llm_model or "").strip() or "default",
                   api_key=(settings.llm_api_key or "").strip() or None, timeout=float(settings.llm_timeout))

    @property
    def chat_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/chat/completions"


def load_prompt(name: str) -> str:
    """The template prompts/<name>.txt (plain text; {placeholders}; a line "---" splits system/user)."""
    return (PROMPTS_DIR / f"{name}.txt").read_text("utf-8")


def render_prompt(template: str, values: Mapping[str, str]) -> list[dict[str, str]]:
    """Fill {name} placeholders in one pass (a value containing "{units}" is never expanded again)."""
    text = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template.replace("\r\n", "\n"))
    system, sep, user = text.partition(SPLIT_MARK)
    if not sep:
        return [{"role": "user", "content": text.strip()}]
    return [{"role": "system", "content": system.strip()}, {"role": "user", "content": user.strip()}]


def format_unit(n: int, unit: Chunk) -> str:
    section = f" {unit.section}" if unit.section else ""
    text = unit.text if len(unit.text) <= MAX_UNIT_CHARS else unit.text[:MAX_UNIT_CHARS] + "……"
    return f"[{n}] 《{unit.title}》({unit.doc_number}){section}\n{text}"


def build_messages(question: str, units: Sequence[Chunk], template: str | None = None) -> list[dict[str, str]]:
    template = load_prompt("answer") if template is None else template
    block = "\n\n".join(format_unit(i, u) for i, u in enumerate(units, 1))
    return render_prompt(template, {"question": question.strip(), "units": block})


def build_condense_messages(question: str, history: Sequence[str], template: str | None = None) -> list[dict[str, str]]:
    template = load_prompt("condense") if template is None else template
    lines = "\n".join(f"{i}. {h.strip()[:MAX_CONDENSED_CHARS]}" for i, h in enumerate(history, 1) if h.strip())
    return render_prompt(template, {"question": question.strip(), "history": lines or "(无)"})


def draft_units(draft: Answer, chunks: Mapping[str, Chunk]) -> list[Chunk]:
    """The chunks the draft cites, in citation order, each once: the units the model may phrase from."""
    seen: dict[str, Chunk] = {}
    for c in draft.citations:
        if c.chunk_id not in seen and c.chunk_id in chunks:
            seen[c.chunk_id] = chunks[c.chunk_id]
    return list(seen.values())


# ------------------------------------------------------------------ numbers and dates
def _fold(text: str) -> str:
    return _THOUSANDS.sub("", unicodedata.normalize("NFKC", text))


def _cn_value(run: str) -> int | None:
    if any(ch in "十百千" for ch in run):
        return cn_to_int(run.replace("〇", "零").replace("○", "零"))
    return int("".join(str(_CN_DIGIT[ch]) for ch in run))


def _digitise(text: str, strict: bool) -> str:
    """Chinese numerals to digits. `strict` (the model's answer) converts only runs that state a
    date part or a count (二〇一七年, 五月, 三十二条, 十二个), so 统一/一是 are no claims."""
    def sub(m: re.Match) -> str:
        value = _cn_value(m.group(0))
        if value is None:
            return m.group(0)
        if strict:
            nxt = text[m.end() : m.end() + 1]
            if not (nxt and nxt in _DATE_SUFFIX or (value >= 2 and nxt and nxt in _CLASSIFIERS)):
                return m.group(0)
        return str(value)

    return _CN_RUN.sub(sub, text)


def _num(s: str) -> Decimal | None:
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def _scan(text: str) -> list[tuple[str, frozenset[Fact]]]:
    """Each stated number/date in (folded, digitised) text with the facts any one of which supports it."""
    out: list[tuple[str, frozenset[Fact]]] = []
    month = None  # context for a bare "15日" after "6月12日至"
    for m in _TOKEN.finditer(text):
        g = m.groupdict()
        alts: set[Fact] = set()
        if g["y"]:
            y, mo = int(g["y"]), int(g["m"])
            month = mo
            alts = {("ymd", y, mo, int(g["d"]))} if g["d"] else {("ym", y, mo)}
        elif g["m2"]:
            mo = int(g["m2"])
            month = mo
            alts = {("md", mo, int(g["d2"]))} if g["d2"] else {("m", mo), ("num", Decimal(mo))}
        elif g["y3"]:
            alts = {("num", Decimal(int(g["y3"])))}
        elif g["d3"]:
            d = int(g["d3"])
            alts = {("md", month, d)} if month else {("num", Decimal(d))}
        else:
            s = g["num"]
            value = _num(s)
            if value is None:
                continue
            alts = {("num", value)}
            if "." in s:
                a, b = s.split(".", 1)
                if 1 <= int(a) <= 12 and len(b) <= 2 and 1 <= int(b) <= 31:
                    alts.add(("md", int(a), int(b)))  # 6.12 = 6月12日
                if len(a) == 4 and len(b) <= 2 and 1 <= int(b) <= 12:
                    alts.add(("ym", int(a), int(b)))  # 2017.12 = 2017年12月
        out.append((m.group(0).strip(), frozenset(alts)))
    return out


def _expand(fact: Fact) -> set[Fact]:
    """What a fact in a unit also supports: 2017年5月10日 supports 5月10日, 2017年5月, 5月, 2017, 10."""
    kind = fact[0]
    if kind == "ymd":
        _, y, m, d = fact
        return {fact, ("md", m, d), ("ym", y, m), ("m", m), ("num", Decimal(y)), ("num", Decimal(m)), ("num", Decimal(d))}
    if kind == "ym":
        _, y, m = fact
        return {fact, ("m", m), ("num", Decimal(y)), ("num", Decimal(m))}
    if kind == "md":
        _, m, d = fact
        if m is None:
            return {("num", Decimal(d))}
        return {fact, ("m", m), ("num", Decimal(m)), ("num", Decimal(d))}
    if kind == "m":
        return {fact, ("num", Decimal(fact[1]))}
    return {fact}


def unit_facts(unit: Chunk) -> frozenset[Fact]:
    """Every number and date the model was shown for this unit (its header line and its text)."""
    return _text_facts(f"{unit.doc_number} {unit.title} {unit.section}\n{unit.text}")


def _text_facts(text: str) -> frozenset[Fact]:
    folded = _fold(text)
    facts: set[Fact] = set()
    for variant in (folded, _digitise(folded, strict=False)):
        for _, alts in _scan(variant):
            for f in alts:
                facts |= _expand(f)
    return frozenset(facts)


def _marks(text: str) -> list[int]:
    out = []
    for m in _MARK.finditer(text):
        out.extend(int(unicodedata.normalize("NFKC", n)) for n in re.split(r"\s*[,，、]\s*", m.group(1)))
    return out


def _clean(text: str) -> str:
    return _THINK.sub("", text).strip()


def _claim_sentences(text: str) -> list[tuple[list[int], list[tuple[str, frozenset[Fact]]]]]:
    """Per sentence of the answer: the units it cites and the numbers/dates it states.
    A mark right after the sentence's full stop ("…施行。[1]") belongs to that sentence."""
    folded = unicodedata.normalize("NFKC", text)
    folded = re.sub(r"([。;;!?!?]+)((?:\s*" + _MARK.pattern + r")+)", r"\2\1", folded)
    out = []
    for sent in _SENT.findall(folded):
        refs = _marks(sent)
        body = _digitise(_fold(_MARK.sub(" ", sent)), strict=True)
        out.append((refs, _scan(body)))
    return out


# ------------------------------------------------------------------ the pure core
def verify_llm_answer(text: str, units: Sequence[Chunk]) -> tuple[bool, str]:
    """Accept only if every [n] names a given unit and every number/date stated occurs in the cited unit(s)."""
    text = _clean(text)
    if not text:
        return False, "empty_answer"
    if NOT_COVERED in text:
        return False, "model_says_not_covered"
    if len(text) > MAX_ANSWER_CHARS:
        return False, f"too_long:{len(text)}"
    refs = _marks(text)
    if not refs:
        return False, "no_citation_marks"
    bad = sorted({n for n in refs if not 1 <= n <= len(units)})
    if bad:
        return False, f"citation_out_of_range:{bad} units={len(units)}"
    facts = {n: unit_facts(units[n - 1]) for n in set(refs)}
    cited_anywhere = sorted(set(refs))
    for sent_refs, claims in _claim_sentences(text):
        scope = sorted(set(sent_refs)) or cited_anywhere
        support = frozenset().union(*(facts[n] for n in scope))
        for surface, alts in claims:
            if not alts & support:
                return False, f"unsupported_number:{surface!r} not in {[f'[{n}]' for n in scope]}"
    return True, "ok"


def _unit_sentences(unit: Chunk) -> list[str]:
    return [s.strip() for s in _SENT.findall(unit.text) if s.strip()]


def _bigrams(s: str) -> set[str]:
    s = MARKER.sub("", re.sub(r"\s", "", s))
    return {s[i : i + 2] for i in range(len(s) - 1)}


def _pick_quote(unit: Chunk, claims: list[frozenset[Fact]], answer_text: str, draft: Answer) -> str:
    sents = _unit_sentences(unit)
    if claims and sents:
        scored = []
        for i, s in enumerate(sents):
            sf = _text_facts(s)
            hits = sum(1 for alts in claims if alts & sf)
            if hits:
                scored.append((-hits, i, s))
        if scored:
            return min(scored)[2]
    for c in draft.citations:
        if c.chunk_id == unit.id and c.quote in unit.text:
            return c.quote
    if not sents:
        return unit.text.strip()
    ab = _bigrams(answer_text)
    return max(sents, key=lambda s: (len(_bigrams(s) & ab), -sents.index(s)))


def to_answer(text: str, units: Sequence[Chunk], draft: Answer) -> Answer:
    """An accepted model answer as an Answer: one verbatim-quoted citation per cited unit, the marks
    renumbered to the citation order ([3]…[1] → [1]…[2]). Call after `verify_llm_answer` accepted it."""
    text = _clean(text)
    order: list[int] = []
    for n in _marks(text):
        if 1 <= n <= len(units) and n not in order:
            order.append(n)
    new = {n: i for i, n in enumerate(order, 1)}

    def renumber(m: re.Match) -> str:
        ns = [int(unicodedata.normalize("NFKC", x)) for x in re.split(r"\s*[,，、]\s*", m.group(1))]
        ns = [n for i, n in enumerate(ns) if n in new and n not in ns[:i]]
        return "".join(f"[{new[n]}]" for n in ns)

    out_text = _MARK.sub(renumber, text)
    claims_by_unit: dict[int, list[frozenset[Fact]]] = {n: [] for n in order}
    for sent_refs, claims in _claim_sentences(text):
        for n in (set(sent_refs) or set(order)):
            if n in claims_by_unit:
                claims_by_unit[n].extend(alts for _, alts in claims)
    citations: list[Citation] = []
    for n in order:
        unit = units[n - 1]
        citations.append(make_citation(unit, _pick_quote(unit, claims_by_unit[n], text, draft)))
    return Answer(out_text, True, draft.kind, tuple(citations), draft.rewritten_question,
                  timings=dict(draft.timings), related=draft.related)


def parse_completion(status: int, body: bytes) -> str:
    """The assistant's text from a /chat/completions response; raises LLMFailure with a reason."""
    if status != 200:
        raise LLMFailure(f"http_status:{status}")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise LLMFailure("malformed_json") from None
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise LLMFailure("malformed_response") from None
    if not isinstance(content, str):
        raise LLMFailure("malformed_response")
    return content


def clean_condensed(text: str) -> str | None:
    """The model's standalone question, or None when it is not one usable line."""
    text = _clean(text)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        return None
    q = re.sub(r"^(改写后的问题|独立问题|完整问题|问题)\s*[::]\s*", "", lines[0])
    q = q.strip().strip("\"'“”‘’「」").strip()
    if not q or len(q) > MAX_CONDENSED_CHARS or _MARK.search(q) or NOT_COVERED in q:
        return None
    return q


class LLMFailure(Exception):
    """Internal: a reason to fall back. Never leaves LLMPhraser."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# ------------------------------------------------------------------ the I/O shell
class LLMPhraser:
    """Phrases found answers and condenses follow-ups through the configured endpoint; never raises."""

    def __init__(self, config: LLMConfig, client: httpx.Client | None = None) -> None:
        self.config = config
        self._owns_client = client is None
        self.client = client if client is not None else httpx.Client(timeout=config.timeout)
        self.log = logging.getLogger("qa.llm")
        self.answer_template = load_prompt("answer")
        self.condense_template = load_prompt("condense")

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMPhraser | None:
        config = LLMConfig.from_settings(settings)
        return cls(config) if config is not None else None

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -------------------------------------------------------------- public
    def phrase(self, question: str, draft: Answer, units: list[Chunk]) -> tuple[Answer, str | None]:
        """The model's answer (reason None), or the draft and why the model's answer was not used."""
        if not draft.found:
            return draft, "skipped:refusal"
        if draft.kind not in self.config.phrase_kinds:
            return draft, f"skipped:kind={draft.kind}"
        units = list(units)[: self.config.max_units]
        if not units:
            return draft, "skipped:no_units"
        t0 = time.perf_counter()
        try:
            text = self._chat(build_messages(question, units, self.answer_template))
            ok, reason = verify_llm_answer(text, units)
            answer = to_answer(text, units, draft) if ok else None
        except LLMFailure as e:
            ok, reason, answer = False, e.reason, None
        except Exception as e:  # noqa: BLE001 — never to the user: a bug here costs the phrasing, not the answer
            ok, reason, answer = False, f"internal_error:{type(e).__name__}", None
        ms = round((time.perf_counter() - t0) * 1000, 1)
        if not ok or answer is None:
            self._event("phrase", "fallback", reason, question, ms, n_units=len(units))
            return draft, reason
        self._event("phrase", "accepted", None, question, ms, n_units=len(units), n_citations=len(answer.citations))
        return answer, None

    def condense(self, question: str, history: list[str]) -> str | None:
        """A standalone form of a follow-up question, or None on any failure."""
        history = [h for h in history if h and h.strip()][-4:]
        if not history:
            return None
        t0 = time.perf_counter()
        try:
            q = clean_condensed(self._chat(build_condense_messages(question, history, self.condense_template)))
            reason = None if q else "unusable_condensed_question"
        except LLMFailure as e:
            q, reason = None, e.reason
        except Exception as e:  # noqa: BLE001 — never to the user
            q, reason = None, f"internal_error:{type(e).__name__}"
        ms = round((time.perf_counter() - t0) * 1000, 1)
        self._event("condense", "accepted" if q else "fallback", reason, question, ms)
        return q

    # -------------------------------------------------------------- transport
    def _chat(self, messages: list[dict[str, str]]) -> str:
        headers = {"Content-Type": "application/json"}
        if self.config.api_key:
            headers["Authorization"] = f"Bearer {self.config.api_key}"
        payload = {"model": self.config.model, "messages": messages, "temperature": 0,
                   "max_tokens": self.config.max_tokens, "stream": False}
        try:
            r = self.client.post(self.config.chat_url, json=payload, headers=headers, timeout=self.config.timeout)
        except httpx.TimeoutException:
            raise LLMFailure("timeout") from None
        except httpx.HTTPError as e:
            raise LLMFailure(f"connection_error:{type(e).__name__}") from None
        return parse_completion(r.status_code, r.content)

    def _event(self, op: str, outcome: str, reason: str | None, question: str, ms: float, **extra: Any) -> None:
        record = {"event": f"llm.{op}", "outcome": outcome, "reason": reason, "model": self.config.model,
                  "elapsed_ms": ms, "question": question[:LOG_QUESTION_CHARS], **extra}
        level = logging.DEBUG if outcome == "accepted" else logging.WARNING if _is_transport(reason) else logging.INFO
        self.log.log(level, "llm.%s %s reason=%s elapsed_ms=%s", op, outcome, reason, ms, extra={"llm": record})


def _is_transport(reason: str | None) -> bool:
    return bool(reason) and reason.split(":", 1)[0] in (
        "timeout", "connection_error", "http_status", "malformed_json", "malformed_response", "internal_error")
