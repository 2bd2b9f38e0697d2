"""The embedded intent classifier: TF-IDF character and word n-grams, concept tokens, and a
linear SVM with calibrated probabilities.

Character n-grams carry typos, missing accents, Chinese without spaces and Arabic script;
word n-grams carry the bureaucratic keywords; concept tokens from the lexicon
(nlu/concepts.py) carry what one language taught to the eleven others. A linear SVM is as
accurate as logistic regression here and trains several times faster on twelve
languages; sigmoid calibration (fitted on cross-validated scores, then one SVM on all the
data) turns its scores into the confidences the dialogue's threshold needs.

The trained model is cached on disk, keyed by the training data, the lexicon, this file's
version and scikit-learn's version.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from nlu.compiled import CompiledClassifier
from nlu.concepts import ConceptLexicon, lexicon_fingerprint
from nlu.model_cache import cache_key, load_or_build
from nlu.normalise import normalise
from nlu.training_data import Example, data_fingerprint, load_examples

MODEL_VERSION = "3"
# Words, except that each Chinese character is a token of its own (Chinese has no spaces):
# word bigrams then are character bigrams, which is what carries meaning there.
WORD_OR_HAN_CHARACTER = r"(?u)[\u4e00-\u9fff]|[^\W\u4e00-\u9fff]+"
# A short message made only of words of one of these concepts ("grazie mille", "ok",
# "مع السلامة") is that small-talk intent: the lexicon knows these words in every
# language, where the n-grams of a two-word message often do not.
CHITCHAT_CONCEPTS = {
    "greet": "greet",
    "bye": "goodbye",
    "thanks": "thanks",
    "agree": "affirm",
    "refuse": "deny",
    "help": "help",
}
LEXICON_CONFIDENCE = 0.75
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IntentScore:
    intent: str
    confidence: float


def build_pipeline(calibrated: bool = True) -> Pipeline:
    features = FeatureUnion(
        [
            (
                "chars",
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
            ),
            (
                "words",
                TfidfVectorizer(
                    analyzer="word",
                    ngram_range=(1, 2),
                    token_pattern=WORD_OR_HAN_CHARACTER,
                    sublinear_tf=True,
                ),
            ),
        ]
    )
    svm = LinearSVC(C=1.0)
    model: Any = (
        CalibratedClassifierCV(svm, method="sigmoid", cv=3, ensemble=False) if calibrated else svm
    )
    return Pipeline([("features", features), ("model", model)])


class IntentClassifier:
    def __init__(self, pipeline: Pipeline, lexicon: ConceptLexicon) -> None:
        self._pipeline = pipeline
        self._lexicon = lexicon
        self._compiled = CompiledClassifier(pipeline)
        self._classes = self._compiled.classes

    @classmethod
    def train(
        cls, examples: Sequence[Example], lexicon: ConceptLexicon | None = None
    ) -> IntentClassifier:
        lexicon = lexicon or ConceptLexicon.load()
        pipeline = build_pipeline()
        texts = [lexicon.annotate(normalise(e.text)) for e in examples]
        pipeline.fit(texts, [e.intent for e in examples])
        return cls(pipeline, lexicon)

    @classmethod
    def load_or_train(cls, data_dir: Path, cache_dir: Path) -> IntentClassifier:
        """Use the cached model for this exact training data and lexicon, or train one."""
        lexicon = ConceptLexicon.load()
        key = cache_key(data_fingerprint(data_dir), lexicon_fingerprint(), MODEL_VERSION)

        def build() -> Pipeline:
            return cls.train(load_examples(data_dir), lexicon)._pipeline

        return cls(load_or_build(cache_dir, "intent-classifier", key, build), lexicon)

    @property
    def intents(self) -> list[str]:
        return list(self._classes)

    def rank(self, text: str, limit: int = 5) -> list[IntentScore]:
        normalised = normalise(text)
        probabilities = self._compiled.predict_proba(self._lexicon.annotate(normalised))
        order = probabilities.argsort()[::-1]
        scores = [IntentScore(self._classes[i], float(probabilities[i])) for i in order]
        chitchat = self._lexicon.only(normalised, frozenset(CHITCHAT_CONCEPTS))
        if chitchat:
            intents = {CHITCHAT_CONCEPTS[c] for c in chitchat}
            best = next(s for s in scores if s.intent in intents)
            lifted = IntentScore(best.intent, max(best.confidence, LEXICON_CONFIDENCE))
            scores = [lifted] + [s for s in scores if s.intent != best.intent]
        return scores[:limit]
