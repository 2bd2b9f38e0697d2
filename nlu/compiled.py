"""The trained classifier, scored one message at a time without scikit-learn's overhead.

scikit-learn's pipeline validates its input and builds sparse matrices at every step,
and the sigmoid calibration loops over the classes: ~7 ms for one short message, most of
it bookkeeping. A message has a few hundred n-grams, so its scores are a small sum over
the SVM's weight columns: this module computes exactly what `pipeline.predict_proba`
computes (TF-IDF per vectorizer, L2-normalised, concatenated; the linear SVM's decision
values; one sigmoid per class; normalised), for one text, in well under a millisecond.
A test keeps it equal to scikit-learn's own result.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline


@dataclass(frozen=True)
class _Vectorizer:
    analyse: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray
    offset: int
    sublinear: bool


class CompiledClassifier:
    """`predict_proba` of a trained features → calibrated linear SVM pipeline, for one text."""

    def __init__(self, pipeline: Pipeline) -> None:
        features, model = pipeline.named_steps["features"], pipeline.named_steps["model"]
        if features.transformer_weights or len(model.calibrated_classifiers_) != 1:
            raise ValueError("only unweighted features and one calibrated SVM are supported")
        self._vectorizers = []
        offset = 0
        for _, vectorizer in features.transformer_list:
            if vectorizer.norm != "l2" or not vectorizer.use_idf:
                raise ValueError("only L2-normalised TF-IDF features are supported")
            self._vectorizers.append(
                _Vectorizer(
                    vectorizer.build_analyzer(),
                    vectorizer.vocabulary_,
                    vectorizer.idf_,
                    offset,
                    vectorizer.sublinear_tf,
                )
            )
            offset += len(vectorizer.vocabulary_)
        (calibrated,) = model.calibrated_classifiers_
        svm = calibrated.estimator
        self._weights: np.ndarray = svm.coef_
        self._intercept: np.ndarray = svm.intercept_
        self._slope = np.array([c.a_ for c in calibrated.calibrators])
        self._bias = np.array([c.b_ for c in calibrated.calibrators])
        self._positions = np.searchsorted(model.classes_, svm.classes_)
        self.classes: list[str] = [str(c) for c in model.classes_]

    def predict_proba(self, text: str) -> np.ndarray:
        columns: list[int] = []
        values: list[float] = []
        for vectorizer in self._vectorizers:
            counts = Counter(
                vectorizer.vocabulary[gram]
                for gram in vectorizer.analyse(text)
                if gram in vectorizer.vocabulary
            )
            if not counts:
                continue
            indices = list(counts)
            tf = np.array([counts[i] for i in indices], dtype=float)
            if vectorizer.sublinear:
                tf = 1.0 + np.log(tf)
            weighted = tf * vectorizer.idf[indices]
            weighted /= math.sqrt(float(weighted @ weighted))
            columns += [vectorizer.offset + i for i in indices]
            values += weighted.tolist()
        decision = self._intercept.copy()
        if columns:
            decision += self._weights[:, columns] @ np.array(values)
        calibrated = 1.0 / (1.0 + np.exp(self._slope * decision + self._bias))
        proba = np.zeros(len(self.classes))
        proba[self._positions] = calibrated
        total = proba.sum()
        result: np.ndarray[Any, Any] = (
            proba / total if total else np.full(len(self.classes), 1 / len(self.classes))
        )
        return result
