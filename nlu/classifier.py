"""The embedded intent classifier: TF-IDF character and word n-grams + logistic regression.

Character n-grams carry typos, missing accents, Chinese without spaces and Arabic
script; word n-grams carry the bureaucratic keywords. scikit-learn trains it on
all languages at once in a few seconds; the trained model is cached on disk,
keyed by a hash of the training data and of this file's version.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from nlu.normalise import normalise
from nlu.training_data import Example, data_fingerprint, load_examples

MODEL_VERSION = "1"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IntentScore:
    intent: str
    confidence: float


def build_pipeline() -> Pipeline:
    features = FeatureUnion(
        [
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1
                ),
            ),
            (
                "words",
                TfidfVectorizer(
                    analyzer="word",
                    ngram_range=(1, 2),
                    token_pattern=r"(?u)\b\w+\b",
                    sublinear_tf=True,
                ),
            ),
        ]
    )
    model = LogisticRegression(C=20.0, max_iter=3000)
    return Pipeline([("features", features), ("model", model)])


class IntentClassifier:
    def __init__(self, pipeline: Pipeline) -> None:
        self._pipeline = pipeline
        self._classes: list[str] = [str(c) for c in pipeline.classes_]

    @classmethod
    def train(cls, examples: Sequence[Example]) -> IntentClassifier:
        pipeline = build_pipeline()
        pipeline.fit([normalise(e.text) for e in examples], [e.intent for e in examples])
        return cls(pipeline)

    @classmethod
    def load_or_train(cls, data_dir: Path, cache_dir: Path) -> IntentClassifier:
        """Use the cached model for this exact training data, or train and cache one."""
        key = hashlib.sha256(
            f"{data_fingerprint(data_dir)}:{MODEL_VERSION}:{sklearn.__version__}".encode()
        ).hexdigest()[:16]
        path = cache_dir / f"intent-classifier-{key}.joblib"
        if path.exists():
            try:
                pipeline: Any = joblib.load(path)
                return cls(pipeline)
            except Exception:  # a truncated or foreign file: retrain rather than fail
                log.warning("cached classifier %s unreadable; retraining", path)
        classifier = cls.train(load_examples(data_dir))
        cache_dir.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        joblib.dump(classifier._pipeline, temporary)
        temporary.replace(path)
        for stale in cache_dir.glob("intent-classifier-*.joblib"):
            if stale != path:
                stale.unlink(missing_ok=True)
        return classifier

    @property
    def intents(self) -> list[str]:
        return list(self._classes)

    def rank(self, text: str, limit: int = 5) -> list[IntentScore]:
        probabilities = self._pipeline.predict_proba([normalise(text)])[0]
        order = probabilities.argsort()[::-1][:limit]
        return [IntentScore(self._classes[i], float(probabilities[i])) for i in order]
