"""Lingua against py3langid on the project's own training messages.

    .venv/bin/python bench/langid_compare.py

Every example of `nlu/data/<lang>.yml` is labelled with `<lang>` (the file name). Both
detectors are restricted to those languages, and both read the text through the same
`nlu.normalise.normalise` that `LanguageIdentifier.detect` applies, so only the detector
differs. Lingua is also shown in its production configuration (the twelve native
languages), with py3langid restricted to the same twelve for comparison.
Accuracy and mean microseconds per message are printed for all examples, per language,
and for short messages (at most 3 words). See bench/README.md.
"""

from __future__ import annotations

import math
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

import py3langid as langid  # noqa: E402

from core.languages import NATIVE_LANGUAGES  # noqa: E402
from nlu.language_id import LanguageIdentifier  # noqa: E402
from nlu.normalise import normalise  # noqa: E402
from nlu.training_data import Example, load_examples  # noqa: E402

DATA_DIR = PROJECT_ROOT / "nlu" / "data"
SHORT_WORDS = 3

Detect = Callable[[str], "str | None"]


@dataclass
class Run:
    name: str
    predictions: list[str | None]  # one per example, in order
    micros: list[float]  # one per example, in order


def lingua(languages: tuple[str, ...]) -> Detect:
    identifier = LanguageIdentifier(languages)
    identifier.warm_up()
    return lambda text: identifier.detect(text).language  # normalises inside


def py3langid(languages: Sequence[str]) -> Detect:
    langid.set_languages(list(languages))  # the module-level identifier: one setting at a time

    def detect(text: str) -> str | None:
        cleaned = normalise(text)
        if not any(char.isalpha() for char in cleaned):  # as LanguageIdentifier.detect
            return None
        language, _score = langid.classify(cleaned)
        return str(language)

    return detect


def run(name: str, detect: Detect, examples: Sequence[Example]) -> Run:
    for example in examples[:50]:  # warm-up: models loaded, caches filled
        detect(example.text)
    predictions: list[str | None] = []
    micros: list[float] = []
    for example in examples:
        t0 = time.perf_counter()
        predictions.append(detect(example.text))
        micros.append((time.perf_counter() - t0) * 1e6)
    return Run(name, predictions, micros)


def score(run_: Run, examples: Sequence[Example], keep: Callable[[Example], bool]) -> str:
    picked = [i for i, example in enumerate(examples) if keep(example)]
    if not picked:
        return "-"
    right = sum(run_.predictions[i] == examples[i].language for i in picked)
    return f"{right / len(picked):.1%}"


def mean_micros(run_: Run, examples: Sequence[Example], keep: Callable[[Example], bool]) -> float:
    values = [run_.micros[i] for i, example in enumerate(examples) if keep(example)]
    return sum(values) / len(values) if values else float("nan")


def is_short(example: Example) -> bool:
    return len(example.text.split()) <= SHORT_WORDS


def print_table(rows: list[list[str]], headers: list[str]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(line(headers))
    print("-" * len(line(headers)))
    for row in rows:
        print(line(row))


def in_language(base: Callable[[Example], bool], language: str) -> Callable[[Example], bool]:
    return lambda example: base(example) and example.language == language


def table(
    title: str,
    runs: list[Run],
    examples: Sequence[Example],
    languages: Sequence[str],
    base: Callable[[Example], bool],
) -> None:
    count = sum(base(e) for e in examples)
    per_language = {
        lang: sum(base(e) and e.language == lang for e in examples) for lang in languages
    }
    print(
        f"{title} ({count} messages: "
        + ", ".join(f"{lang} {n}" for lang, n in per_language.items())
        + ")"
    )
    rows = []
    for r in runs:
        row = [r.name, score(r, examples, base)]
        row += [score(r, examples, in_language(base, lang)) for lang in languages]
        row += [
            str(sum(base(e) and p is None for e, p in zip(examples, r.predictions, strict=True))),
            f"{mean_micros(r, examples, base):.0f}",
        ]
        rows.append(row)
    print_table(
        rows,
        ["detector", "accuracy", *[f"acc {lang}" for lang in languages], "no answer", "µs/msg"],
    )
    print()


def accuracy(r: Run, examples: Sequence[Example], keep: Callable[[Example], bool]) -> float:
    picked = [i for i, e in enumerate(examples) if keep(e)]
    return sum(r.predictions[i] == examples[i].language for i in picked) / len(picked)


def mcnemar_p(discordant_a: int, discordant_b: int) -> float:
    """Exact two-sided McNemar test: could the split of disagreements be a coin toss?"""
    n = discordant_a + discordant_b
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(discordant_a, discordant_b) + 1)) / float(2**n)
    return min(1.0, 2 * tail)


