"""The throw-away PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from .postgres import PostgresUnavailable, find_pg_binaries, running_postgres


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with ExitStack() as stack:
        try:
            url = stack.enter_context(running_postgres())
        except PostgresUnavailable as exc:
            pytest.skip(exc.reason)
        yield url


@pytest.mark.postgres
def test_create_insert_select(postgres_url: str) -> None:
    url = make_url(postgres_url)
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.database) == ("127.0.0.1", "meet2know_test")
    engine = sa.create_engine(postgres_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE person (id serial PRIMARY KEY, name text NOT NULL)"))
            insert = sa.text("INSERT INTO person (name) VALUES (:n)")
            conn.execute(insert, [{"n": "Ada"}, {"n": "Zoë"}])
        with engine.connect() as conn:
            names = conn.execute(sa.text("SELECT name FROM person ORDER BY id")).scalars().all()
        assert names == ["Ada", "Zoë"]
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_server_is_stopped_even_when_the_body_raises() -> None:
    try:
        with pytest.raises(ZeroDivisionError), running_postgres() as url:
            port = make_url(url).port
            1 / 0  # noqa: B018
    except PostgresUnavailable as exc:
        pytest.skip(exc.reason)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(host="127.0.0.1", port=port, user="postgres", connect_timeout=2).close()


def test_missing_binaries_are_reported(tmp_path: Path) -> None:
    with pytest.raises(PostgresUnavailable, match="initdb/pg_ctl"):
        find_pg_binaries(path=str(tmp_path), lib_root=str(tmp_path))
