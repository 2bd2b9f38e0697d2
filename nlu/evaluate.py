"""`meet2know nlu evaluate`: how well the embedded engine understands, on data it did not see.

By default on a fixed held-out split: a fifth of the examples of `nlu/data/`, chosen by a
hash of each example, is kept out of training and predicted by a model trained on the
rest. Every engine (embedded, Rasa) is compared on that same split. With `--folds k`,
stratified k-fold cross-validation instead (strata = language and intent), where every
example is predicted once by a model trained without it. Reported overall, per language
and per intent, with the most confused pairs, and the language identifier's accuracy on
the same messages.
"""

from __future__ import annotations

import collections
import hashlib
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from nlu.classifier import IntentClassifier
from nlu.language_id import LanguageIdentifier, LanguageModel
from nlu.normalise import normalise
from nlu.training_data import Example

SHORT_WORDS = 3
HELD_OUT_PERCENT = 20

THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
# An engine for evaluation: trained on some examples, it predicts (intent, confidence).
Prediction = tuple[str, float]
Split = tuple[list[int], list[int]]  # (training indices, test indices)
Trainer = Callable[[Sequence[Example]], Callable[[Sequence[str]], list[Prediction]]]


def embedded_trainer(examples: Sequence[Example]) -> Callable[[Sequence[str]], list[Prediction]]:
    classifier = IntentClassifier.train(examples)

    def predict(texts: Sequence[str]) -> list[Prediction]:
        best = [classifier.rank(text, limit=1)[0] for text in texts]
        return [(score.intent, score.confidence) for score in best]

    return predict


@dataclass
class Scores:
    examples: int
    accuracy: float
    macro_f1: float


@dataclass
class IntentScores:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class LanguageIdScores:
    examples: int
    accuracy: float
    short_examples: int
    short_accuracy: float


@dataclass
class ThresholdRow:
    """At this confidence threshold: the share of messages answered, and how many were right."""

    threshold: float
    answered: float
    right_when_answered: float


@dataclass
class Report:
    method: str
    trained_on: int
    overall: Scores
    per_language: dict[str, Scores]
    per_intent: dict[str, IntentScores]
    confused_pairs: list[tuple[str, str, int]]
    language_id: dict[str, LanguageIdScores] = field(default_factory=dict)
    language_id_lingua: dict[str, LanguageIdScores] = field(default_factory=dict)
    thresholds: list[ThresholdRow] = field(default_factory=list)
    seconds: float = 0.0
    engine: str = "embedded"

    def as_json(self) -> dict[str, object]:
        return {
            "engine": self.engine,
            "method": self.method,
            "trained_on": self.trained_on,
            "overall": vars(self.overall),
            "per_language": {k: vars(v) for k, v in self.per_language.items()},
            "per_intent": {k: vars(v) for k, v in self.per_intent.items()},
            "confused_pairs": [
                {"expected": a, "predicted": b, "count": n} for a, b, n in self.confused_pairs
            ],
            "language_id": {k: vars(v) for k, v in self.language_id.items()},
            "language_id_lingua": {k: vars(v) for k, v in self.language_id_lingua.items()},
            "thresholds": [vars(row) for row in self.thresholds],
            "seconds": round(self.seconds, 1),
        }


def held_out(example: Example) -> bool:
    """Whether an example belongs to the fixed held-out split.

    Decided by a hash of the example itself, so the split is the same on every machine and
    an example added later never moves an existing one from one side to the other.
    """
    key = f"{example.language}\n{example.intent}\n{normalise(example.text)}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:4], "big") % 100 < HELD_OUT_PERCENT


def held_out_split(examples: Sequence[Example]) -> tuple[list[Example], list[Example]]:
    """(training part, held-out part) of the fixed split."""
    train = [e for e in examples if not held_out(e)]
    test = [e for e in examples if held_out(e)]
    return train, test


