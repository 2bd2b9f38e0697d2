"""Load the knowledge-base files into the database, idempotently.

A row that staff edited in the admin module is never overwritten by the seed;
any other row follows its file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Article, OfficeFact
from knowledge_base.files import ArticleFile, OfficeFactFile, load_articles, load_office_facts


@dataclass
class SeedReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_staff_edits: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.kept_staff_edits} staff edits kept"
        )


def seed_knowledge_base(session: Session, knowledge_base_dir: Path) -> SeedReport:
    report = SeedReport()
    facts = {row.key: row for row in session.scalars(select(OfficeFact))}
    for fact in load_office_facts(knowledge_base_dir):
        fact_row = facts.get(fact.key)
        _upsert(session, report, fact_row, fact.content_hash(), _office_fact_values(fact))
    articles = {(row.topic_id, row.language): row for row in session.scalars(select(Article))}
    for article in load_articles(knowledge_base_dir):
        row = articles.get((article.topic_id, article.language))
        _upsert(session, report, row, article.content_hash(), _article_values(article))
    return report


def _upsert(
    session: Session,
    report: SeedReport,
    row: Article | OfficeFact | None,
    digest: str,
    values: tuple[type[Article] | type[OfficeFact], dict[str, Any]],
) -> None:
    """Create the row, or bring it up to its file unless staff edited it."""
    model, fields = values
    if row is None:
        session.add(model(**fields, seed_hash=digest))
        report.created += 1
    elif row.edited_by_staff:
        report.kept_staff_edits += 1
    elif row.seed_hash == digest:
        report.unchanged += 1
    else:
        for name, value in fields.items():
            setattr(row, name, value)
        row.seed_hash = digest
        report.updated += 1


def _office_fact_values(fact: OfficeFactFile) -> tuple[type[OfficeFact], dict[str, Any]]:
    return OfficeFact, {
        "key": fact.key,
        "label": fact.label,
        "value": fact.value,
        "confirmed": fact.confirmed,
        "source": fact.source,
    }


def _article_values(article: ArticleFile) -> tuple[type[Article], dict[str, Any]]:
    return Article, {
        "topic_id": article.topic_id,
        "language": article.language,
        "title": article.title,
        "body": article.body,
        "sources": article.sources,
        "reviewed_on": article.reviewed_on,
    }
