"""One entry point for understanding a message: language, intent, confidence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from nlu.classifier import IntentClassifier, IntentScore
from nlu.language_id import LANGUAGE_MODEL_VERSION, LanguageIdentifier, LanguageModel
from nlu.model_cache import cache_key, load_or_build
from nlu.rasa_engine import IntentRanker
from nlu.training_data import data_fingerprint, load_examples

# Of a longer message only its beginning and its end are read (a question usually opens or
# closes it), so that the classifier's cost stays bounded.
MAX_UNDERSTOOD_CHARS = 2000
TAIL_CHARS = 500
# A long message is also read in parts of about this size (a story, then the question):
# the part understood with the most confidence speaks for the message.
PART_CHARS = 240
_SENTENCE_END = re.compile(r"(?<=[.!?؟。\n])\s+")


@dataclass(frozen=True)
class Understanding:
    text: str
    language: str | None
    language_confidence: float
    intent: str
    confidence: float
    ranking: list[IntentScore] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "language": self.language,
            "language_confidence": round(self.language_confidence, 4),
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "ranking": [
                {"intent": s.intent, "confidence": round(s.confidence, 4)} for s in self.ranking
            ],
        }


class NluService:
    """Language identification, and intent ranking by the embedded classifier or another
    ranker (Rasa, see nlu/rasa_engine.py) that falls back on it."""

    def __init__(
        self,
        classifier: IntentClassifier,
        identifier: LanguageIdentifier,
        ranker: IntentRanker | None = None,
    ) -> None:
        self.classifier = classifier
        self.identifier = identifier
        self.ranker: IntentRanker = ranker or classifier

    def using(self, ranker: IntentRanker) -> NluService:
        """The same service, ranking intents with another engine."""
        return NluService(self.classifier, self.identifier, ranker)

    @classmethod
    def load(cls, data_dir: Path, cache_dir: Path) -> NluService:
        """The intent classifier and the language model, from the cache or trained now."""
        key = cache_key(data_fingerprint(data_dir), LANGUAGE_MODEL_VERSION)
        pipeline = load_or_build(
            cache_dir,
            "language-model",
            key,
            lambda: LanguageModel.train(load_examples(data_dir)).pipeline,
        )
        identifier = LanguageIdentifier(model=LanguageModel(pipeline))
        identifier.warm_up()
        return cls(IntentClassifier.load_or_train(data_dir, cache_dir), identifier)

    def understand(self, text: str, language_hint: str | None = None) -> Understanding:
        head = _readable_part(text)
        guess = self.identifier.detect(head)
        language = language_hint or guess.language
        confidence = 1.0 if language_hint else guess.confidence
        ranking = max(
            (self.ranker.rank(part) for part in _parts(head)),
            key=lambda scores: scores[0].confidence,
        )
        best = ranking[0]
        return Understanding(
            text=text,
            language=language,
            language_confidence=confidence,
            intent=best.intent,
            confidence=best.confidence,
            ranking=ranking,
        )


def _readable_part(text: str) -> str:
    if len(text) <= MAX_UNDERSTOOD_CHARS:
        return text
    return f"{text[: MAX_UNDERSTOOD_CHARS - TAIL_CHARS]}\n{text[-TAIL_CHARS:]}"


def _parts(text: str) -> list[str]:
    """The whole text, and for a long one also its sentences grouped into short parts."""
    if len(text) <= PART_CHARS:
        return [text]
    parts, current = [text], ""
    for sentence in _SENTENCE_END.split(text):
        for start in range(0, len(sentence), PART_CHARS):
            piece = sentence[start : start + PART_CHARS]
            if current and len(current) + len(piece) + 1 > PART_CHARS:
                parts.append(current)
                current = ""
            current = f"{current} {piece}".strip()
    if current:
        parts.append(current)
    return parts
