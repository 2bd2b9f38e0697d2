"""Read the Rasa-format training files: `nlu/data/<lang>.yml`, one per language."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml


class TrainingDataError(ValueError):
    """A training file is malformed; the message names the file."""


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    language: str


def load_examples(data_dir: Path) -> list[Example]:
    examples: list[Example] = []
    for path in sorted(data_dir.glob("*.yml")):
        examples.extend(_read_file(path))
    if not examples:
        raise TrainingDataError(f"no training examples found in {data_dir}")
    return examples


def data_fingerprint(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(data_dir.glob("*.yml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _read_file(path: Path) -> list[Example]:
    language = path.stem
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise TrainingDataError(f"{path}: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("nlu"), list):
        raise TrainingDataError(f"{path}: expected Rasa NLU format with an 'nlu' list")
    examples = []
    for item in data["nlu"]:
        if not isinstance(item, dict) or "intent" not in item:
            continue
        for line in str(item.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- ") and line[2:].strip():
                examples.append(Example(line[2:].strip(), str(item["intent"]), language))
    return examples
