"""Small text helpers of the HTTP edge: cleaning user input, masking logs, splitting answers."""
from __future__ import annotations

import re
import unicodedata

from qa.text import normalize_doc_number

MAX_QUESTION_CHARS = 500

# Kept as visible separators (become a plain space); every other control/format character is dropped.
_WHITESPACE_CONTROLS = "\t\n\r\x0b\x0c\x85\u2028\u2029"
# Format characters that carry meaning inside emoji sequences and are harmless to keep.
_KEEP_FORMAT = "\u200d\ufe0f\ufe0e"
_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Strip control characters, bidi overrides, zero-width marks and lone surrogates; collapse whitespace."""
    out = []
    for ch in text:
        if ch in _WHITESPACE_CONTROLS:
            out.append(" ")
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs") or (cat == "Cf" and ch not in _KEEP_FORMAT):
            continue
        out.append(ch)
    return _SPACES.sub(" ", "".join(out)).strip()


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
