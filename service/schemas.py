"""Request and response models of the HTTP API (kept apart from the domain records in qa.model).

Requests forbid unknown fields; strings are strict (no number→string coercion); questions are
cleaned of control characters before their length is checked.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictFloat,
    StrictStr,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from qa.engine import CHUNK_KINDS, SEARCH_MODES
from qa.engine import MAX_QUESTION as MAX_QUESTION_CHARS  # one limit for the CLI and the API
from service.text import clean_text

ChunkKind = Literal[CHUNK_KINDS]  # type: ignore[valid-type]
SearchMode = Literal[SEARCH_MODES]  # type: ignore[valid-type]
MODEL_ID = "gazette-qa"


SESSION_COOKIE_DOC = ("true (the pages): keep the session in the HttpOnly cookie `qa_session` instead of the "
                      "response's session_id (which is then null); the cookie is read when no session_id is sent")


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- field types --------------------------------------------------------------------------------------

# The characters clean_text drops or collapses (whitespace, Cc, Cf but ZWJ and variation selectors),
# as a JSON Schema (ECMA-262) class: a question must hold at least one other character. Lone
# surrogates (Cs) are dropped too but cannot be spelled in a pattern. tests/service/test_schemas.py
# recomputes the class from unicodedata.
INVISIBLE = ("\\x00-\\x20\\x7f-\\xa0\\xad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u0890\\u0891\\u08e2\\u1680\\u180e"
             "\\u2000-\\u200c\\u200e\\u200f\\u2028-\\u202f\\u205f-\\u2064\\u2066-\\u206f\\u3000\\ufeff\\ufff9-\\ufffb"
             "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
             "\U000e0001\U000e0020-\U000e007f")
TEXT_PATTERN = f"[^{INVISIBLE}]"


def _text_field(code: str, zh: str, en: str):
    def check(value: str) -> str:
        # the limit applies to what was sent (as the schema's maxLength says), then to what is left
        if len(value) > MAX_QUESTION_CHARS:
            raise PydanticCustomError(
                f"{code}_too_long",
                f"{zh}最多 {MAX_QUESTION_CHARS} 个字符(现有 {{n}} 个),请缩短 / "
                f"The {en} must be at most {MAX_QUESTION_CHARS} characters (got {{n}}); shorten it",
                {"n": len(value)},
            )
        value = clean_text(value)
        if not value:
            raise PydanticCustomError(f"{code}_empty", f"{zh}不能为空 / The {en} must not be empty or whitespace only")
        return value

    return check


def _whole_number(value: Any) -> Any:
    """JSON Schema's integer: 47 or 47.0, never true, "47" or 47.5."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


def whole_number(**bounds: int) -> Any:
    """An integer as JSON Schema has it (47.0 is one), strict otherwise: no booleans, no strings.
    Bounds (ge/le) go on the integer itself, so the schema says minimum/maximum."""
    return Annotated[int, Field(**bounds), BeforeValidator(_whole_number)]


WholeNumber = whole_number()


def _session_id(value: str) -> str | None:
    if len(value) > 128:
        raise PydanticCustomError("invalid_session_id", "session_id 最长 128 个字符 / session_id must be at most 128 characters")
    return clean_text(value) or None


TEXT_SCHEMA = {"minLength": 1, "maxLength": MAX_QUESTION_CHARS, "pattern": TEXT_PATTERN}
QUESTION_DOC = (f"问题,1 到 {MAX_QUESTION_CHARS} 个字符,至少一个可见字符 / the question: 1 to {MAX_QUESTION_CHARS} "
                "characters, at least one of them visible (control and format characters are stripped)")
Question = Annotated[StrictStr, AfterValidator(_text_field("question", "问题", "question")),
                     Field(json_schema_extra=TEXT_SCHEMA, description=QUESTION_DOC)]
QueryText = Annotated[StrictStr, AfterValidator(_text_field("query", "查询", "query")),
                      Field(json_schema_extra=TEXT_SCHEMA, description="查询词 / search text (as a question)")]
SessionId = Annotated[StrictStr, AfterValidator(_session_id),
                      Field(json_schema_extra={"maxLength": 128},
                            description="会话令牌(上一次回答的 session_id),用于追问;无效、伪造或过期时新开会话 / "
                                        "the session token of an earlier answer; one that does not verify "
                                        "(forged, from another server, expired) starts a new conversation")]
DocKey = Annotated[StrictStr, StringConstraints(min_length=1, max_length=64),
                   Field(description="文号,〔〕或 [ ] 均可 / document number, 〔〕 or [ ] accepted")]
def _iso_date(value: str) -> dt.date:
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("invalid_date", "日期必须是 YYYY-MM-DD 格式,例如 2017-06-12 / "
                                  "Dates must be YYYY-MM-DD, e.g. 2017-06-12") from None


IsoDate = Annotated[StrictStr, AfterValidator(_iso_date), Field(json_schema_extra={"format": "date"})]


