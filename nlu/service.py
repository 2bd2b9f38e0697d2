"""One entry point for understanding a message: language, intent, confidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nlu.classifier import IntentClassifier, IntentScore
from nlu.language_id import LanguageIdentifier

# Beyond this many characters a message is read no further: the question is at the start,
# and the classifier's cost grows with length.
MAX_UNDERSTOOD_CHARS = 2000


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
    def __init__(self, classifier: IntentClassifier, identifier: LanguageIdentifier) -> None:
        self.classifier = classifier
        self.identifier = identifier

    @classmethod
    def load(cls, data_dir: Path, cache_dir: Path) -> NluService:
        identifier = LanguageIdentifier()
        identifier.warm_up()
        return cls(IntentClassifier.load_or_train(data_dir, cache_dir), identifier)

    def understand(self, text: str, language_hint: str | None = None) -> Understanding:
        head = text[:MAX_UNDERSTOOD_CHARS]
        guess = self.identifier.detect(head)
        language = language_hint or guess.language
        confidence = 1.0 if language_hint else guess.confidence
        ranking = self.classifier.rank(head)
        best = ranking[0]
        return Understanding(
            text=text,
            language=language,
            language_confidence=confidence,
            intent=best.intent,
            confidence=best.confidence,
            ranking=ranking,
        )
