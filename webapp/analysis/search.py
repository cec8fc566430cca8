"""Full-text search over findings, with one behaviour on SQLite and PostgreSQL.

Every finding keeps `search_text`: its words normalised in Python (text.py), so accents,
case and punctuation are settled before any database sees them. A search term matches a
word that starts with it ("coordinat" finds "coördinatie"); several terms must all match.

- PostgreSQL: `search_vector @@ to_tsquery('simple', 'term':* & ...)`, the stored
  `to_tsvector('simple', search_text)` with a GIN index (models.SEARCH_VECTOR).
- SQLite: an FTS5 index over search_text (fts.py), queried as `"term"* AND ...`: the same
  word-prefix match as PostgreSQL's `'term':*`.

Both read the same words, and terms hold only letters and digits, so quotes and FTS
operators (`"`, `*`, `-`, `NEAR`, `OR`) are plain words or nothing: they cannot error
(each term is still quoted, and the query travels as a bound parameter).

Text in double quotes is a phrase: those words, whole, in that order (`"taal werkgever"`):
PostgreSQL `'taal' <-> 'werkgever'`, SQLite FTS5 `"taal" + "werkgever"`. The words outside
quotes keep the word-start match; everything must match.

What is searched: the finding's own text and every translation staff added beside it
(FindingTranslation), so an Arabic contribution is found by the words of its Dutch or
English translation.
"""
from __future__ import annotations

import re

from sqlalchemy import and_, bindparam, event, func, inspect, literal_column, select, text, true, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..findings.models import Finding, FindingTranslation
from ..search_words import search_text_for, search_tokens, searchable_text
from . import fts

fts.attach_to(Finding.__table__)

#: More terms than this add nothing but query length.
MAX_TERMS = 12


def _words_of(finding: Finding) -> str:
    return searchable_text(finding.text, *(t.text for t in finding.translations))


@event.listens_for(Session, "before_flush")
def _keep_search_text(session: Session, _context, _instances) -> None:
    """Every ORM write of a finding's text or of one of its translations (capture screen, API,
    import, translation screen, demo) refreshes the finding's search words before it is stored.
    A new finding without translations is written without a flush: `findings.services._insert_finding`
    makes its words with the same `searchable_text`."""
    changed: set[Finding] = set()
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Finding):
            state = inspect(obj)
            if obj in session.new or state.attrs.text.history.has_changes() \
                    or state.attrs.translations.history.has_changes():
                changed.add(obj)
        elif isinstance(obj, FindingTranslation) and obj.finding is not None:
            changed.add(obj.finding)
    for obj in session.deleted:
        if isinstance(obj, FindingTranslation) and obj.finding is not None and obj.finding not in session.deleted:
            changed.add(obj.finding)
    if changed:
        with session.no_autoflush:
            for finding in changed:
                words = _words_of(finding)
                if finding.search_text != words:
                    finding.search_text = words


_PHRASE = re.compile(r'"([^"]*)"')


def search_terms(query: str | None) -> list[str]:
    return list(dict.fromkeys(search_tokens(query)))[:MAX_TERMS]


def parse_query(query: str | None) -> tuple[list[list[str]], list[str]]:
    """(phrases, terms): each phrase the normalised words of a "quoted" part (two or more),
    terms the other words (a quoted single word is a term). At most MAX_TERMS words in all."""
    phrases: list[list[str]] = []
    terms: list[str] = []
    budget = MAX_TERMS
    for quoted in _PHRASE.findall(query or ""):
        words = search_tokens(quoted)[:budget]
        if len(words) > 1 and words not in phrases:
            phrases.append(words)
        elif words:
            terms.append(words[0])
        budget -= len(words)
    for term in search_tokens(_PHRASE.sub(" ", query or "")):
        if budget <= 0:
            break
        if term not in terms:
            terms.append(term)
            budget -= 1
    return phrases, terms


def search_condition(query: str | None, project_ids: tuple[int, ...] | None = None) -> ColumnElement[bool]:
    """A WHERE clause for `query`; always true when it holds no words.

    `project_ids` (the request's `scope_ids()`) is applied explicitly: the FTS5 part is raw
    SQL, which the ORM scoping hook does not see (docs/architecture.md, "Projects").
    """
    phrases, terms = parse_query(query)
    if not phrases and not terms:
        return true()
    if project_ids is not None:
        return and_(Finding.project_id.in_(project_ids), search_condition(query))
    if db.session.get_bind().dialect.name == "postgresql":
        # Words are letters and digits only; quoting them still keeps tsquery syntax out.
        parts = ["(" + " <-> ".join(f"'{word}'" for word in phrase) + ")" for phrase in phrases]
        tsquery = " & ".join(parts + [f"'{term}':*" for term in terms])
        return literal_column(f"{Finding.__tablename__}.search_vector").op("@@")(
            func.to_tsquery(literal_column("'simple'"), tsquery))
    parts = ["(" + " + ".join(f'"{word}"' for word in phrase) + ")" for phrase in phrases]
    match = " AND ".join(parts + [f'"{term}"*' for term in terms])
    matching_ids = select(literal_column("rowid")).select_from(text(fts.FTS_TABLE)).where(
        text(f"{fts.FTS_TABLE} MATCH :fts_query").bindparams(fts_query=match))
    return Finding.id.in_(matching_ids)


def reindex_findings() -> int:
    """Recompute `search_text` for every finding (after a bulk import that bypassed the ORM)."""
    table, translations = Finding.__table__, FindingTranslation.__table__
    rows = db.session.execute(select(table.c.id, table.c.text)).all()  # Core: deleted too
    translated: dict[int, list[str]] = {}
    for finding_id, text_value in db.session.execute(
            select(translations.c.finding_id, translations.c.text).order_by(translations.c.language)):
        translated.setdefault(finding_id, []).append(text_value)
    if rows:
        db.session.execute(
            update(table).where(table.c.id == bindparam("row_id")).values(search_text=bindparam("words")),
            [{"row_id": row.id, "words": searchable_text(row.text, *translated.get(row.id, ()))} for row in rows])
    db.session.commit()
    return len(rows)
