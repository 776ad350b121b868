"""Small text helpers of the HTTP edge: cleaning user input, masking logs, splitting answers."""
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


# --- personal data in logs -------------------------------------------------------------------------
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1\d{2}[- ]?\d{4}[- ]?\d{4}(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def mask_pii(text: str) -> str:
    """Mask 18-digit ID-card numbers, mainland mobile numbers (1xxxxxxxxxx) and e-mail addresses."""
    text = _EMAIL.sub("[email]", text)
    text = _ID_CARD.sub("[id-card]", text)
    return _PHONE.sub("[phone]", text)


# --- streaming -------------------------------------------------------------------------------------
_SENTENCE = re.compile(r"[^。!?!?;;\n]+[。!?!?;;\n]*|[。!?!?;;\n]+")


def split_sentences(text: str) -> list[str]:
    """Split an answer into sentence pieces whose concatenation is exactly `text`."""
    parts = _SENTENCE.findall(text)
    return parts or ([text] if text else [])
