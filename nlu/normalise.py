"""Text normalisation shared by training and prediction."""

from __future__ import annotations

import re
import unicodedata

# Zero-width and bidi controls carry no meaning for understanding.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")
# Arabic-script diacritics (harakat) and tatweel: often omitted, sometimes typed.
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")


def normalise(text: str) -> str:
    """Lower-case, drop accents on Latin letters, Arabic harakat and invisible controls."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text)).lower()
    text = _ARABIC_MARKS.sub("", text)
    decomposed = unicodedata.normalize("NFD", text)
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", "".join(kept))).strip()
