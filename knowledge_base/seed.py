"""Load the knowledge-base files into the database, idempotently.

A row that staff edited in the admin module is never overwritten by the seed;
any other row follows its file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Article, OfficeFact
from knowledge_base.files import load_articles, load_office_facts


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
    _seed_office_facts(session, knowledge_base_dir, report)
    _seed_articles(session, knowledge_base_dir, report)
    return report


def _seed_office_facts(session: Session, folder: Path, report: SeedReport) -> None:
    existing = {fact.key: fact for fact in session.scalars(select(OfficeFact))}
    for fact in load_office_facts(folder):
        row = existing.get(fact.key)
        digest = fact.content_hash()
        if row is None:
            session.add(
                OfficeFact(
                    key=fact.key,
                    label=fact.label,
                    value=fact.value,
                    confirmed=fact.confirmed,
                    source=fact.source,
                    seed_hash=digest,
                )
            )
            report.created += 1
        elif row.edited_by_staff:
            report.kept_staff_edits += 1
        elif row.seed_hash == digest:
            report.unchanged += 1
        else:
            row.label, row.value, row.confirmed = fact.label, fact.value, fact.confirmed
            row.source, row.seed_hash = fact.source, digest
            report.updated += 1


def _seed_articles(session: Session, folder: Path, report: SeedReport) -> None:
    existing = {(a.topic_id, a.language): a for a in session.scalars(select(Article))}
    for article in load_articles(folder):
        row = existing.get((article.topic_id, article.language))
        digest = article.content_hash()
        if row is None:
            session.add(
                Article(
                    topic_id=article.topic_id,
                    language=article.language,
                    title=article.title,
                    body=article.body,
                    sources=article.sources,
                    reviewed_on=article.reviewed_on,
                    seed_hash=digest,
                )
            )
            report.created += 1
        elif row.edited_by_staff:
            report.kept_staff_edits += 1
        elif row.seed_hash == digest:
            report.unchanged += 1
        else:
            row.title, row.body, row.sources = article.title, article.body, article.sources
            row.reviewed_on, row.seed_hash = article.reviewed_on, digest
            report.updated += 1
