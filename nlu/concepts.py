"""The concept lexicon (nlu/lexicon/): words of any language mapped to shared concepts.

A message gets one extra token per concept it mentions, so that what the classifier
learns about "renew" in one language helps in all of them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from nlu.normalise import normalise

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
TOKEN_PREFIX = "zzc"
# Stems this short match whole words only ("no" must not match "nome").
WHOLE_WORD_MAX = 3
_WORDS = re.compile(r"[^\W\d_][\w\u0900-\u0dff]*")
_HAN = re.compile("[\u4e00-\u9fff]")
MAX_CHITCHAT_WORDS = 5
_ATTACHING_SCRIPTS = re.compile("[\u0600-\u06ff\u4e00-\u9fff\u3400-\u4dbf]")


# How a stem may match: anywhere in a word (Arabic script, Chinese), as a whole word (short
# stems), or at the start of a word (the rest).
_ANYWHERE, _WHOLE_WORD, _WORD_START = 0, 1, 2
_END = ""  # the key, in a trie node, of the stems that end there


@dataclass(frozen=True)
class Mention:
    concept: str
    start: int
    end: int


class ConceptLexicon:
    """Finds the concepts of a text with a character trie of every stem of every language.

    One pass over the text, each position walking the trie only as far as the text
    matches a stem: the cost grows with the length of the message, not with the number
    of stems (there are tens of thousands).
    """

    def __init__(self, stems: dict[str, list[str]]) -> None:
        self._trie: dict[str, Any] = {}
        self._concepts = sorted(concept for concept, words in stems.items() if words)
        for concept, words in stems.items():
            for word in {normalise(w) for w in words if w.strip()}:
                node = self._trie
                for char in word:
                    node = node.setdefault(char, {})
                node.setdefault(_END, set()).add((concept, _kind(word)))

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

    def mentions(self, normalised_text: str) -> list[Mention]:
        """Every stem found in the text, with its concept and where it is."""
        text = normalised_text
        found: list[Mention] = []
        for start in range(len(text)):
            word_start = start == 0 or not _is_word_char(text[start - 1])
            node: dict[str, Any] | None = self._trie
            position = start
            while position < len(text):
                node = node.get(text[position]) if node else None
                if node is None:
                    break
                position += 1
                for concept, kind in node.get(_END, ()):
                    if kind == _ANYWHERE or (
                        word_start
                        and (
                            kind == _WORD_START
                            or position == len(text)
                            or not _is_word_char(text[position])
                        )
                    ):
                        found.append(Mention(concept, start, position))
        return found

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
        for mention in self.mentions(normalised_text):
            if mention.concept not in allowed:
                continue
            found.add(mention.concept)
            start, end = _whole_word(normalised_text, mention.start, mention.end)
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
        """The concepts the text mentions, in alphabetical order."""
        return sorted({mention.concept for mention in self.mentions(normalised_text)})

    def annotate(self, normalised_text: str) -> str:
        """The text followed by one token per concept it mentions."""
        tokens = "".join(f" {TOKEN_PREFIX}{c}" for c in self.concepts(normalised_text))
        return normalised_text + tokens


def _kind(stem: str) -> int:
    if _ATTACHING_SCRIPTS.search(stem):
        return _ANYWHERE  # prefixes attach (ال، و، ب) and Chinese has no spaces
    return _WHOLE_WORD if len(stem) <= WHOLE_WORD_MAX else _WORD_START


def _whole_word(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a match to the whole words it touches (Chinese: to the match itself)."""
    if _HAN.search(text[start:end]):
        return start, end
    while start > 0 and _is_word_char(text[start - 1]) and not _HAN.match(text[start - 1]):
        start -= 1
    while end < len(text) and _is_word_char(text[end]) and not _HAN.match(text[end]):
        end += 1
    return start, end


def _is_word_char(char: str) -> bool:
    """As the regex `\\w`, plus the vowel signs of Indic scripts (Bengali "া")."""
    return char.isalnum() or char == "_" or "\u0900" <= char <= "\u0dff"


def lexicon_fingerprint(folder: Path = LEXICON_DIR) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
