"""The concept lexicon (nlu/lexicon/): words of any language mapped to shared concepts.

A message gets one extra token per concept it mentions, so that what the classifier
learns about "renew" in one language helps in all of them.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml

from nlu.normalise import normalise

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
TOKEN_PREFIX = "zzc"
# Stems this short match whole words only ("no" must not match "nome").
WHOLE_WORD_MAX = 3
# Python's \w misses the vowel signs of Indic scripts (Bengali "া"): count the whole
# blocks as word characters, so a stem cannot start after a vowel sign.
_WORD_CHAR = r"[\w\u0900-\u0dff]"
_WORDS = re.compile(r"[^\W\d_][\w\u0900-\u0dff]*")
_HAN = re.compile("[\u4e00-\u9fff]")
MAX_CHITCHAT_WORDS = 5
_ATTACHING_SCRIPTS = re.compile("[\u0600-\u06ff\u4e00-\u9fff\u3400-\u4dbf]")


class ConceptLexicon:
    def __init__(self, stems: dict[str, list[str]]) -> None:
        self._patterns = {
            concept: _pattern(words) for concept, words in sorted(stems.items()) if words
        }

    @classmethod
    def load(cls, folder: Path = LEXICON_DIR) -> ConceptLexicon:
        """Every `<lang>.yml` of the folder, merged: concepts are the same in all languages."""
        merged: dict[str, list[str]] = {}
        for path in sorted(folder.glob("*.yml")):
            if path.name == "concepts.yml":
                continue
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for concept, words in data.items():
                for word in words or []:
                    if not isinstance(word, str | int | float) or isinstance(word, bool):
                        # YAML reads a bare yes/no/on/off as a boolean: quote such words.
                        raise ValueError(f"{path}: concept {concept!r} has {word!r}; quote it")
                merged.setdefault(str(concept), []).extend(str(word) for word in words or [])
        return cls(merged)

    def only(self, normalised_text: str, allowed: frozenset[str]) -> set[str] | None:
        """The allowed concepts a short message is made of, or None.

        "grazie mille", "ok ok", "مع السلامة", "你好呀" qualify: every word belongs to an
        allowed concept but at most one filler word ("mille", "bro") that is no other
        concept. "non ho il permesso", "aiuto legale" and anything over five words do not.
        """
        if len(_WORDS.findall(normalised_text)) > MAX_CHITCHAT_WORDS:
            return None
        found: set[str] = set()
        leftover = normalised_text
        for concept in allowed & self._patterns.keys():
            for match in self._patterns[concept].finditer(normalised_text):
                found.add(concept)
                start, end = _whole_word(normalised_text, match.start(), match.end())
                leftover = leftover[:start] + " " * (end - start) + leftover[end:]
        if not found:
            return None
        rest = _WORDS.findall(leftover)
        if len(rest) > 1 or any(_HAN.search(word) and len(word) > 2 for word in rest):
            return None
        if rest and self.concepts(rest[0]):
            return None  # the other word means something ("legale", "permesso"...)
        return found

    def concepts(self, normalised_text: str) -> list[str]:
        return [c for c, pattern in self._patterns.items() if pattern.search(normalised_text)]

    def annotate(self, normalised_text: str) -> str:
        """The text followed by one token per concept it mentions."""
        tokens = "".join(f" {TOKEN_PREFIX}{c}" for c in self.concepts(normalised_text))
        return normalised_text + tokens


def _whole_word(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a match to the whole words it touches (Chinese: to the match itself)."""
    if _HAN.search(text[start:end]):
        return start, end
    while start > 0 and _is_word_char(text[start - 1]):
        start -= 1
    while end < len(text) and _is_word_char(text[end]):
        end += 1
    return start, end


def _is_word_char(char: str) -> bool:
    return (char.isalnum() or "\u0900" <= char <= "\u0dff") and not _HAN.match(char)


def lexicon_fingerprint(folder: Path = LEXICON_DIR) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _pattern(words: list[str]) -> re.Pattern[str]:
    alternatives = []
    for word in {normalise(w) for w in words if w.strip()}:
        escaped = re.escape(word)
        if _ATTACHING_SCRIPTS.search(word):
            alternatives.append(escaped)  # prefixes attach (ال، و، ب) and Chinese has no spaces
        elif len(word) <= WHOLE_WORD_MAX:
            alternatives.append(rf"(?<!{_WORD_CHAR}){escaped}(?!{_WORD_CHAR})")
        else:
            alternatives.append(rf"(?<!{_WORD_CHAR}){escaped}")
    return re.compile("|".join(sorted(alternatives, key=len, reverse=True)))
