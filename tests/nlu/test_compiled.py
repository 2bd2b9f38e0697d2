"""The compiled scorer gives exactly scikit-learn's probabilities, one message at a time."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.pipeline import Pipeline

from core.config import PROJECT_ROOT
from nlu.classifier import build_pipeline
from nlu.compiled import CompiledClassifier
from nlu.concepts import ConceptLexicon
from nlu.normalise import normalise
from nlu.training_data import load_examples

LEXICON = ConceptLexicon.load()


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    examples = [
        e for e in load_examples(PROJECT_ROOT / "nlu" / "data") if e.language in {"it", "zh"}
    ]
    trained = build_pipeline()
    trained.fit(
        [LEXICON.annotate(normalise(e.text)) for e in examples], [e.intent for e in examples]
    )
    return trained


@pytest.mark.parametrize(
    "text",
    [
        "come rinnovo il permesso di soggiorno",
        "我想预约",
        "ciao",
        "",
        "🙂🙂",
        "qwertyuiop zxcvbnm",
        "permesso permesso permesso scaduto scaduto",
        "x" * 4000,
    ],
)
def test_the_same_probabilities_as_scikit_learn(pipeline: Pipeline, text: str) -> None:
    annotated = LEXICON.annotate(normalise(text))
    expected = pipeline.predict_proba([annotated])[0]
    compiled = CompiledClassifier(pipeline)
    assert compiled.classes == [str(c) for c in pipeline.classes_]
    np.testing.assert_allclose(compiled.predict_proba(annotated), expected, rtol=1e-9, atol=1e-12)
