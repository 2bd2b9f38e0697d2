"""`meet2know nlu evaluate`: scores on examples the model did not see."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from nlu.evaluate import evaluate, format_report, held_out, held_out_split, predict_unseen, splits
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
    predictions = predict_unseen(data, trainer, splits(data, folds=3))
    assert len(seen) == 3 and sorted(predictions) == list(range(len(data)))


def test_the_held_out_split_is_fixed_by_each_example_alone() -> None:
    data = [Example(f"message number {n}", "greet", "en") for n in range(2000)]
    train, test = held_out_split(data)
    assert 0.17 < len(test) / len(data) < 0.23
    assert not {e.text for e in train} & {e.text for e in test}
    # Adding examples never moves an existing one across the split.
    more = data + [Example(f"another message {n}", "thanks", "en") for n in range(500)]
    assert [e for e in more[:2000] if held_out(e)] == test
    # Accents and case do not change the side: the same message normalised stays put.
    assert held_out(Example("Message Number 7", "greet", "en")) == held_out(data[7])


def test_the_held_out_split_trains_once_without_the_tested_examples() -> None:
    data = [Example(f"message number {n}", "greet", "en") for n in range(200)]
    seen: list[set[str]] = []

    def trainer(train: Sequence[Example]) -> Callable[[Sequence[str]], list[tuple[str, float]]]:
        seen.append({e.text for e in train})
        return lambda batch: [("greet", 0.9)] * len(batch)

    report = evaluate(data, trainer)
    _, test = held_out_split(data)
    assert len(seen) == 1 and not seen[0] & {e.text for e in test}
    assert report.overall.examples == len(test) and report.trained_on == len(data) - len(test)
    assert report.overall.accuracy == 1.0


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
