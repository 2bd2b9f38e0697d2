"""The terminal channel: `meet2know chat` (a REPL) and `meet2know ask` (one question)."""

from __future__ import annotations

import getpass
import itertools
from collections.abc import Callable

from bot.engine import DialogueEngine
from bot.messages import Button, Inbound, Outbound

CHANNEL = "terminal"


def ask_once(engine: DialogueEngine, text: str, *, language: str) -> list[Outbound]:
    """Answer one question as a terminal user whose language is already chosen."""
    user = f"ask:{getpass.getuser()}"
    engine.handle(Inbound(CHANNEL, user, payload=f"lang:{language}"))
    replies = engine.claim_replies(engine.handle(Inbound(CHANNEL, user, text=text)))
    return [r for r in replies if r.kind == "message"]


def render(replies: list[Outbound]) -> tuple[str, list[Button]]:
    """The replies as text, buttons as numbered choices; returns the choices in order."""
    lines: list[str] = []
    choices: list[Button] = []
    for reply in replies:
        lines.append(reply.text)
        for button in itertools.chain.from_iterable(reply.buttons):
            choices.append(button)
            lines.append(f"  [{len(choices)}] {button.label}")
        lines.append("")
    return "\n".join(lines), choices


def run_repl(
    engine: DialogueEngine,
    *,
    language_hint: str | None = None,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
) -> None:
    """Type a message, or the number of a choice; an empty line or Ctrl-D ends."""
    user = f"chat:{getpass.getuser()}"
    choices: list[Button] = []

    def send(event: Inbound) -> None:
        nonlocal choices
        replies = engine.claim_replies(engine.handle(event))
        text, new_choices = render(replies)
        write(text)
        if new_choices:
            choices = new_choices

    send(Inbound(CHANNEL, user, text="/start", language_hint=language_hint))
    while True:
        try:
            line = read("> ").strip()
        except (EOFError, KeyboardInterrupt):
            write("")
            return
        if not line:
            return
        if line.isdigit() and 1 <= int(line) <= len(choices):
            send(Inbound(CHANNEL, user, payload=choices[int(line) - 1].payload))
        else:
            send(Inbound(CHANNEL, user, text=line, language_hint=language_hint))
