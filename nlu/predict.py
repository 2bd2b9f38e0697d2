"""`meet2know nlu predict`: JSON lines in, JSON lines out, in order."""

from __future__ import annotations

import json
from typing import TextIO

from core.languages import normalise_language_code
from nlu.service import NluService


def predict_stream(service: NluService, lines: TextIO, out: TextIO, err: TextIO) -> int:
    """Answer each input line; stop with exit code 2 and a clear message on bad input."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            err.write(f"line {number}: not valid JSON ({error.msg})\n")
            return 2
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            err.write(f'line {number}: expected an object with a "text" string\n')
            return 2
        lang = item.get("lang")
        if lang is not None and not isinstance(lang, str):
            err.write(f'line {number}: "lang" must be a string\n')
            return 2
        hint = normalise_language_code(lang)
        result = service.understand(item["text"], language_hint=hint).as_json()
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return 0
