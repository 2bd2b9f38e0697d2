"""The trained classifier is cached on disk, keyed by the training data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from nlu.classifier import IntentClassifier


@pytest.fixture
def english_only(tmp_path: Path) -> Path:
    """A training folder with one language, so that each training takes seconds."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(PROJECT_ROOT / "nlu" / "data" / "en.yml", data / "en.yml")
    return data


def test_cache_is_reused_and_renewed_when_data_changes(english_only: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    IntentClassifier.load_or_train(english_only, cache)
    (first,) = cache.glob("*.joblib")
    stamp = first.stat().st_mtime_ns
    IntentClassifier.load_or_train(english_only, cache)
    assert first.stat().st_mtime_ns == stamp

    with (english_only / "en.yml").open("a") as handle:
        handle.write("- intent: thanks\n  examples: |\n    - thx a lot my friend\n")
    IntentClassifier.load_or_train(english_only, cache)
    (second,) = cache.glob("*.joblib")
    assert second != first


def test_a_corrupt_cache_file_is_retrained(english_only: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    IntentClassifier.load_or_train(english_only, cache)
    (path,) = cache.glob("*.joblib")
    path.write_bytes(b"not a model")
    classifier = IntentClassifier.load_or_train(english_only, cache)
    assert classifier.rank("hello")[0].intent == "greet"
