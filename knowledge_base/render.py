"""Turn an article row into the text a user reads, in their language."""

from __future__ import annotations

from collections.abc import Mapping

from core.i18n import Translator
from core.models import Article, OfficeFact
from knowledge_base.files import OFFICE_REFERENCE


def office_fact_text(fact: OfficeFact | None, tr: Translator) -> str:
    """A fact as users see it: unconfirmed values carry the office's notice."""
    notice = tr._("to be confirmed by the office")
    if fact is None or not fact.value:
        return f"[{notice}]"
    value = tr.isolate(fact.value)
    return value if fact.confirmed else f"{value} [{notice}]"


def fill_office_facts(body: str, facts: Mapping[str, OfficeFact], tr: Translator) -> str:
    return OFFICE_REFERENCE.sub(lambda match: office_fact_text(facts.get(match[1]), tr), body)


def render_article(
    article: Article, facts: Mapping[str, OfficeFact], tr: Translator, *, fallback: bool
) -> str:
    parts: list[str] = []
    if fallback:
        parts.append(
            tr._(
                "This answer is not yet written in your language; here it is in {language}.",
                language=tr.language_name(article.language),
            )
        )
    if article.machine_translated:
        parts.append(tr._("This text was translated by a machine and may contain mistakes."))
    parts.append(article.title)
    parts.append(fill_office_facts(article.body, facts, tr))
    sources = "\n".join(f"• {tr.isolate(source['url'])}" for source in article.sources)
    parts.append(tr._("Official sources:") + "\n" + sources)
    parts.append(tr._("Last checked: {date}", date=tr.date(article.reviewed_on)))
    return "\n\n".join(parts)
