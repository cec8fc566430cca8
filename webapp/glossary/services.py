"""The glossary: saving entries, finding replaced terms in a text, naming activity types."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import g
from sqlalchemy import select

from ..activities.types import ACTIVITY_TYPES
from ..extensions import db
from ..i18n import _, current_language
from ..projects.scope import current_project_id
from .models import GlossaryEntry

LANGUAGES = ("nl", "en")


class GlossaryError(ValueError):
    pass


@dataclass(frozen=True)
class TermFound:
    """A replaced term in a text: the term as written there and what to write instead."""

    term: str
    preferred: str
    entry_id: int


def entries() -> list[GlossaryEntry]:
    return list(db.session.scalars(select(GlossaryEntry).order_by(GlossaryEntry.preferred_en, GlossaryEntry.id)))


def save_entry(entry: GlossaryEntry | None, values: dict) -> GlossaryEntry:
    """Create (entry=None) or change an entry; `values` holds the form's fields."""
    if not (values.get("preferred_nl") or "").strip() and not (values.get("preferred_en") or "").strip():
        raise GlossaryError(_("Give the preferred term in at least one language."))
    activity_type = values.get("activity_type") or None
    if activity_type is not None and activity_type not in ACTIVITY_TYPES:
        raise GlossaryError(_("Choose a kind of activity from the list."))
    clash = db.session.scalar(select(GlossaryEntry).where(GlossaryEntry.activity_type == activity_type)) \
        if activity_type else None
    if clash is not None and clash is not entry:
        raise GlossaryError(_("Another entry already names this kind of activity."))
    if entry is None:
        entry = GlossaryEntry()
        db.session.add(entry)
    for language in LANGUAGES:
        setattr(entry, f"preferred_{language}", (values.get(f"preferred_{language}") or "").strip())
        terms = [t.strip() for t in (values.get(f"deprecated_{language}") or "").splitlines() if t.strip()]
        setattr(entry, f"deprecated_{language}", "\n".join(dict.fromkeys(terms)))
    entry.activity_type = activity_type
    entry.note = (values.get("note") or "").strip()
    db.session.commit()
    return entry


def delete_entry(entry: GlossaryEntry) -> None:
    db.session.delete(entry)
    db.session.commit()


def replaced_terms(language: str) -> list[tuple[re.Pattern, str, int]]:
    """(pattern, preferred term, entry id) for every replaced term in `language`, longest first,
    so "stock taking session" is found before "stock taking"."""
    found = []
    for entry in entries():
        preferred = getattr(entry, f"preferred_{language}")
        for term in entry.deprecated(language):
            # as a word, plural forms included ("status holders", "inventarisatiesessies")
            found.append((re.compile(rf"(?<!\w){re.escape(term)}(?:s|es|en|'s)?(?!\w)", re.IGNORECASE),
                          preferred, entry.id))
    return sorted(found, key=lambda item: -len(item[0].pattern))


def terms_in(text: str, patterns: list[tuple[re.Pattern, str, int]]) -> list[TermFound]:
    """The replaced terms `text` uses (each once)."""
    found, seen = [], set()
    for pattern, preferred, entry_id in patterns:
        for match in pattern.finditer(text or ""):
            key = (match.group(0).lower(), entry_id)
            if key not in seen:
                seen.add(key)
                found.append(TermFound(match.group(0), preferred, entry_id))
    return found


def activity_type_names() -> dict[str, dict[str, str]]:
    """{activity type: {language: preferred term}} of the current project, read once per request
    (or per build): every activity type label on a page asks for it."""
    project_id = current_project_id()
    cache = g.setdefault("_glossary_activity_types", {})
    if project_id not in cache:
        cache[project_id] = {} if project_id is None else {
            entry.activity_type: {language: getattr(entry, f"preferred_{language}") for language in LANGUAGES}
            for entry in db.session.scalars(select(GlossaryEntry).where(GlossaryEntry.activity_type.is_not(None)))}
    return cache[project_id]


def activity_type_name(code: str, language: str | None = None) -> str | None:
    """The project's preferred name for an activity type in `language` (default: the screen's)."""
    name = (activity_type_names().get(code) or {}).get(language or current_language())
    return name[:1].upper() + name[1:] if name else None  # a label, as the fixed ones are written


def invalidate_cache() -> None:
    g.pop("_glossary_activity_types", None)

