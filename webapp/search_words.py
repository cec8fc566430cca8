"""Text as search and the suggestion model see it: one definition for every database
(findings keep their words in `Finding.search_text`, analysis searches and learns from them).

Lower case, accents and Arabic vowel marks dropped (so "coördinatie" matches
"coordinatie"), every character that is not a letter or digit a space. Arabic, Tigrinya
and other scripts keep their letters. The result is a row of plain words, which is why a
search term can never carry an operator or a quote into a database query.
"""
from __future__ import annotations

import unicodedata

#: Arabic tatweel only stretches a word on screen; it is not part of it.
_IGNORED = {"\u0640"}


def search_tokens(text: str | None) -> list[str]:
    """The words of `text`, normalised: "Coördinatie-overleg!" -> ["coordinatie", "overleg"]."""
    if not text:
        return []
    characters = []
    for character in unicodedata.normalize("NFKD", text.casefold()):
        if character in _IGNORED or unicodedata.category(character) == "Mn":
            continue  # combining marks: accents, umlauts, Arabic harakat, hamza above/below
        characters.append(character if character.isalnum() else " ")
    return [_without_arabic_article(token) for token in "".join(characters).split()]


#: Arabic writes the article and some prepositions onto the word ("العمل" = "the work"):
#: dropped, as light Arabic stemmers do, so "عمل" finds "العمل", "بالعمل" and "والعمل".
_ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")


def _without_arabic_article(token: str) -> str:
    for prefix in _ARABIC_PREFIXES:
        # Keep at least three letters: most Arabic roots have three.
        if token.startswith(prefix) and len(token) - len(prefix) >= 3:
            return token[len(prefix):]
    return token


def search_text_for(text: str | None) -> str:
    """What `Finding.search_text` holds: the words between single spaces, with a space at
    both ends so "starts a word" is simply "follows a space"."""
    tokens = search_tokens(text)
    return f" {' '.join(tokens)} " if tokens else ""


def searchable_text(text_value: str | None, *translations: str | None) -> str:
    """A finding's search words: its text and every translation beside it."""
    return search_text_for(" ".join(part for part in (text_value, *translations) if part))
