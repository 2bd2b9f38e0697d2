"""Understanding real-looking messages: language, intent, confidence."""

from __future__ import annotations

import pytest

from nlu.normalise import normalise
from nlu.service import NluService


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("come rinnovo il permesso di soggiorno", "residence_permit_renewal"),
        ("my permesso expire next month what i do", "residence_permit_renewal"),
        ("dove faccio il codice fiscale", "tax_code"),
        ("i want asylum in italy", "asylum_application"),
        ("ciao", "greet"),
        ("grazie mille", "thanks"),
    ],
)
def test_typical_questions(nlu_service: NluService, text: str, intent: str) -> None:
    result = nlu_service.understand(text)
    assert result.intent == intent
    assert 0.0 <= result.confidence <= 1.0
    assert result.ranking[0].intent == intent
    assert len(result.ranking) == 5


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("come posso rinnovare il permesso di soggiorno", "it"),
        ("how can i renew my residence permit", "en"),
        ("comment renouveler mon titre de séjour", "fr"),
        ("كيف أجدد تصريح الإقامة", "ar"),
        ("Как продлить вид на жительство", "ru"),
        ("我怎么续签居留许可", "zh"),
        ("مجھے اپنے اجازت نامے کی تجدید کرنی ہے", "ur"),
    ],
)
def test_language_of_short_messages(nlu_service: NluService, text: str, language: str) -> None:
    assert nlu_service.identifier.detect(text).language == language


@pytest.mark.parametrize("text", ["", "🙏🙏", "12345", "\u200b\u200f"])
def test_no_language_without_letters(nlu_service: NluService, text: str) -> None:
    assert nlu_service.identifier.detect(text).language is None


def test_a_language_hint_wins(nlu_service: NluService) -> None:
    result = nlu_service.understand("ok", language_hint="fr")
    assert result.language == "fr" and result.language_confidence == 1.0


def test_normalise_folds_accents_case_and_invisible_marks() -> None:
    assert normalise("  PERCHÉ   il\u200b Permesso ") == "perche il permesso"
    assert normalise("مُرَحَّبًا") == "مرحبا"
    assert normalise("Їжак") == "їжак"  # Cyrillic letters keep their marks
