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
    from nlu.evaluate import embedded_trainer, evaluate, format_report
    from nlu.language_id import LanguageIdentifier
    from nlu.rasa_server import rasa_trainer
    from nlu.training_data import load_examples

    if args.folds is not None and args.folds < 2:
        print("--folds must be at least 2", file=sys.stderr)
        return 2
    trainer = rasa_trainer(args.epochs) if args.engine == "rasa" else embedded_trainer
    report = evaluate(
        load_examples(settings.nlu_data_dir),
        trainer,
        folds=args.folds,
        identifier=LanguageIdentifier(),
    )
    report.engine = args.engine
    if args.json:
        print(json.dumps(report.as_json(), indent=2))
    else:
        print(format_report(report))
    return 0


def nlu_rasa_train(args: argparse.Namespace, settings: Settings) -> int:
    from nlu.rasa_server import train
    from nlu.training_data import load_examples

    examples = load_examples(settings.nlu_data_dir)
    model = train(examples, args.epochs)
    if model.cached:
        print(f"{model.path} is up to date with the data: not trained again")
    else:
        print(f"trained {model.path} from {len(examples)} examples in {model.seconds:.0f} s")
    return 0


def nlu_rasa_serve(args: argparse.Namespace, settings: Settings) -> int:
    import os

    from nlu.rasa_server import rasa_environment, serve_command, train
    from nlu.training_data import load_examples

    if not settings.rasa_token:
        print("set RASA_TOKEN: Rasa answers only the requests that carry it", file=sys.stderr)
        return 2
    model = train(load_examples(settings.nlu_data_dir)).path
    command = serve_command(model, settings.rasa_port, settings.rasa_token)
    print(f"Rasa on http://127.0.0.1:{settings.rasa_port} with {model.name}", flush=True)
    os.execve(command[0], command, rasa_environment())
    return 0  # not reached: the process is now Rasa


def nlu_predict(args: argparse.Namespace, settings: Settings) -> int:
    from nlu.predict import predict_stream
    from nlu.rasa_engine import RasaClient, RasaUnavailable
    from nlu.service import NluService

    service = NluService.load(settings.nlu_data_dir, settings.cache_dir / "nlu")
    if args.engine == "rasa":
        service = service.using(RasaClient(settings.rasa_url, settings.rasa_token, timeout=30.0))
    try:
        return predict_stream(service, sys.stdin, sys.stdout, sys.stderr)
    except RasaUnavailable as error:
        print(
            f"Rasa at {settings.rasa_url} did not answer ({error}): is it running "
            "(make rasa-serve) with the same RASA_TOKEN?",
            file=sys.stderr,
        )
        return 1
