"""What crosses between a channel adapter and the dialogue engine. No channel types here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal


@dataclass(frozen=True)
class Inbound:
    """One thing a user did: wrote text, or pressed a button (payload)."""

    channel: str
    user_id: str
    text: str | None = None
    payload: str | None = None
    update_id: str | None = None
    language_hint: str | None = None


@dataclass(frozen=True)
class Button:
    label: str
    payload: str


@dataclass(frozen=True)
class OutboundFile:
    filename: str
    path: Path | None = None
    url: str | None = None


@dataclass(frozen=True)
class Outbound:
    """One reply. A `notice` is a short acknowledgement (a toast on Telegram), not a message."""

    text: str
    language: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    file: OutboundFile | None = None
    kind: Literal["message", "notice"] = "message"
    topic: str | None = None  # the knowledge-base topic this reply answers, if any
    id: int | None = field(default=None, compare=False)

    def buttons_as_json(self) -> list[list[dict[str, str]]]:
        return [[{"label": b.label, "payload": b.payload} for b in row] for row in self.buttons]

    def as_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "language": self.language,
            "kind": self.kind,
            "topic": self.topic,
            "buttons": self.buttons_as_json(),
        }
