"""Request and response models of the HTTP API (kept apart from the domain records in qa.model).

Requests forbid unknown fields; strings are strict (no number→string coercion); questions are
cleaned of control characters before their length is checked.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictInt,
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


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- field types --------------------------------------------------------------------------------------

def _text_field(code: str, zh: str, en: str):
    def check(value: str) -> str:
        value = clean_text(value)
        if not value:
            raise PydanticCustomError(f"{code}_empty", f"{zh}不能为空 / The {en} must not be empty or whitespace only")
        if len(value) > MAX_QUESTION_CHARS:
            raise PydanticCustomError(
                f"{code}_too_long",
                f"{zh}最多 {MAX_QUESTION_CHARS} 个字符(现有 {{n}} 个),请缩短 / "
                f"The {en} must be at most {MAX_QUESTION_CHARS} characters (got {{n}}); shorten it",
                {"n": len(value)},
            )
        return value

    return check


def _session_id(value: str) -> str | None:
    value = clean_text(value)
    if len(value) > 128:
        raise PydanticCustomError("invalid_session_id", "session_id 最长 128 个字符 / session_id must be at most 128 characters")
    return value or None


_TEXT_SCHEMA = {"minLength": 1, "maxLength": MAX_QUESTION_CHARS}
Question = Annotated[StrictStr, AfterValidator(_text_field("question", "问题", "question")),
                     Field(json_schema_extra=_TEXT_SCHEMA, description="问题 / the question (control characters are stripped)")]
QueryText = Annotated[StrictStr, AfterValidator(_text_field("query", "查询", "query")),
                      Field(json_schema_extra=_TEXT_SCHEMA, description="查询词 / search text")]
SessionId = Annotated[StrictStr, AfterValidator(_session_id),
                      Field(json_schema_extra={"maxLength": 128},
                            description="会话 id,用于追问;未知或过期时会新建 / conversation id from an earlier answer")]
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
    filters: FiltersIn | None = None
    stream: StrictBool = Field(default=False, description="true: text/event-stream (event: delta …, event: done)")


class SearchRequest(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"query": "防汛物资仓库 面积", "top_k": 5, "mode": "hybrid"},
    ]})

    query: QueryText
    top_k: Annotated[StrictInt, Field(ge=1, le=50)] = 10
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
    session_id: str
    rewritten_question: str = Field(description="the question as understood, follow-ups resolved")
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
    n: StrictInt | None = Field(default=None, description="only 1 is supported")
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    max_completion_tokens: int | None = None
    stop: str | list[str] | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    logit_bias: dict[str, float] | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = None
    user: str | None = None
    seed: int | None = None
    response_format: dict[str, Any] | None = None
    metadata: dict[str, str] | None = None
    store: bool | None = None
    service_tier: str | None = None
    reasoning_effort: str | None = None
    parallel_tool_calls: bool | None = None
    tools: list[dict[str, Any]] | None = None
    tool_choice: str | dict[str, Any] | None = None
    # extensions
    session_id: SessionId | None = Field(default=None, description="extension: continue a stored conversation")
    filters: FiltersIn | None = Field(default=None, description="extension: restrict retrieval")
    _question: str = PrivateAttr(default="")
    _history: list[str] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> ChatCompletionRequest:
        if self.n not in (None, 1):
            raise PydanticCustomError("unsupported_parameter", "只支持 n=1 / Only n=1 is supported")
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
    session_id: str = Field(description="extension")


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]
