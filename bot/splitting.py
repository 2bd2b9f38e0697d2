"""Split a long reply into parts a channel accepts, on paragraph boundaries when possible."""

from __future__ import annotations

TELEGRAM_MESSAGE_LIMIT = 4096


def split_message(text: str, limit: int = TELEGRAM_MESSAGE_LIMIT) -> list[str]:
    if limit < 1:
        raise ValueError("limit must be positive")
    parts: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        *full, current = _split_paragraph(paragraph, limit) or [""]
        parts.extend(full)
    if current or not parts:
        parts.append(current)
    return parts


def _split_paragraph(paragraph: str, limit: int) -> list[str]:
    """A paragraph longer than the limit: cut at line ends, then spaces, then anywhere."""
    pieces: list[str] = []
    rest = paragraph
    while len(rest) > limit:
        cut = max(rest.rfind("\n", 0, limit + 1), rest.rfind(" ", 0, limit + 1))
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    pieces.append(rest)
    return [piece for piece in pieces if piece]