class FiltersIn(RequestModel):
    """Restrict retrieval. Empty lists mean no restriction."""

    doc_keys: list[DocKey] = Field(default_factory=list, max_length=50, description="只检索这些文号 / only these documents")
    kinds: list[ChunkKind] = Field(default_factory=list, max_length=20, description="只检索这些片段类型 / only these chunk kinds")
    date_from: IsoDate | None = Field(default=None, description="YYYY-MM-DD")
    date_to: IsoDate | None = Field(default=None, description="YYYY-MM-DD")
    in_force_on: IsoDate | None = Field(
        default=None, description="只检索该日施行中的文件 / only documents in force on this day (YYYY-MM-DD), "
                                  "as the gazette states it: effective by then, not expired, not repealed")

    @model_validator(mode="after")
    def _dates_in_order(self) -> FiltersIn:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise PydanticCustomError("invalid_date_range", "date_from 不能晚于 date_to / date_from must not be after date_to")
        return self


class AskRequest(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"question": "6月12日哪些景区免费?"},
        {"question": "那12月呢?", "session_id": "…", "filters": {"doc_keys": ["衢政办发〔2017〕29号"]}},
    ]})

    question: Question
    session_id: SessionId | None = None
    session_cookie: StrictBool = Field(default=False, description=SESSION_COOKIE_DOC)
    filters: FiltersIn | None = None
    stream: StrictBool = Field(default=False, description="true: text/event-stream (event: delta …, event: done)")


class SearchRequest(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"query": "防汛物资仓库 面积", "top_k": 5, "mode": "hybrid"},
    ]})

    query: QueryText
    top_k: whole_number(ge=1, le=50) = 10  # type: ignore[valid-type]
    mode: SearchMode = "hybrid"
    filters: FiltersIn | None = None


# --- answers ------------------------------------------------------------------------------------------

class CitationOut(BaseModel):
    doc_number: str = Field(description="文号 as printed")
    doc_key: str = Field(description="normalised 文号, usable with GET /v1/documents/{doc_key}")
    title: str
    section: str = Field(description="heading path joined with ' / '")
    quote: str = Field(description="verbatim text of the cited chunk")
    chunk_id: str
    line_start: int
    line_end: int
    status: str = Field(default="", description="the cited document's dated status today, e.g. "
                                                "'2017年5月10日起施行;公报未载明失效或废止'")


class AskResponse(BaseModel):
    answer: str
    found: bool = Field(description="false: the gazette does not say (本期公报未作规定)")
    kind: str = Field(description="fact | list | date | table | refusal")
    citations: list[CitationOut]
    related: list[CitationOut] = Field(description="pointers offered with a refusal")
    session_id: str | None = Field(description="session token: send it back as session_id to ask a follow-up "
                                               "(null when the session is kept in the qa_session cookie)")
    session_tag: str = Field(description="a short one-way name of the session, as the service log shows it")
    continued: bool = Field(description="true: this answer continued the conversation the token or cookie named")
    rewritten_question: str = Field(description="the question as understood, follow-ups resolved (earlier "
                                                "words only from a session the request proved it owns)")
    timing_ms: dict[str, float]


class HitOut(BaseModel):
    chunk_id: str
    doc_number: str
    doc_key: str
    title: str
    section: str
    kind: str
    text: str
    score: float
    scores: dict[str, float | None] = Field(description="per retriever, e.g. {'bm25': 12.1, 'dense': 0.83}")
    ranks: dict[str, int | None] = Field(description="1-based rank per retriever")
    line_start: int
    line_end: int
    status: str = Field(default="", description="the document's dated status today")


class SearchResponse(BaseModel):
    hits: list[HitOut]


# --- documents ----------------------------------------------------------------------------------------

class DocumentSummary(BaseModel):
    key: str
    number: str = Field(description="文号 as printed")
    title: str
    issuer: str
    date: str
    subtitle: str | None = None
    units: int = Field(description="number of outline units (all levels)")
    tables: int
    lists: int
    line_start: int
    line_end: int
    issued: str | None = Field(default=None, description="成文日期, YYYY-MM-DD")
    effective: str | None = Field(default=None, description="施行日期 as stated (else the issue date), YYYY-MM-DD")
    expires: str | None = Field(default=None, description="stated expiry or end of the period its title names")
    status: str = Field(default="unknown", description="in_force | not_yet | expired | repealed | unknown, today")
    status_label: str = Field(default="", description="the status as one dated line")
    repealed_by: str | None = Field(default=None, description="文号 of a later corpus document repealing it")


class DocumentList(BaseModel):
    documents: list[DocumentSummary]
    kinds: list[str] = Field(description="chunk kinds accepted by filters.kinds")
    modes: list[str] = Field(description="search modes accepted by /v1/search")


class OutlineUnit(BaseModel):
    path: list[str]
    section: str = Field(description="path joined with ' / ', as in citations")
    label: str
    heading: str
    kind: str
    depth: int
    text: str
    line_start: int
    line_end: int


