"""The knowledge base is complete for Italian and English and every reference resolves."""

from __future__ import annotations

import datetime as dt

import pytest

from core.config import PROJECT_ROOT
from core.languages import NATIVE_LANGUAGES
from knowledge_base.files import load_articles, load_office_facts
from nlu.intents import taxonomy

KB = PROJECT_ROOT / "knowledge_base"
ARTICLES = {(a.topic_id, a.language): a for a in load_articles(KB)}
FACT_KEYS = {fact.key for fact in load_office_facts(KB)}


@pytest.mark.parametrize("language", NATIVE_LANGUAGES)
@pytest.mark.parametrize("topic_id", taxonomy().topic_ids)
def test_every_topic_has_a_complete_article(topic_id: str, language: str) -> None:
    article = ARTICLES.get((topic_id, language))
    assert article is not None, f"missing knowledge_base/articles/{language}/{topic_id}.yaml"
    assert article.title
    # Chinese has no spaces between words: count characters there.
    length = len(article.body) // 2 if language == "zh" else len(article.body.split())
    assert length >= 80
    assert all(s["url"].startswith("https://") for s in article.sources)
    assert article.reviewed_on <= dt.date.today()
    assert article.office_references <= FACT_KEYS, article.office_references - FACT_KEYS


@pytest.mark.parametrize("language", [code for code in NATIVE_LANGUAGES if code != "it"])
def test_every_language_keeps_the_italian_articles_office_facts_and_sources(
    language: str,
) -> None:
    for topic_id in taxonomy().topic_ids:
        italian, other = ARTICLES[(topic_id, "it")], ARTICLES[(topic_id, language)]
        assert other.office_references == italian.office_references, (topic_id, language)
        italian_urls = {source["url"] for source in italian.sources}
        assert italian_urls <= {source["url"] for source in other.sources}, (topic_id, language)


def test_there_are_25_topics_and_no_article_for_an_unknown_topic() -> None:
    assert len(taxonomy().topic_ids) == 25
    assert {topic for topic, _ in ARTICLES} <= set(taxonomy().topic_ids)


def test_articles_write_no_savona_phone_numbers_or_hours_of_their_own() -> None:
    """Office specifics live in office_facts.yaml only; national numbers are allowed."""
    import re

    local_phone = re.compile(r"\b019[\s.]?\d{3,}")  # Savona's area code
    for article in ARTICLES.values():
        assert not local_phone.search(article.body), article.path


def test_office_facts_without_a_source_value_are_unconfirmed() -> None:
    for fact in load_office_facts(KB):
        if fact.value is None:
            assert not fact.confirmed, fact.key