def splits(examples: Sequence[Example], folds: int | None, seed: int = 0) -> list[Split]:
    """The fixed held-out split (folds=None) or a stratified k-fold, as index pairs."""
    if folds is None:
        test = [i for i, e in enumerate(examples) if held_out(e)]
        chosen = set(test)
        return [([i for i in range(len(examples)) if i not in chosen], test)]
    strata = [f"{e.language}:{e.intent}" for e in examples]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return [(list(train), list(test)) for train, test in splitter.split(strata, strata)]


def predict_unseen(
    examples: Sequence[Example], trainer: Trainer, parts: Sequence[Split]
) -> dict[int, Prediction]:
    """For each tested example (by index), the prediction of a model that never saw it."""
    predictions: dict[int, Prediction] = {}
    for train_index, test_index in parts:
        predict = trainer([examples[i] for i in train_index])
        batch = [examples[i].text for i in test_index]
        predictions.update(zip(test_index, predict(batch), strict=True))
    return predictions


def evaluate(
    examples: Sequence[Example],
    trainer: Trainer = embedded_trainer,
    folds: int | None = None,
    identifier: LanguageIdentifier | None = None,
) -> Report:
    """Scores on the fixed held-out split, or cross-validated over `folds` folds."""
    started = time.perf_counter()
    parts = splits(examples, folds)
    unseen = predict_unseen(examples, trainer, parts)
    tested = [examples[i] for i in sorted(unseen)]
    report = build_report(
        tested,
        [unseen[i] for i in sorted(unseen)],
        method=f"{folds}-fold stratified cross-validation" if folds else "fixed held-out split",
        trained_on=len(parts[0][0]),
    )
    if identifier is not None:
        learned = predict_languages(examples, parts)
        report.language_id = language_id_scores(tested, [learned[i] for i in sorted(unseen)])
        lingua = [identifier.detect_with_lingua(e.text).language for e in tested]
        report.language_id_lingua = language_id_scores(tested, lingua)
    report.seconds = time.perf_counter() - started
    return report


def build_report(
    tested: Sequence[Example], scored: Sequence[Prediction], method: str, trained_on: int
) -> Report:
    """The intent scores of these predictions of the tested examples."""
    predictions = [intent for intent, _ in scored]
    expected = [e.intent for e in tested]
    return Report(
        method=method,
        trained_on=trained_on,
        overall=_scores(expected, predictions),
        per_language={
            language: _scores([e.intent for e, _ in pairs], [p for _, p in pairs])
            for language, pairs in _by_language(tested, predictions).items()
        },
        per_intent=_per_intent(expected, predictions),
        confused_pairs=_confused(expected, predictions),
        thresholds=_thresholds(expected, scored),
    )


def predict_languages(examples: Sequence[Example], parts: Sequence[Split]) -> dict[int, str | None]:
    """The language of each tested example by a language model trained without it."""
    guesses: dict[int, str | None] = {}
    languages = tuple(sorted({e.language for e in examples}))
    for train_index, test_index in parts:
        if len(languages) < 2:  # one language: nothing to tell apart
            guesses.update((i, examples[i].language) for i in test_index)
            continue
        model = LanguageModel.train([examples[i] for i in train_index])
        identifier = LanguageIdentifier(languages=languages, model=model)
        guesses.update((i, identifier.detect(examples[i].text).language) for i in test_index)
    return guesses


def language_id_scores(
    examples: Sequence[Example], guesses: Sequence[str | None]
) -> dict[str, LanguageIdScores]:
    results: dict[str, list[tuple[bool, bool]]] = collections.defaultdict(list)
    for example, guess in zip(examples, guesses, strict=True):
        right = guess == example.language
        short = len(example.text.split()) <= SHORT_WORDS
        results[example.language].append((right, short))
    scores = {}
    for language, rows in sorted(results.items()):
        shorts = [right for right, short in rows if short]
        scores[language] = LanguageIdScores(
            examples=len(rows),
            accuracy=statistics.fmean(right for right, _ in rows),
            short_examples=len(shorts),
            short_accuracy=statistics.fmean(shorts) if shorts else 0.0,
        )
    return scores


