"""The training data stays honest: written per language, not padded with near-copies.

Near-copies (the same sentence with a word or two changed) would let cross-validation
score a model on what it has in effect already seen.
"""

from __future__ import annotations

import collections

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from core.config import PROJECT_ROOT
from core.languages import NATIVE_LANGUAGES
from nlu.intents import taxonomy
from nlu.normalise import normalise
from nlu.training_data import Example, load_examples

EXAMPLES = load_examples(PROJECT_ROOT / "nlu" / "data")
BY_LANGUAGE: dict[str, list[Example]] = collections.defaultdict(list)
for _example in EXAMPLES:
    BY_LANGUAGE[_example.language].append(_example)
NEAR_COPY_SIMILARITY = 0.9
MAX_NEAR_COPY_SHARE = 0.02
ROMANISED = {"ar", "ur", "bn", "fa"}


@pytest.mark.parametrize("language", NATIVE_LANGUAGES)
def test_every_intent_has_at_least_20_examples(language: str) -> None:
    counts = collections.Counter(e.intent for e in BY_LANGUAGE[language])
    assert set(counts) == set(taxonomy().intents)
    assert min(counts.values()) >= 20


@pytest.mark.parametrize("language", NATIVE_LANGUAGES)
def test_few_near_copies(language: str) -> None:
    """Among sentences (four words or more: "si"/"si si" are real, different replies)."""
    texts = [t for t in (normalise(e.text) for e in BY_LANGUAGE[language]) if len(t.split()) >= 4]
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3)).fit_transform(texts)
    similarity = (vectors @ vectors.T).tolil()
    similarity.setdiag(0)
    near = sum(1 for row in similarity.tocsr() if row.nnz and row.max() >= NEAR_COPY_SIMILARITY)
    assert near / len(texts) <= MAX_NEAR_COPY_SHARE, f"{near} near-copies in {language}"


@pytest.mark.parametrize("language", sorted(ROMANISED))
def test_romanised_writing_is_represented(language: str) -> None:
    """Arabizi, Roman Urdu, Banglish and Finglish are a large part of real messages."""
    texts = [e.text for e in BY_LANGUAGE[language]]
    latin = [t for t in texts if sum(c.isascii() and c.isalpha() for c in t) > len(t) / 2]
    assert len(latin) / len(texts) >= 0.25
