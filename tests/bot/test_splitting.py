from __future__ import annotations

from bot.splitting import split_message


def test_short_text_is_one_part() -> None:
    assert split_message("hello", 10) == ["hello"]
    assert split_message("", 10) == [""]


def test_splits_on_paragraphs_first() -> None:
    text = "aaaa\n\nbbbb\n\ncccc"
    assert split_message(text, 10) == ["aaaa\n\nbbbb", "cccc"]


def test_a_long_paragraph_is_cut_at_spaces_and_nothing_is_lost() -> None:
    text = " ".join(["word"] * 3000)
    parts = split_message(text, 4096)
    assert all(len(p) <= 4096 for p in parts)
    assert " ".join(parts).split() == text.split()


def test_text_without_spaces_is_cut_hard() -> None:
    parts = split_message("x" * 25, 10)
    assert parts == ["x" * 10, "x" * 10, "x" * 5]
