"""The implementation of each `meet2know` sub-command."""

from __future__ import annotations

import argparse
import json
import sys

from core.config import Settings


def db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from core.migrate import upgrade

    upgrade(settings.database_url, args.revision)
    print(f"database at revision {args.revision}")
    return 0


def seed(args: argparse.Namespace, settings: Settings) -> int:
    from core.db import make_engine, make_session_factory
    from meet2know.wiring import seed as seed_database

    db = make_engine(settings.database_url)
    try:
        print(f"knowledge base: {seed_database(settings, make_session_factory(db))}")
    finally:
        db.dispose()
    return 0


def serve(args: argparse.Namespace, settings: Settings) -> int:
    from meet2know.server import run_server

    run_server(settings, host=args.host or settings.host, port=args.port or settings.port)
    return 0


def chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.terminal import run_repl
    from meet2know.wiring import build_app

    app = build_app(settings, prepare_database=True)
    try:
        run_repl(app.engine, language_hint=args.lang)
    finally:
        app.close()
    return 0


def ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.terminal import ask_once
    from meet2know.wiring import build_app

    app = build_app(settings, prepare_database=True)
    try:
        replies = ask_once(app.engine, args.text, language=args.lang)
    finally:
        app.close()
    if args.json:
        print(json.dumps([r.as_json() for r in replies], ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(r.text for r in replies))
    return 0


def nlu_evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from nlu.evaluate import evaluate, format_report
    from nlu.language_id import LanguageIdentifier
    from nlu.training_data import load_examples

    if args.folds is not None and args.folds < 2:
        print("--folds must be at least 2", file=sys.stderr)
        return 2
    report = evaluate(
        load_examples(settings.nlu_data_dir), folds=args.folds, identifier=LanguageIdentifier()
    )
    if args.json:
        print(json.dumps(report.as_json(), indent=2))
    else:
        print(format_report(report))
    return 0


def nlu_predict(args: argparse.Namespace, settings: Settings) -> int:
    from nlu.predict import predict_stream
    from nlu.service import NluService

    service = NluService.load(settings.nlu_data_dir, settings.cache_dir / "nlu")
    return predict_stream(service, sys.stdin, sys.stdout, sys.stderr)
