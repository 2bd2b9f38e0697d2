"""Offline language identification on short, noisy messages.

Lingua, restricted to the native languages, against py3langid on our own training
messages (`bench/langid_compare.py`, figures in nlu/README.md): on messages of up to
three words lingua is slightly ahead, on longer ones py3langid is, and py3langid is
faster (both well under a millisecond). Lingua stays for now because short messages
are the hard case here; the choice is measured again when all twelve languages have
training data.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from core.languages import NATIVE_LANGUAGES
from nlu.normalise import normalise

_LINGUA_NAMES = {
    "it": "ITALIAN",
    "en": "ENGLISH",
    "fr": "FRENCH",
    "ar": "ARABIC",
    "es": "SPANISH",
    "sq": "ALBANIAN",
    "uk": "UKRAINIAN",
    "ru": "RUSSIAN",
    "ur": "URDU",
    "bn": "BENGALI",
    "zh": "CHINESE",
    "fa": "PERSIAN",
}


@dataclass(frozen=True)
class LanguageGuess:
    language: str | None  # None: no letters to judge (emoji, digits, empty)
    confidence: float


class LanguageIdentifier:
    """Thread-safe wrapper of a lingua detector limited to the given languages."""

    def __init__(self, languages: tuple[str, ...] = NATIVE_LANGUAGES) -> None:
        from lingua import Language, LanguageDetectorBuilder

        self._by_name = {_LINGUA_NAMES[code]: code for code in languages}
        selected = [getattr(Language, _LINGUA_NAMES[code]) for code in languages]
        self._detector: Any = LanguageDetectorBuilder.from_languages(*selected).build()
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the language models now rather than on the first user's message."""
        for sample in ("buongiorno", "سلام", "привіт", "你好", "নমস্কার"):
            self.detect(sample)

    def detect(self, text: str) -> LanguageGuess:
        cleaned = normalise(text)
        if not any(char.isalpha() for char in cleaned):
            return LanguageGuess(None, 0.0)
        with self._lock:
            values = self._detector.compute_language_confidence_values(cleaned)
        if not values:
            return LanguageGuess(None, 0.0)
        best = values[0]
        return LanguageGuess(self._by_name[best.language.name], float(best.value))
