"""Seeding is idempotent and never overwrites what staff edited."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.config import PROJECT_ROOT
from core.db import make_engine, make_session_factory
from core.migrate import upgrade
from core.models import Article, OfficeFact
from knowledge_base.seed import seed_knowledge_base


def test_seed_twice_changes_nothing_and_keeps_staff_edits(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(PROJECT_ROOT / "knowledge_base", kb, ignore=shutil.ignore_patterns("*.py"))
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade(url)
    sessions = make_session_factory(make_engine(url))
    with sessions.begin() as session:
        first = seed_knowledge_base(session, kb)
    assert first.created > 50 and first.updated == 0
    with sessions.begin() as session:
        again = seed_knowledge_base(session, kb)
    assert again.created == 0 and again.updated == 0 and again.unchanged == first.created

    with sessions.begin() as session:
        fact = session.get(OfficeFact, "prefettura_hours")
        assert fact is not None
        fact.value, fact.confirmed, fact.edited_by_staff = "lun-ven 9-12", True, True
    article_file = kb / "articles" / "en" / "tax_code.yaml"
    article_file.write_text(article_file.read_text().replace("title:", "title: NEW", 1))
    with sessions.begin() as session:
        report = seed_knowledge_base(session, kb)
    assert report.updated == 1 and report.kept_staff_edits == 1
    with Session(sessions.kw["bind"]) as session:
        assert session.get(OfficeFact, "prefettura_hours").value == "lun-ven 9-12"  # type: ignore[union-attr]
        title = session.scalar(
            select(Article.title).where(Article.topic_id == "tax_code", Article.language == "en")
        )
        assert title is not None and title.startswith("NEW")