def _thresholds(expected: Sequence[str], scored: Sequence[Prediction]) -> list[ThresholdRow]:
    rows = []
    for threshold in THRESHOLDS:
        answered = [e == p for e, (p, c) in zip(expected, scored, strict=True) if c >= threshold]
        rows.append(
            ThresholdRow(
                threshold=threshold,
                answered=len(answered) / len(expected),
                right_when_answered=statistics.fmean(answered) if answered else 0.0,
            )
        )
    return rows


def _scores(expected: Sequence[str], predicted: Sequence[str]) -> Scores:
    return Scores(
        examples=len(expected),
        accuracy=float(accuracy_score(expected, predicted)),
        macro_f1=float(f1_score(expected, predicted, average="macro", zero_division=0)),
    )


def _by_language(
    examples: Sequence[Example], predictions: Sequence[str]
) -> dict[str, list[tuple[Example, str]]]:
    grouped: dict[str, list[tuple[Example, str]]] = collections.defaultdict(list)
    for example, prediction in zip(examples, predictions, strict=True):
        grouped[example.language].append((example, prediction))
    return dict(sorted(grouped.items()))


def _per_intent(expected: Sequence[str], predicted: Sequence[str]) -> dict[str, IntentScores]:
    labels = sorted(set(expected))
    precision, recall, f1, support = precision_recall_fscore_support(
        expected, predicted, labels=labels, zero_division=0
    )
    return {
        label: IntentScores(float(p), float(r), float(f), int(s))
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }


def _confused(
    expected: Sequence[str], predicted: Sequence[str], limit: int = 15
) -> list[tuple[str, str, int]]:
    pairs = collections.Counter((e, p) for e, p in zip(expected, predicted, strict=True) if e != p)
    return [(e, p, n) for (e, p), n in pairs.most_common(limit)]


def format_report(report: Report) -> str:
    lines = [
        f"Intent classification ({report.engine} engine), {report.method}:"
        f" trained on {report.trained_on} examples, tested on {report.overall.examples}"
        f" it never saw ({report.seconds:.0f} s)",
        "",
        f"{'':14}{'examples':>9}{'accuracy':>10}{'macro-F1':>10}",
        _row("overall", report.overall),
    ]
    lines += [_row(language, scores) for language, scores in report.per_language.items()]
    if report.language_id:
        lines += [
            "",
            "Language identification, trained model (same split) | lingua",
            f"{'':14}{'all':>8}{'<=3 words':>11}   | {'all':>7}{'<=3 words':>11}",
        ]
        for language, ids in report.language_id.items():
            other = report.language_id_lingua[language]
            lines.append(
                f"  {language:12}{ids.accuracy:>8.1%}{ids.short_accuracy:>11.1%}   |"
                f" {other.accuracy:>7.1%}{other.short_accuracy:>11.1%}"
                f"   ({ids.examples} messages, {ids.short_examples} short)"
            )
    lines += ["", "Confidence threshold: answered / right when answered"]
    lines += [
        f"  {row.threshold:.2f}  {row.answered:>7.1%}  {row.right_when_answered:>7.1%}"
        for row in report.thresholds
    ]
    lines += ["", "Per intent (precision / recall / F1)"]
    for intent, s in sorted(report.per_intent.items(), key=lambda item: item[1].f1):
        lines.append(f"  {intent:26}{s.precision:>7.1%}{s.recall:>8.1%}{s.f1:>8.1%}  n={s.support}")
    lines += ["", "Most confused (expected -> predicted)"]
    lines += [f"  {n:4}  {a} -> {b}" for a, b, n in report.confused_pairs]
    return "\n".join(lines)


def _row(name: str, scores: Scores) -> str:
    return f"  {name:12}{scores.examples:>9}{scores.accuracy:>10.1%}{scores.macro_f1:>10.1%}"
