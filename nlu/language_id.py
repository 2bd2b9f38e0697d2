"""Offline language identification on short, noisy messages.

Two identifiers, compared on our own messages by `meet2know nlu evaluate` and
`bench/langid_compare.py` (figures in nlu/README.md):
- a character n-gram model trained on `nlu/data/` (one file per language): it knows
  romanised Arabic, Urdu, Bengali and Persian (arabizi, Roman Urdu, Banglish,
  Finglish) and our domain's words, and is the one the assistant uses;
- lingua, restricted to the native languages: general-purpose and independent of our
  data, so it is the second opinion where a wrong guess would bother the user
  (offering to switch language needs both to agree).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from core.languages import NATIVE_LANGUAGES
from nlu.normalise import normalise
from nlu.training_data import Example

LANGUAGE_MODEL_VERSION = "1"
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


class LanguageModel:
    """Character n-grams (1-4, within words) and a calibrated linear SVM."""

    def __init__(self, pipeline: Pipeline) -> None:
        self._pipeline = pipeline
        self._classes = [str(c) for c in pipeline.classes_]

    @classmethod
    def train(cls, examples: Sequence[Example]) -> LanguageModel:
        svm = LinearSVC(C=0.5)
        pipeline = Pipeline(
            [
                (
                    "chars",
                    TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True),
                ),
                ("model", CalibratedClassifierCV(svm, method="sigmoid", cv=3, ensemble=False)),
            ]
        )
        pipeline.fit([normalise(e.text) for e in examples], [e.language for e in examples])
        return cls(pipeline)

    @property
    def pipeline(self) -> Pipeline:
        return self._pipeline

    def guess(self, normalised_text: str) -> LanguageGuess:
        probabilities = self._pipeline.predict_proba([normalised_text])[0]
        best = int(probabilities.argmax())
        return LanguageGuess(self._classes[best], float(probabilities[best]))


class LanguageIdentifier:
    """Thread-safe; uses the trained model when it has one, else lingua."""

    def __init__(
        self, languages: tuple[str, ...] = NATIVE_LANGUAGES, model: LanguageModel | None = None
    ) -> None:
        from lingua import Language, LanguageDetectorBuilder

        self._by_name = {_LINGUA_NAMES[code]: code for code in languages}
        selected = [getattr(Language, _LINGUA_NAMES[code]) for code in languages]
        self._lingua: Any = LanguageDetectorBuilder.from_languages(*selected).build()
        self._lock = threading.Lock()
        self.model = model

    def warm_up(self) -> None:
        """Load lingua's language models now rather than on the first user's message."""
        for sample in ("buongiorno", "سلام", "привіт", "你好", "নমস্কার"):
            self.detect_with_lingua(sample)

    def detect(self, text: str) -> LanguageGuess:
        cleaned = normalise(text)
        if not any(char.isalpha() for char in cleaned):
            return LanguageGuess(None, 0.0)
        if self.model is not None:
            return self.model.guess(cleaned)
        return self._lingua_guess(cleaned)

    def detect_with_lingua(self, text: str) -> LanguageGuess:
        cleaned = normalise(text)
        if not any(char.isalpha() for char in cleaned):
            return LanguageGuess(None, 0.0)
        return self._lingua_guess(cleaned)

    def _lingua_guess(self, cleaned: str) -> LanguageGuess:
        with self._lock:
            values = self._lingua.compute_language_confidence_values(cleaned)
        if not values:
            return LanguageGuess(None, 0.0)
        best = values[0]
        return LanguageGuess(self._by_name[best.language.name], float(best.value))
