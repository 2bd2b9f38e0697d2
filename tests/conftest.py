"""Shared fixtures: settings on a temporary folder, databases (SQLite and a real PostgreSQL),
the NLU trained once per session, and a ready application."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from core.config import PROJECT_ROOT, Settings
from meet2know.wiring import App, build_app
from nlu.service import NluService
from tests.support.postgres import PostgresUnavailable, running_postgres

_database_numbers = itertools.count(1)


def make_settings(data_dir: Path, database_url: str | None = None, **overrides: object) -> Settings:
    settings = Settings(
        database_url=database_url or f"sqlite:///{data_dir / 'test.sqlite3'}",
        data_dir=data_dir,
        host="127.0.0.1",
        port=0,
        telegram_bot_token=None,
        telegram_api_base_url="https://api.telegram.org/bot",
        telegram_webhook_url=None,
        telegram_webhook_secret=None,
        secret_key="test-secret",
        nlu_confidence_threshold=0.45,
        log_level="INFO",
        knowledge_base_dir=PROJECT_ROOT / "knowledge_base",
        nlu_data_dir=PROJECT_ROOT / "nlu" / "data",
    )
    return dataclasses.replace(settings, **overrides)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def nlu_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("nlu-cache")


@pytest.fixture(scope="session")
def nlu_service(nlu_cache: Path) -> NluService:
    return NluService.load(PROJECT_ROOT / "nlu" / "data", nlu_cache)


@pytest.fixture(scope="session")
def with_trained_nlu(nlu_cache: Path, nlu_service: NluService) -> Callable[[Path], Path]:
    """Give a MEET2KNOW_DATA_DIR the session's trained NLU models, so that `meet2know` run
    as a subprocess on it answers at once instead of training for minutes."""

    def link(data_dir: Path) -> Path:
        (data_dir / "cache").mkdir(parents=True, exist_ok=True)
        (data_dir / "cache" / "nlu").symlink_to(nlu_cache, target_is_directory=True)
        return data_dir

    return link


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    try:
        with running_postgres() as url:
            yield url
    except PostgresUnavailable as unavailable:
        pytest.skip(f"PostgreSQL not available: {unavailable.reason}")


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh, empty database on the session's PostgreSQL server."""
    url = make_url(postgres_server)
    name = f"test_{next(_database_numbers)}"
    with psycopg.connect(
        host=url.host, port=url.port, user=url.username, dbname="postgres", autocommit=True
    ) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def app(settings: Settings, nlu_service: NluService) -> Iterator[App]:
    """Migrated, seeded, on SQLite."""
    application = build_app(settings, prepare_database=True, nlu=nlu_service)
    yield application
    application.close()


@pytest.fixture
def any_db_app(database_url: str, tmp_path: Path, nlu_service: NluService) -> Iterator[App]:
    """The same, once on SQLite and once on PostgreSQL."""
    application = build_app(
        make_settings(tmp_path, database_url), prepare_database=True, nlu=nlu_service
    )
    yield application
    application.close()
