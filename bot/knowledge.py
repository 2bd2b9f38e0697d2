"""Database look-ups of the knowledge base for the dialogue: articles and office facts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.i18n import Translator
from core.languages import DEFAULT_LANGUAGE
from core.models import Article, OfficeFact
from knowledge_base.render import render_article

FALLBACK_LANGUAGES = (DEFAULT_LANGUAGE, "it")
OFFICE_NAME_FACT = "prefettura_name"


@dataclass(frozen=True)
class FoundArticle:
    article: Article
    fallback: bool


def find_article(session: Session, topic_id: str, language: str) -> FoundArticle | None:
    """The article in the user's language, else in English, else in Italian."""
    rows = {
        row.language: row
        for row in session.scalars(select(Article).where(Article.topic_id == topic_id))
    }
    if language in rows:
        return FoundArticle(rows[language], fallback=False)
    for candidate in FALLBACK_LANGUAGES:
        if candidate in rows:
            return FoundArticle(rows[candidate], fallback=True)
    return None


def topic_titles(
    session: Session, topic_ids: Sequence[str], language: str
) -> list[tuple[str, str]]:
    """(topic id, title in the user's language or the fallback) for each topic that exists."""
    result = []
    for topic_id in topic_ids:
        found = find_article(session, topic_id, language)
        if found:
            result.append((topic_id, found.article.title))
    return result


def office_facts(session: Session) -> dict[str, OfficeFact]:
    return {fact.key: fact for fact in session.scalars(select(OfficeFact))}


def office_name(session: Session) -> str:
    fact = session.get(OfficeFact, OFFICE_NAME_FACT)
    return fact.value if fact and fact.value else "Prefettura"


def rendered_article(session: Session, found: FoundArticle, tr: Translator) -> str:
    return render_article(found.article, office_facts(session), tr, fallback=found.fallback)
