"""Small text helpers of the HTTP edge: cleaning user input, splitting answers. (Personal data is
qa.personal's.)"""
from __future__ import annotations

import re
import unicodedata

from qa.text import clean_question, normalize_doc_number


def clean_text(text: str) -> str:
    """The domain's own question cleaning (control/format characters out, whitespace collapsed)."""
    return clean_question(text)


def has_content(text: str) -> bool:
    """True when the text has at least one letter or digit (not only punctuation, symbols or emoji)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def normalize_doc_key(key: str) -> str:
    """Accept 衢政办发[2017]29号 / 衢政办发〔2017〕29号 / 衢政办发【2017】29号 (spaces ignored): the
    domain's own 文号 normalisation, so the URL and the index agree on one key."""
    return normalize_doc_number(key)


# --- streaming -------------------------------------------------------------------------------------
_SENTENCE = re.compile(r"[^。!?!?;;\n]+[。!?!?;;\n]*|[。!?!?;;\n]+")


def split_sentences(text: str) -> list[str]:
    """Split an answer into sentence pieces whose concatenation is exactly `text`."""
    parts = _SENTENCE.findall(text)
    return parts or ([text] if text else [])
