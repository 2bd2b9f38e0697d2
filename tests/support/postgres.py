"""A throw-away PostgreSQL server started from the machine's own initdb/pg_ctl.

    with running_postgres() as url:  # postgresql+psycopg://postgres@127.0.0.1:PORT/meet2know_test
        engine = sqlalchemy.create_engine(url)

initdb refuses to run as root, so as root the server runs as the ``postgres`` system user.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

DATABASE = "meet2know_test"
SUPERUSER = "postgres"
_SYSTEM_USER = "postgres"
_SETTINGS = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{socket_dir}'
fsync = off
full_page_writes = off
synchronous_commit = off
"""


class PostgresUnavailable(Exception):
    """PostgreSQL cannot be run here; ``reason`` suits ``pytest.skip``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PostgresStartError(RuntimeError):
    """The binaries are there but the server did not come up; the message holds its log."""


def _version_key(bin_dir: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", Path(bin_dir).parent.name))


def find_pg_binaries(
    *, path: str | None = None, lib_root: str = "/usr/lib/postgresql"
) -> tuple[str, str]:
    """(initdb, pg_ctl) from PATH, else from the newest ``lib_root/*/bin``."""
    initdb, pg_ctl = shutil.which("initdb", path=path), shutil.which("pg_ctl", path=path)
    if initdb and pg_ctl:
        return initdb, pg_ctl
    for bin_dir in sorted(glob.glob(f"{lib_root}/*/bin"), key=_version_key, reverse=True):
        initdb, pg_ctl = os.path.join(bin_dir, "initdb"), os.path.join(bin_dir, "pg_ctl")
        if os.access(initdb, os.X_OK) and os.access(pg_ctl, os.X_OK):
            return initdb, pg_ctl
    raise PostgresUnavailable(f"initdb/pg_ctl found neither on PATH nor in {lib_root}/*/bin")


def _command_prefix() -> list[str]:
    """As root, commands run as the postgres system user (initdb refuses root)."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(_SYSTEM_USER)
    except KeyError:
        raise PostgresUnavailable(
            f"running as root and there is no {_SYSTEM_USER!r} system user to run initdb as"
        ) from None
    runuser = shutil.which("runuser")
    if runuser is None:
        raise PostgresUnavailable("running as root and runuser is not available")
    return [runuser, "-u", _SYSTEM_USER, "--"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _run(command: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    )


def _start_failure(what: str, result: subprocess.CompletedProcess[str], log: Path) -> str:
    server_log = log.read_text(errors="replace") if log.exists() else "(no server log)"
    return (
        f"{what} failed with exit code {result.returncode}\n"
        f"--- output ---\n{result.stdout}{result.stderr}\n--- server log ---\n{server_log}"
    )


@contextmanager
def running_postgres() -> Iterator[str]:
    """Start a private server on a free 127.0.0.1 port; yield its SQLAlchemy URL; tear down."""
    initdb, pg_ctl = find_pg_binaries()
    prefix = _command_prefix()
    root = Path(tempfile.mkdtemp(prefix="meet2know-pg-"))
    data, socket_dir, log = root / "data", root / "socket", root / "server.log"
    started = False
    try:
        socket_dir.mkdir()
        if prefix:
            for directory in (root, socket_dir):
                shutil.chown(directory, user=_SYSTEM_USER, group=None)
        options = ["-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]
        result = _run([*prefix, initdb, "-D", str(data), *options], cwd=root)
        if result.returncode != 0:
            raise PostgresStartError(_start_failure("initdb", result, log))
        port = _free_port()
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(_SETTINGS.format(port=port, socket_dir=socket_dir))
        result = _run(
            [*prefix, pg_ctl, "-D", str(data), "-l", str(log), "-w", "-t", "30", "start"],
            cwd=root,
        )
        started = True  # even a failed start may leave a postmaster behind
        if result.returncode != 0:
            raise PostgresStartError(_start_failure("pg_ctl start", result, log))
        with psycopg.connect(
            host="127.0.0.1", port=port, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
        yield f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/{DATABASE}"
    finally:
        if started:
            _run([*prefix, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], cwd=root)
        shutil.rmtree(root, ignore_errors=True)
