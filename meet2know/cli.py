"""The `meet2know` command: serve, migrate, seed, chat in a terminal, ask, and NLU tools."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from core.config import ConfigurationError, load_settings
from nlu.rasa_install import RasaNotInstalled


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigurationError as error:
        print(f"meet2know: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        result: int = args.run(args, settings)
    except RasaNotInstalled as error:
        print(f"meet2know: {error}", file=sys.stderr)
        return 1
    return result


def _parser() -> argparse.ArgumentParser:
    from meet2know import commands

    parser = argparse.ArgumentParser(prog="meet2know", description=__doc__)
    sub = parser.add_subparsers(title="commands")

    serve = sub.add_parser("serve", help="run the web app (web chat) and the Telegram bot")
    serve.add_argument("--host", help="address to listen on (default: HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: PORT or 8000)")
    serve.set_defaults(run=commands.serve)

    db = sub.add_parser("db", help="database commands")
    db_sub = db.add_subparsers(title="database commands")
    upgrade = db_sub.add_parser("upgrade", help="apply the migrations")
    upgrade.add_argument("revision", nargs="?", default="head")
    upgrade.set_defaults(run=commands.db_upgrade)

    seed = sub.add_parser("seed", help="load the knowledge base and office facts (idempotent)")
    seed.set_defaults(run=commands.seed)

    chat = sub.add_parser("chat", help="chat with the assistant in this terminal")
    chat.add_argument("--lang", help="language code to start with (e.g. it, en)")
    chat.set_defaults(run=commands.chat)

    ask = sub.add_parser("ask", help="ask one question and print the answer")
    ask.add_argument("text")
    ask.add_argument("--lang", default="en", help="language of the answer (default: en)")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.set_defaults(run=commands.ask)

    nlu = sub.add_parser("nlu", help="understanding tools")
    nlu_sub = nlu.add_subparsers(title="nlu commands")
    predict = nlu_sub.add_parser(
        "predict", help='JSON lines in ({"text": ..., "lang": optional}), JSON lines out'
    )
    _engine_option(predict, "the running Rasa server at RASA_URL (no fallback)")
    predict.set_defaults(run=commands.nlu_predict)
    evaluate = nlu_sub.add_parser(
        "evaluate", help="accuracy and macro-F1 on held-out data, per language and intent"
    )
    evaluate.add_argument(
        "--folds",
        type=int,
        help="k-fold cross-validation instead of the fixed held-out split",
    )
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    _engine_option(evaluate, "Rasa trained on the same training part, asked over HTTP")
    _epochs_option(evaluate)
    evaluate.set_defaults(run=commands.nlu_evaluate)
    rasa_train = nlu_sub.add_parser(
        "rasa-train", help="train the Rasa NLU model from the data (skipped when unchanged)"
    )
    _epochs_option(rasa_train)
    rasa_train.set_defaults(run=commands.nlu_rasa_train)
    rasa_serve = nlu_sub.add_parser(
        "rasa-serve",
        help="run the Rasa server on 127.0.0.1:RASA_PORT with RASA_TOKEN (trains if needed)",
    )
    rasa_serve.set_defaults(run=commands.nlu_rasa_serve)
    return parser


def _engine_option(command: argparse.ArgumentParser, rasa_meaning: str) -> None:
    command.add_argument(
        "--engine",
        choices=["embedded", "rasa"],
        default="embedded",
        help=f"embedded (default) or rasa: {rasa_meaning}",
    )


def _epochs_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--epochs", type=int, help="DIET epochs for Rasa (default: nlu/rasa/config.yml)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
