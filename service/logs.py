"""Structured (JSON-lines) logging with the request id; personal data is masked in every value."""
from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import sys
from typing import Any

from qa.personal import mask

LOGGER_NAME = "service"
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
# values the service writes itself and that hold nothing personal: masking them could only garble
# them (a hex id with 11 decimal digits in a row reads like a phone number)
_OWN = frozenset({"ts", "level", "logger", "request_id", "session"})


def _masked(value: Any) -> Any:
    """Every string inside a log value masked (qa.personal.mask), whatever its nesting."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_masked(v) for v in value]
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return mask(str(value))


class JsonFormatter(logging.Formatter):
    """One JSON object per line. Extra fields come from `logger.info(msg, extra={"fields": {...}})`
    (or any non-standard record attribute). Every value but the service's own ids goes through
    `qa.personal.mask`: the message, the fields, the exception text."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = getattr(record, "request_id", None) or request_id_var.get()
        if rid:
            payload["request_id"] = rid
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            payload.update(fields)
        for key, value in vars(record).items():
            if key not in _RESERVED and key not in ("fields", "request_id", "color_message") and key not in payload:
                payload[key] = value
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        payload = {k: (v if k in _OWN else _masked(v)) for k, v in payload.items()}
        return json.dumps(payload, ensure_ascii=False, default=str)


def configure_logging(level: int = logging.INFO) -> logging.Logger:
    """Give the service logger (and uvicorn's error logger) a JSON handler on stderr, once."""
    logger = logging.getLogger(LOGGER_NAME)
    for name in (LOGGER_NAME, "uvicorn.error"):
        target = logging.getLogger(name)
        if any(getattr(h, "_gazette_json", False) for h in target.handlers):
            continue
        if name != LOGGER_NAME:  # uvicorn's own plain-text handler gives way to the JSON one
            target.handlers = []
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler._gazette_json = True  # type: ignore[attr-defined]
        target.addHandler(handler)
        target.propagate = False
    logger.setLevel(level)
    return logger


def get_logger(suffix: str | None = None) -> logging.Logger:
    return logging.getLogger(f"{LOGGER_NAME}.{suffix}" if suffix else LOGGER_NAME)
