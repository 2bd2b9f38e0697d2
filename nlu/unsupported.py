"""Recognise messages in languages the assistant does not speak, so it can say so.

Two cues, both cheap and offline: a writing system none of the native languages uses
(Ethiopic for Tigrinya and Amharic, Devanagari, Gurmukhi...), and, for languages written
in Latin script that the language identifier does not know, a few very common words
(Wolof greetings and function words, typed the many ways people type them).
"""

from __future__ import annotations

import re
import unicodedata

# Unicode script names (the first word of a character's name) of no native language.
_FOREIGN_SCRIPTS = frozenset(
    {
        "ETHIOPIC",
        "DEVANAGARI",
        "GURMUKHI",
        "GUJARATI",
        "TAMIL",
        "TELUGU",
        "KANNADA",
        "MALAYALAM",
        "SINHALA",
        "THAI",
        "LAO",
        "MYANMAR",
        "KHMER",
        "GEORGIAN",
        "ARMENIAN",
        "HEBREW",
        "TIFINAGH",
        "NKO",
        "HANGUL",
        "HIRAGANA",
        "KATAKANA",
        "TIBETAN",
        "SYRIAC",
        "THAANA",
    }
)
_WOLOF_CUES = frozenset(
    {
        "nanga",
        "naka",
        "jerejef",
        "jërëjëf",
        "jarama",
        "dama",
        "bëgg",
        "begg",
        "beug",
        "mangi",
        "maangi",
        "ndax",
        "waaw",
        "deedeet",
        "déedéet",
        "yow",
        "xam",
        "xamul",
        "amul",
        "dafa",
        "loolu",
        "lii",
        "nit",
        "wax",
        "dégg",
        "degg",
        "dëgg",
        "baal",
        "suma",
        "sama",
        "ngi",
        "nekk",
        "dinaa",
        "mbokk",
        "asalaa",
        "maalekum",
    }
)
_WORD = re.compile(r"[^\W\d_]+")


def foreign_script(text: str) -> str | None:
    """The script of the message when most of its letters are in a script we do not speak."""
    counts: dict[str, int] = {}
    letters = 0
    for char in text:
        if not char.isalpha():
            continue
        letters += 1
        script = unicodedata.name(char, "UNKNOWN").split(" ")[0]
        if script in _FOREIGN_SCRIPTS:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    script, count = max(counts.items(), key=lambda item: item[1])
    return script.lower() if count * 2 >= letters else None


def looks_like_wolof(text: str) -> bool:
    words = {word.lower() for word in _WORD.findall(text)}
    return len(words & _WOLOF_CUES) >= 2


def unsupported_language(text: str) -> str | None:
    """A short tag ("ethiopic", "wolof"...) when the message is in a language we do not speak."""
    script = foreign_script(text)
    if script is not None:
        return script
    return "wolof" if looks_like_wolof(text) else None
