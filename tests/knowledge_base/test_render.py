"""Office facts inside article text, for left-to-right and right-to-left readers."""

from __future__ import annotations

from core.i18n import translator
from core.models import OfficeFact
from knowledge_base.render import fill_office_facts


def facts() -> dict[str, OfficeFact]:
    return {
        "confirmed": OfficeFact(key="confirmed", label="x", value="Via Roma 1", confirmed=True),
        "unconfirmed": OfficeFact(key="unconfirmed", label="x", value="9-12", confirmed=False),
        "empty": OfficeFact(key="empty", label="x", value=None, confirmed=False),
    }


def test_confirmed_unconfirmed_empty_and_unknown_facts() -> None:
    tr = translator("en")
    text = "A {{office.confirmed}} B {{office.unconfirmed}} C {{ office.empty }} D {{office.nope}}"
    assert fill_office_facts(text, facts(), tr) == (
        "A Via Roma 1 B 9-12 [to be confirmed by the office] C [to be confirmed by the office] "
        "D [to be confirmed by the office]"
    )


def test_facts_are_isolated_inside_right_to_left_text() -> None:
    filled = fill_office_facts("العنوان: {{office.confirmed}}.", facts(), translator("ar"))
    assert "\u2068Via Roma 1\u2069" in filled
