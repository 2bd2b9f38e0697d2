from __future__ import annotations

import pytest

from bot import payloads


def test_valid_payloads() -> None:
    assert payloads.parse("lang:ar") == payloads.ChooseLanguage("ar")
    assert payloads.parse("topic:tax_code") == payloads.ShowTopic("tax_code")
    assert payloads.parse("fb:12:1") == payloads.GiveFeedback(12, True)
    assert payloads.parse("menu") == payloads.ShowMenu()
    assert payloads.parse(payloads.feedback(True)) is None  # the placeholder is never valid


@pytest.mark.parametrize(
    "payload",
    [
        "lang:xx",
        "topic:book_appointment",
        "topic:",
        "fb:0:1",
        "fb:1:1:1",
        "fb:-1:0",
        "x" * 65,
        "é" * 33,
        "MENU",
        "lang:it ",
        "topic:tax_code\x00",
    ],
)
def test_forged_payloads_are_rejected(payload: str) -> None:
    assert payloads.parse(payload) is None


def test_every_generated_payload_fits_telegram() -> None:
    from nlu.intents import taxonomy

    longest = max(len(payloads.show_topic(t).encode()) for t in taxonomy().topic_ids)
    assert longest <= payloads.MAX_PAYLOAD_BYTES