def verdict(label: str, a: Run, b: Run, examples: Sequence[Example]) -> None:
    """Which of two runs is more accurate (and whether by more than chance), and faster."""
    print(f"{label}:")
    for what, keep in (("all messages", lambda e: True), (f"≤{SHORT_WORDS} words", is_short)):
        picked = [i for i, e in enumerate(examples) if keep(e)]
        a_only = sum(a.predictions[i] == examples[i].language != b.predictions[i] for i in picked)
        b_only = sum(b.predictions[i] == examples[i].language != a.predictions[i] for i in picked)
        acc_a, acc_b = accuracy(a, examples, keep), accuracy(b, examples, keep)
        p = mcnemar_p(a_only, b_only)
        if a_only == b_only:
            outcome = f"tie ({acc_a:.1%})"
        else:
            winner = a if a_only > b_only else b
            outcome = f"{winner.name} wins, {max(acc_a, acc_b):.1%} vs {min(acc_a, acc_b):.1%}"
        significance = "significant" if p < 0.05 else "NOT significant"
        print(
            f"  {what:>14}: {outcome} (only {a.name} right: {a_only}, only {b.name} "
            f"right: {b_only}; McNemar p = {p:.3f}, {significance} at 5%)"
        )
    speed_a = mean_micros(a, examples, lambda e: True)
    speed_b = mean_micros(b, examples, lambda e: True)
    faster, ratio = (a, speed_b / speed_a) if speed_a < speed_b else (b, speed_a / speed_b)
    print(
        f"  {'speed':>14}: {faster.name} is {ratio:.1f}x faster "
        f"({min(speed_a, speed_b):.0f} vs {max(speed_a, speed_b):.0f} µs/msg)"
    )


def main() -> int:
    examples = load_examples(DATA_DIR)
    data_languages = tuple(sorted(path.stem for path in DATA_DIR.glob("*.yml")))
    print(
        f"Language identification on nlu/data: {len(examples)} examples, "
        f"languages {', '.join(data_languages)} (label = file name)"
    )
    print(
        f"Python {platform.python_version()}, lingua-language-detector "
        f"{version('lingua-language-detector')}, py3langid {version('py3langid')}"
    )
    print()

    native = tuple(NATIVE_LANGUAGES)
    t0 = time.perf_counter()
    runs = [
        run(f"lingua [{'+'.join(data_languages)}]", lingua(data_languages), examples),
        run(f"py3langid [{'+'.join(data_languages)}]", py3langid(data_languages), examples),
        run(f"lingua [{len(native)} native]", lingua(native), examples),
        run(f"py3langid [{len(native)} native]", py3langid(native), examples),
    ]
    elapsed = time.perf_counter() - t0

    table("All examples", runs, examples, data_languages, lambda e: True)
    table(f"Short messages (≤{SHORT_WORDS} words)", runs, examples, data_languages, is_short)
    table(
        "Two to five words (the range nlu/language_id.py's docstring speaks of)",
        runs,
        examples,
        data_languages,
        lambda e: 2 <= len(e.text.split()) <= 5,
    )

    verdict(f"Restricted to {'+'.join(data_languages)}", runs[0], runs[1], examples)
    verdict(f"Restricted to the {len(native)} native languages", runs[2], runs[3], examples)
    print()
    print(
        f"(µs/msg includes normalise(); measured one call at a time after a warm-up; "
        f"whole comparison {elapsed:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
