"""How long one dialogue turn takes, on SQLite and on PostgreSQL.

    .venv/bin/python bench/turn_latency.py [--turns N] [--skip-postgres]

For each backend: build the app (migrate + seed), create two users who chose a language
(one English, one Italian, by pressing the `lang:` button), then time N knowledge
questions the way a channel sends them: `handle()` with a fresh update id, then
`claim()` of the replies. The NLU alone (`understand()`) is timed on the same
questions, so the share of the database and of rendering is visible. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:  # `tests` (make_settings, running_postgres) is not installed
    sys.path.insert(0, str(PROJECT_ROOT))

import sqlalchemy  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bot.messages import Inbound  # noqa: E402
from core.config import Settings  # noqa: E402
from meet2know.wiring import App, build_app  # noqa: E402
from nlu.service import NluService  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.support.postgres import (  # noqa: E402
    PostgresStartError,
    PostgresUnavailable,
    running_postgres,
)

CHANNEL = "bench"
WARM_UP_TURNS = 20

# Knowledge questions as users write them: (language the user chose, question).
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("en", "how do i renew my permesso di soggiorno, it expires next month"),
    ("en", "where can i check if my permit is ready"),
    ("en", "what documents i need to bring my wife and children to italy"),
    ("en", "how can i ask for asylum in italy"),
    ("en", "my asylum request was rejected, can i make appeal"),
    ("en", "how do i get the tessera sanitaria and a family doctor"),
    ("en", "where do i get the codice fiscale"),
    ("en", "how many years i need to live here to apply for italian citizenship"),
    ("en", "where can i find free italian lessons for adults"),
    ("en", "what are the opening hours of the office"),
    ("it", "come faccio a rinnovare il permesso di soggiorno scaduto"),
    ("it", "voglio sapere se il mio permesso è pronto"),
    ("it", "quali documenti servono per il ricongiungimento familiare con mia moglie"),
    ("it", "come si chiede la protezione internazionale"),
    ("it", "la commissione ha rifiutato la mia domanda di asilo, cosa posso fare"),
    ("it", "come mi iscrivo al servizio sanitario nazionale"),
    ("it", "dove faccio il codice fiscale"),
    ("it", "dopo quanti anni posso chiedere la cittadinanza italiana"),
    ("it", "ci sono corsi di italiano gratis per stranieri"),
    ("it", "il mio datore di lavoro non mi paga, quali sono i miei diritti"),
)


@dataclass
class Result:
    backend: str
    seconds: list[float]  # one per timed turn
    wall: float  # the whole timed loop
    answered: int  # turns whose replies include a knowledge-base article

    @property
    def turns(self) -> int:
        return len(self.seconds)


def percentiles(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/max in milliseconds."""
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return {
        "p50": cuts[49] * 1000,
        "p95": cuts[94] * 1000,
        "p99": cuts[98] * 1000,
        "max": max(seconds) * 1000,
    }


def run_turns(app: App, backend: str, turns: int) -> Result:
    engine = app.engine
    update_ids = itertools.count(1)
    users = {language: f"bench-{language}" for language in ("en", "it")}
    for language, user in users.items():
        replies = engine.handle(
            Inbound(CHANNEL, user, payload=f"lang:{language}", update_id=str(next(update_ids)))
        )
        engine.claim([r.id for r in replies if r.id is not None])

    def turn(question: tuple[str, str]) -> bool:
        language, question_text = question
        replies = engine.handle(
            Inbound(CHANNEL, users[language], text=question_text, update_id=str(next(update_ids)))
        )
        engine.claim([r.id for r in replies if r.id is not None])
        return any(r.topic is not None for r in replies)

    questions = itertools.cycle(QUESTIONS)
    for _ in range(WARM_UP_TURNS):
        turn(next(questions))
    seconds: list[float] = []
    answered = 0
    started = time.perf_counter()
    for _ in range(turns):
        question = next(questions)
        t0 = time.perf_counter()
        answered += turn(question)
        seconds.append(time.perf_counter() - t0)
    wall = time.perf_counter() - started
    return Result(backend, seconds, wall, answered)


def time_nlu(nlu: NluService, turns: int) -> list[float]:
    questions = itertools.cycle(QUESTIONS)
    for _ in range(WARM_UP_TURNS):
        nlu.understand(next(questions)[1])
    seconds = []
    for _ in range(turns):
        question_text = next(questions)[1]
        t0 = time.perf_counter()
        nlu.understand(question_text)
        seconds.append(time.perf_counter() - t0)
    return seconds


