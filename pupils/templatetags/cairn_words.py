"""`{% load cairn_words %}`: codes and sources as a person reads them, on any page.

- `{{ code|in_words:"ethnicity" }}`: a code in words (`sources.words`; without a kind, the
  first list that knows it);
- `{{ text|plain_citation }}`: domain-reference citations as a reader cites them;
- `{{ text|guidance_reference }}`: a guidance reference without internal markers, at the
  current edition of Keeping children safe in education.
"""

from django import template

from sources import citations, words

register = template.Library()


@register.filter
def in_words(code: object, kind: str | None = None) -> str:
    return words.in_words(code, kind or None)


@register.filter
def plain_citation(text: str) -> str:
    return citations.plain(str(text))


@register.filter
def guidance_reference(text: str) -> str:
    return citations.guidance_reference(str(text))


@register.filter
def codes_in_words(text: str) -> str:
    """Free text with any slug of a known code list in it as words (`sources.words`)."""
    return words.codes_in_text(str(text))
