"""Texts members and reviewers read, in their own language (issue 24).

What they read of the content - a feedback round's title and intro, a report's title, the
titles of chapters and recommendations on their outcome page, the titles quoted in mail - is
written in Dutch and English in `<field>_nl` / `<field>_en` columns, and in further languages
(Arabic) in the object's `extra_texts` JSON: `{"ar": {"title": ...}}`.

A reader's *language order* is their own language, the language they read next best
(`Contributor.second_language`), then English, then Dutch. Their pages and mail are in the
first language of that order the interface speaks (`page_language`); each text comes from
the first language of the order that has it (`reader_text`). A text missing in the page
language is never filled in silently: the staff page that sends the message lists it
(`missing_texts`) with a way to add it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: The languages member pages and member mail speak.
PAGE_LANGUAGES = ("nl", "en", "ar")
#: Languages kept in `extra_texts` rather than in columns of their own.
EXTRA_LANGUAGES = ("ar",)
#: What follows a reader's own languages.
ORDER_TAIL = ("en", "nl")


def language_order(*languages: str | None) -> tuple[str, ...]:
    """`languages` (own language, second language; or a page language and then a person's
    order), then English and Dutch, each once."""
    order: list[str] = []
    for code in (*languages, *ORDER_TAIL):
        if code and code not in order:
            order.append(code)
    return tuple(order)


def page_language(order: Iterable[str]) -> str:
    return next((code for code in order if code in PAGE_LANGUAGES), "en")


def texts_of(obj, field: str) -> dict[str, str]:
    """Every language `obj` has its `field` in: the Dutch and English columns and `extra_texts`."""
    texts = {code: (getattr(obj, f"{field}_{code}", "") or "").strip() for code in ("nl", "en")}
    for code, values in (getattr(obj, "extra_texts", None) or {}).items():
        if isinstance(values, dict) and (values.get(field) or "").strip():
            texts[code] = values[field].strip()
    return {code: text for code, text in texts.items() if text}


def reader_text(obj, field: str, order: Iterable[str]) -> tuple[str, str]:
    """(text, its language): the first language of the reader's order that `obj` has `field` in."""
    texts = texts_of(obj, field)
    for code in order:
        if code in texts:
            return texts[code], code
    for code, text in texts.items():  # in none of the reader's languages: whatever there is
        return text, code
    return "", ""


def set_extra_text(obj, field: str, language: str, text: str) -> None:
    """Store (or, with an empty text, remove) `field` of `obj` in a further language."""
    extra = {code: dict(values) for code, values in (obj.extra_texts or {}).items()}
    values = extra.setdefault(language, {})
    if text.strip():
        values[field] = text.strip()
    else:
        values.pop(field, None)
    obj.extra_texts = {code: values for code, values in extra.items() if values} or None  # a new dict: JSON change seen


@dataclass(frozen=True)
class MissingText:
    #: What the text is, for the staff page: "Title of the round", "Recommendation 2.1".
    what: str
    language: str
    #: What it reads in the meantime (the reader's next language), and in which language.
    fallback: str
    fallback_language: str


def missing_texts(items: Iterable[tuple[object, str, str]], language: str) -> list[MissingText]:
    """Of the (object, field, what) items a reader of `language` reads, those without a text in
    it, each with what they see instead (the next language of their order)."""
    missing, seen = [], set()
    for obj, field, what in items:
        texts = texts_of(obj, field)
        if (id(obj), field) in seen or not texts or language in texts:
            continue
        seen.add((id(obj), field))
        text, code = reader_text(obj, field, language_order(language))
        missing.append(MissingText(what, language, text, code))
    return missing
