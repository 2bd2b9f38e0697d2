"""The intent taxonomy (`nlu/intents.yaml`, a copy of the shared spec kept in step by a test)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

INTENTS_FILE = Path(__file__).resolve().parent / "intents.yaml"


@dataclass(frozen=True)
class Intent:
    id: str
    kind: str  # "topic" | "action" | "chitchat"
    group: str  # the section of intents.yaml: "topics" | "actions" | "chitchat"
    about: str


@dataclass(frozen=True)
class Taxonomy:
    intents: dict[str, Intent]
    native_languages: tuple[str, ...]

    @property
    def topic_ids(self) -> list[str]:
        """Intents answered from an article (the `topics` section, as the spec lists it)."""
        return [i.id for i in self.intents.values() if i.group == "topics"]

    def kind(self, intent_id: str) -> str | None:
        intent = self.intents.get(intent_id)
        return intent.kind if intent else None


@functools.cache
def taxonomy(path: Path = INTENTS_FILE) -> Taxonomy:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    intents: dict[str, Intent] = {}
    for group in ("topics", "actions", "chitchat"):
        for intent_id, spec in (data.get(group) or {}).items():
            intents[intent_id] = Intent(
                id=intent_id, kind=spec["kind"], group=group, about=spec.get("about", "")
            )
    return Taxonomy(intents=intents, native_languages=tuple(data["native_languages"]))