def bench_backend(
    backend: str, settings: Settings, nlu: NluService, turns: int, versions: dict[str, str]
) -> Result:
    t0 = time.perf_counter()
    app = build_app(settings, prepare_database=True, nlu=nlu)
    try:
        prepared = time.perf_counter() - t0
        if backend == "postgresql":
            with app.db.connect() as connection:
                versions["PostgreSQL"] = str(
                    connection.execute(text("SHOW server_version")).scalar()
                )
        result = run_turns(app, backend, turns)
    finally:
        app.close()
    print(f"  {backend}: migrate+seed {prepared:.1f} s, {turns} turns in {result.wall:.1f} s")
    return result


def print_table(rows: Sequence[Sequence[str]], headers: tuple[str, ...]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(
        h.rjust(w) if i else h.ljust(w)
        for i, (h, w) in enumerate(zip(headers, widths, strict=True))
    )
    print(line)
    print("-" * len(line))
    for row in rows:
        print(
            "  ".join(
                c.rjust(w) if i else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300, help="timed turns per backend")
    parser.add_argument("--skip-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    if args.turns < 2:
        parser.error("--turns must be at least 2")

    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    versions = {
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": "not run",
        "SQLAlchemy": sqlalchemy.__version__,
    }
    print(
        f"Meet2Know turn latency: {args.turns} timed turns per backend, "
        f"{WARM_UP_TURNS} warm-up turns, {len(QUESTIONS)} questions (it/en) in rotation"
    )

    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="meet2know-bench-") as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        nlu = NluService.load(PROJECT_ROOT / "nlu" / "data", root / "nlu-cache")
        print(f"  NLU loaded (trained, no cache) in {time.perf_counter() - t0:.1f} s")

        sqlite_dir = root / "sqlite"
        results.append(
            bench_backend("sqlite", make_settings(sqlite_dir), nlu, args.turns, versions)
        )

        if args.skip_postgres:
            print("  postgresql: skipped (--skip-postgres)")
        else:
            with contextlib.ExitStack() as stack:
                url: str | None = None
                try:
                    url = stack.enter_context(running_postgres())
                except PostgresUnavailable as unavailable:
                    print(f"  postgresql: not available: {unavailable.reason}")
                except PostgresStartError as error:
                    first = str(error).splitlines()[0] if str(error) else "unknown error"
                    print(f"  postgresql: server did not start: {first}")
                if url is not None:
                    settings = make_settings(root / "postgres", url)
                    results.append(bench_backend("postgresql", settings, nlu, args.turns, versions))

        nlu_seconds = time_nlu(nlu, args.turns)

    print()
    print("Whole turn (handle + claim), milliseconds:")
    rows: list[tuple[str, ...]] = []
    for result in results:
        p = percentiles(result.seconds)
        rows.append(
            (
                result.backend,
                str(result.turns),
                f"{p['p50']:.2f}",
                f"{p['p95']:.2f}",
                f"{p['p99']:.2f}",
                f"{p['max']:.2f}",
                f"{result.turns / result.wall:.1f}",
                f"{result.answered}/{result.turns}",
            )
        )
    print_table(rows, ("backend", "turns", "p50", "p95", "p99", "max", "turns/s", "answered"))

    nlu_p = percentiles(nlu_seconds)
    print()
    print(
        f"NLU alone (understand(), {len(nlu_seconds)} calls): "
        f"p50 {nlu_p['p50']:.2f} ms, p95 {nlu_p['p95']:.2f} ms"
    )
    for result in results:
        p = percentiles(result.seconds)
        rest = p["p50"] - nlu_p["p50"]
        print(
            f"  {result.backend}: at p50, NLU {nlu_p['p50'] / p['p50']:.0%} of the turn, "
            f"database + flow + rendering ≈ {rest:.2f} ms ({rest / p['p50']:.0%})"
        )

    print()
    cpus = os.cpu_count()
    print(
        "Machine: "
        + ", ".join(f"{name} {version}" for name, version in versions.items())
        + f"; CPUs: {cpus} (usable by this process: {affinity if affinity else 'unknown'})"
        + f"; {platform.platform()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
