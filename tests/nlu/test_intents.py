"""The project's copy of the intent taxonomy stays the shared contract, and data covers it."""

from __future__ import annotations

import collections

import pytest

from core.config import PROJECT_ROOT
from core.languages import NATIVE_LANGUAGES
from nlu.intents import INTENTS_FILE, taxonomy
from nlu.training_data import load_examples

SHARED_SPEC = PROJECT_ROOT.parent / "shared" / "spec" / "intents.yaml"


def test_the_copy_equals_the_shared_spec_when_it_is_present() -> None:
    if not SHARED_SPEC.exists():
        pytest.skip("../shared/spec/intents.yaml is not beside this checkout")
    assert INTENTS_FILE.read_text(encoding="utf-8") == SHARED_SPEC.read_text(encoding="utf-8")


def test_languages_of_the_spec_are_the_programs_languages() -> None:
    assert taxonomy().native_languages == NATIVE_LANGUAGES


@pytest.mark.parametrize("language", ["it", "en"])
def test_every_intent_has_at_least_15_distinct_examples(language: str) -> None:
    examples = [e for e in load_examples(PROJECT_ROOT / "nlu" / "data") if e.language == language]
    counts = collections.Counter(e.intent for e in examples)
    assert set(counts) == set(taxonomy().intents)
    assert min(counts.values()) >= 15
    texts = [e.text.lower() for e in examples]
    assert len(texts) == len(set(texts)), "an example appears twice"
