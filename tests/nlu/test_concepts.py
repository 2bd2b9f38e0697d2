"""The concept lexicon: shared concepts across languages, and small talk recognised whole."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core.languages import NATIVE_LANGUAGES
from nlu.classifier import CHITCHAT_CONCEPTS
from nlu.concepts import LEXICON_DIR, ConceptLexicon
from nlu.normalise import normalise

LEXICON = ConceptLexicon.load()
CHITCHAT = frozenset(CHITCHAT_CONCEPTS)


def concepts(text: str) -> list[str]:
    return LEXICON.concepts(normalise(text))


@pytest.mark.parametrize("language", NATIVE_LANGUAGES)
def test_every_language_has_every_concept(language: str) -> None:
    expected = set(yaml.safe_load((LEXICON_DIR / "concepts.yml").read_text()))
    data = yaml.safe_load((LEXICON_DIR / f"{language}.yml").read_text(encoding="utf-8"))
    assert set(data) == expected
    assert all(isinstance(word, str | int) for words in data.values() for word in words)


@pytest.mark.parametrize(
    "text",
    ["come rinnovo il permesso", "how to renew my permit", "اريد تجديد الاقامة", "我的居留到期了"],
)
def test_the_same_concept_in_several_languages(text: str) -> None:
    assert "renew" in concepts(text)


def test_short_stems_match_whole_words_only() -> None:
    assert "refuse" not in concepts("nome e cognome")
    assert "refuse" in concepts("no grazie")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("grazie mille", {"thanks"}),
        ("ok ok", {"agree"}),
        ("你好呀", {"greet"}),
        ("no grazie", {"refuse", "thanks"}),
        ("спасибо большое", {"thanks"}),
    ],
)
def test_small_talk_made_only_of_concept_words(text: str, expected: set[str]) -> None:
    assert LEXICON.only(normalise(text), CHITCHAT) == expected


@pytest.mark.parametrize(
    "text",
    [
        "non ho il permesso",
        "aiuto legale",
        "你好我的居留丢了",
        "sì ma il permesso è scaduto da un anno",
    ],
)
def test_messages_with_other_content_are_not_small_talk(text: str) -> None:
    assert LEXICON.only(normalise(text), CHITCHAT) is None


def test_a_bare_yes_or_no_in_yaml_is_refused(tmp_path: Path) -> None:
    (tmp_path / "xx.yml").write_text("agree: [yes, ok]\n")
    with pytest.raises(ValueError, match="quote it"):
        ConceptLexicon.load(tmp_path)


def test_where_stems_may_match() -> None:
    lexicon = ConceptLexicon({"renew": ["rinnov", "تجديد", "续签"], "refuse": ["no"]})
    assert lexicon.concepts("voglio rinnovare") == ["renew"]  # at the start of a word
    assert lexicon.concepts("xrinnovare") == []  # not inside one
    assert lexicon.concepts("والتجديد") == ["renew"]  # Arabic prefixes attach
    assert lexicon.concepts("我想续签居留") == ["renew"]  # Chinese has no spaces
    assert lexicon.concepts("nome") == [] and lexicon.concepts("no, grazie") == ["refuse"]
    (mention,) = lexicon.mentions("ok rinnovo")
    assert (mention.concept, mention.start, mention.end) == ("renew", 3, 9)
