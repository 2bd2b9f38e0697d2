"""The `meet2know` command: serve, migrate, seed, chat in a terminal, ask, and NLU tools."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from core.config import load_settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    settings = load_settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    result: int = args.run(args, settings)
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
    evaluate.set_defaults(run=commands.nlu_evaluate)
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
