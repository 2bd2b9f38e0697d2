"""`meet2know nlu evaluate`: cross-validation on examples the model did not see."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from nlu.evaluate import cross_validate, evaluate, format_report
from nlu.language_id import LanguageIdentifier
from nlu.training_data import Example

INTENTS = {
    "greet": ["hello", "hi there", "good morning", "hey", "salam", "hello friend"],
    "thanks": ["thank you", "thanks a lot", "many thanks", "thx", "thank u so much", "grazie"],
    "tax_code": [
        "codice fiscale",
        "tax code where",
        "get codice fiscale",
        "my tax number",
        "codice fiscale lost",
        "need tax code",
    ],
}


def examples() -> list[Example]:
    result = [Example(t, i, "en") for i, texts in INTENTS.items() for t in texts]
    result += [Example("ciao a tutti", "greet", "it"), Example("buongiorno", "greet", "it")]
    return result


def test_each_example_is_predicted_by_a_model_that_never_saw_it() -> None:
    seen: list[set[str]] = []

    def trainer(train: Sequence[Example]) -> Callable[[Sequence[str]], list[tuple[str, float]]]:
        texts = {e.text for e in train}
        seen.append(texts)

        def predict(batch: Sequence[str]) -> list[tuple[str, float]]:
            assert not texts & set(batch)
            return [("greet", 0.5)] * len(batch)

        return predict

    data = [e for e in examples() if e.language == "en"]
    predictions = cross_validate(data, trainer, folds=3)
    assert len(seen) == 3 and predictions == [("greet", 0.5)] * len(data)


def test_report_has_overall_per_language_per_intent_and_confusions() -> None:
    data = [e for e in examples() if e.language == "en"]
    report = evaluate(data, folds=3, identifier=LanguageIdentifier(("en", "it")))
    assert report.overall.examples == len(data)
    assert set(report.per_language) == {"en"}
    assert set(report.per_intent) == set(INTENTS)
    assert 0.0 <= report.overall.macro_f1 <= 1.0
    assert report.language_id["en"].examples == len(data)
    assert report.language_id_lingua["en"].examples == len(data)
    as_json = report.as_json()
    assert set(as_json) >= {"overall", "per_language", "per_intent", "confused_pairs"}
    assert report.thresholds[0].threshold == 0.3
    assert report.thresholds[0].answered >= report.thresholds[-1].answered
    text = format_report(report)
    assert "overall" in text and "Most confused" in text
