"""Left-to-right fragments stay whole inside right-to-left text."""

from __future__ import annotations

import pytest

from core.bidi import isolate_ltr_runs
from core.i18n import translator

FSI, PDI = "\u2068", "\u2069"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("اتصل بـ 800 290 290 الآن", f"اتصل بـ {FSI}800 290 290{PDI} الآن"),
        (
            "مديرية الشرطة (Questura di Savona) غدا",
            f"مديرية الشرطة ({FSI}Questura di Savona{PDI}) غدا",
        ),
        ("رمز الحجز AB-1234.", f"رمز الحجز {FSI}AB-1234{PDI}."),
        ("الرابط https://www.interno.gov.it", f"الرابط {FSI}https://www.interno.gov.it{PDI}"),
        ("نص عربي فقط", "نص عربي فقط"),
    ],
)
def test_runs_are_isolated(text: str, expected: str) -> None:
    assert isolate_ltr_runs(text) == expected


def test_isolating_twice_changes_nothing() -> None:
    once = isolate_ltr_runs("الرقم 112 مجاني")
    assert isolate_ltr_runs(once) == once


def test_only_right_to_left_readers_get_isolates() -> None:
    assert translator("fa").bidi_safe("شماره 1522") == f"شماره {FSI}1522{PDI}"
    assert translator("it").bidi_safe("numero 1522") == "numero 1522"