class TableRowOut(BaseModel):
    header: str
    cells: list[str]
    section: str | None = None
    line_start: int
    line_end: int


class TableOut(BaseModel):
    caption: str
    unit: str | None = None
    row_header: str
    columns: list[str]
    rows: list[TableRowOut]
    path: list[str]
    section: str
    line_start: int
    line_end: int


class ListOut(BaseModel):
    heading: str
    items: list[str]
    path: list[str]
    section: str
    line_start: int
    line_end: int


class DocumentDetail(BaseModel):
    key: str
    number: str
    title: str
    issuer: str
    date: str
    recipients: str
    subtitle: str | None = None
    attachments: list[str]
    line_start: int
    line_end: int
    outline: list[OutlineUnit] = Field(description="units in document order, with heading paths and full text")
    tables: list[TableOut]
    lists: list[ListOut]


# --- health -------------------------------------------------------------------------------------------

class HealthResponse(BaseModel):
    status: Literal["ok"] = "ok"


class ReadyResponse(BaseModel):
    status: Literal["ready"] = "ready"
    documents: int


# --- errors -------------------------------------------------------------------------------------------

class ErrorDetail(BaseModel):
    field: str
    code: str
    message: str


class ErrorBody(BaseModel):
    code: str = Field(description="machine-readable, e.g. question_empty, unknown_field, rate_limited")
    message: str = Field(description="中文 / English, says what to fix")
    details: list[ErrorDetail] | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


# --- OpenAI-compatible chat -----------------------------------------------------------------------------

class ContentPart(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: StrictStr
    text: StrictStr | None = None


class ChatMessage(BaseModel):
    """Only role and content are read; other fields replayed by clients (tool_calls, refusal…) are ignored."""

    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: StrictStr | list[ContentPart] | None = None
    name: StrictStr | None = None

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        if isinstance(self.content, list):
            return "\n".join(p.text for p in self.content if p.type in ("text", "input_text") and p.text)
        return ""


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="ignore")
    include_usage: StrictBool | None = None


class ChatCompletionRequest(RequestModel):
    """OpenAI chat.completions request. The last user message is the question, earlier user messages
    are history. Sampling parameters are accepted and ignored (answers are extractive)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"model": MODEL_ID, "messages": [{"role": "user", "content": "6月12日哪些景区免费?"}]},
    ]})

    model: Annotated[StrictStr, StringConstraints(max_length=128)] = MODEL_ID
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: StrictBool = False
    stream_options: StreamOptions | None = None
    # Accepted and ignored, but typed as the schema says: strict, so 0 is no boolean and "1" no number.
    n: whole_number(ge=1, le=1) | None = Field(default=None, description="only 1 is supported")  # type: ignore[valid-type]
    temperature: StrictFloat | None = None
    top_p: StrictFloat | None = None
    max_tokens: WholeNumber | None = None
    max_completion_tokens: WholeNumber | None = None
    stop: StrictStr | list[StrictStr] | None = None
    presence_penalty: StrictFloat | None = None
    frequency_penalty: StrictFloat | None = None
    logit_bias: dict[str, StrictFloat] | None = None
    logprobs: StrictBool | None = None
    top_logprobs: WholeNumber | None = None
    user: StrictStr | None = None
    seed: WholeNumber | None = None
    response_format: dict[str, Any] | None = None
    metadata: dict[str, StrictStr] | None = None
    store: StrictBool | None = None
    service_tier: StrictStr | None = None
    reasoning_effort: StrictStr | None = None
    parallel_tool_calls: StrictBool | None = None
    tools: list[dict[str, Any]] | None = None
    tool_choice: StrictStr | dict[str, Any] | None = None
    # extensions
    session_id: SessionId | None = Field(default=None, description="extension: continue a stored conversation")
    filters: FiltersIn | None = Field(default=None, description="extension: restrict retrieval")
    _question: str = PrivateAttr(default="")
    _history: list[str] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> ChatCompletionRequest:
        if self.messages[-1].role != "user":
            raise PydanticCustomError("invalid_messages",
                                      "最后一条消息必须是 user 的提问 / The last message must have role 'user'")
        users = [m.text() for m in self.messages if m.role == "user"]
        self._question = _text_field("question", "问题", "question")(users[-1])
        self._history = [h for h in (clean_text(u)[:MAX_QUESTION_CHARS] for u in users[:-1]) if h][-10:]
        return self

    def question_and_history(self) -> tuple[str, list[str]]:
        """The last user message (cleaned, checked) and up to 10 earlier user messages."""
        return self._question, list(self._history)


class ChatMessageOut(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatChoice(BaseModel):
    index: int
    message: ChatMessageOut
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletionResponse(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: Usage
    citations: list[CitationOut] = Field(description="extension: the sources numbered [n] in the text")
    found: bool = Field(description="extension")
    session_id: str = Field(description="extension: session token; send it back as session_id to continue")


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]
