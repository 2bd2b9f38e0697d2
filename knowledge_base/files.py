"""Read and validate the knowledge-base data files (articles and office facts)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

OFFICE_REFERENCE = re.compile(r"\{\{\s*office\.([a-z0-9_]+)\s*\}\}")


class KnowledgeBaseError(ValueError):
    """A data file is malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class ArticleFile:
    topic_id: str
    language: str
    title: str
    body: str
    sources: list[dict[str, str]]
    reviewed_on: dt.date
    path: Path

    @property
    def office_references(self) -> set[str]:
        return set(OFFICE_REFERENCE.findall(self.body))

    def content_hash(self) -> str:
        content = [self.title, self.body, self.sources, self.reviewed_on.isoformat()]
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class OfficeFactFile:
    key: str
    label: str
    value: str | None
    confirmed: bool
    source: str | None

    def content_hash(self) -> str:
        content = [self.label, self.value, self.confirmed, self.source]
        return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def load_article(path: Path) -> ArticleFile:
    data = _read_yaml(path)
    language = path.parent.name
    topic_id = path.stem
    for key in ("id", "lang", "title", "body", "sources", "reviewed"):
        if key not in data:
            raise KnowledgeBaseError(f"{path}: missing '{key}'")
    if data["id"] != topic_id or data["lang"] != language:
        raise KnowledgeBaseError(f"{path}: id/lang must match the file name and folder")
    sources = data["sources"]
    if not isinstance(sources, list) or not sources:
        raise KnowledgeBaseError(f"{path}: 'sources' must be a non-empty list")
    for source in sources:
        if not isinstance(source, dict) or not source.get("url") or not source.get("title"):
            raise KnowledgeBaseError(f"{path}: every source needs a title and a url")
    reviewed = data["reviewed"]
    if not isinstance(reviewed, dt.date):
        raise KnowledgeBaseError(f"{path}: 'reviewed' must be a date (YYYY-MM-DD)")
    return ArticleFile(
        topic_id=topic_id,
        language=language,
        title=str(data["title"]).strip(),
        body=str(data["body"]).strip(),
        sources=[{"title": str(s["title"]), "url": str(s["url"])} for s in sources],
        reviewed_on=reviewed,
        path=path,
    )


def load_articles(knowledge_base_dir: Path) -> list[ArticleFile]:
    return [
        load_article(path) for path in sorted((knowledge_base_dir / "articles").glob("*/*.yaml"))
    ]


def load_office_facts(knowledge_base_dir: Path) -> list[OfficeFactFile]:
    path = knowledge_base_dir / "office_facts.yaml"
    facts = _read_yaml(path).get("facts")
    if not isinstance(facts, dict):
        raise KnowledgeBaseError(f"{path}: expected a 'facts' mapping")
    result = []
    for key, fact in facts.items():
        if not isinstance(fact, dict) or "label" not in fact or "value" not in fact:
            raise KnowledgeBaseError(f"{path}: fact '{key}' needs a label and a value")
        value = fact["value"]
        result.append(
            OfficeFactFile(
                key=str(key),
                label=str(fact["label"]),
                value=None if value is None else str(value),
                confirmed=bool(fact.get("confirmed", False)),
                source=fact.get("source"),
            )
        )
    return result


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise KnowledgeBaseError(f"{path}: {error}") from error
    if not isinstance(data, dict):
        raise KnowledgeBaseError(f"{path}: expected a mapping at the top level")
    return data
