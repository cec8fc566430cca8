from __future__ import annotations

import uuid
from datetime import datetime
from functools import lru_cache

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint, Uuid, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, with_loader_criteria

from ..activities.models import Activity
from ..auth.models import User
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..i18n import _, _l
from ..organisations.models import Organisation
from ..reader_texts import language_order, page_language
from ..projects.scope import (ProjectScoped, child_criteria_for, child_of, current_project_id, link_of,
                              only_project_id, scope_ids, scoped_tables, tables_in)
from ..projects.archive import refuse_writes_to_archived_projects
from ..themes.models import Theme

FINDING_KINDS = {
    "bottleneck": _l("Bottleneck"),
    "solution": _l("Solution"),
    "good_practice": _l("Good practice"),
    "recommendation": _l("Recommendation"),
    "quote": _l("Quote"),
    "observation": _l("Observation"),
}

#: How a report may attribute a finding in print (`Finding.attribution`); what consent each needs
#: is decided in webapp/reports/attribution.py: a pseudonym needs the person's consent, an
#: organisation's name that organisation's recorded consent to be named.
ATTRIBUTIONS = {
    "stakeholder_type": _l("By kind of stakeholder (“a municipality”)"),
    "organisation": _l("By the organisation's name"),
    "pseudonym": _l("By the person's pseudonym"),
    "none": _l("Without naming who said it"),
}

finding_themes = link_of("finding_id", Table(
    "finding_themes",
    db.metadata,
    Column("finding_id", ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True),
))


class Contributor(ProjectScoped, db.Model):
    """A person whose words became findings.

    Published everywhere under a pseudonym; `name` and `contact` are personal data, shown
    only on admin screens and erasable.
    """

    __tablename__ = "contributors"

    __audit_kind__ = "contributor"  # its create, update, delete are audited
    __table_args__ = (
        CheckConstraint("kind IN ('advisory_member', 'stakeholder')", "known_kind"),
        UniqueConstraint("project_id", "kind", "pseudonym_number", name="uq_contributors_project_kind_pseudonym_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "advisory_member" (Migrant Ambassador Advisory Board) or "stakeholder".
    kind: Mapped[str] = mapped_column(String(20), default="stakeholder")
    #: Numbers the pseudonym within its kind: "Advisory board member 3".
    pseudonym_number: Mapped[int]
    name: Mapped[str | None] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(300))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    #: The language the person is most at ease in (a code of i18n.CONTENT_LANGUAGES).
    language: Mapped[str] = mapped_column(String(10), default="nl")
    #: The language they read next best, if any: with `language` their language order, which
    #: chooses the page and mail language and the fallback of every title (webapp/reader_texts.py).
    second_language: Mapped[str | None] = mapped_column(String(10))
    consent_given_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: What the consent covers, in the words shown to the person at the time.
    consent_scope: Mapped[str] = mapped_column(Text, default="")
    #: A made-up person (demo and training data): shown as such wherever the pseudonym is.
    sample: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()

    @property
    def pseudonym(self) -> str:
        """The only name under which this person appears outside admin screens."""
        if self.sample:
            return _("Fictional person %(number)s", number=self.pseudonym_number)
        if self.kind == "advisory_member":
            return _("Advisory board member %(number)s", number=self.pseudonym_number)
        return _("Contributor %(number)s", number=self.pseudonym_number)

    @property
    def language_order(self) -> tuple[str, ...]:
        return language_order(self.language, self.second_language)

    @property
    def page_language(self) -> str:
        """The language of their pages and mail: the first of their order that those speak."""
        return page_language(self.language_order)

    def __repr__(self) -> str:  # never the name: reprs end up in logs
        return f"<Contributor {self.id} {self.kind} {self.pseudonym_number}>"


class PseudonymCounter(db.Model):
    """The last pseudonym number given per kind of contributor. A counter, not max + 1:
    after "Contributor 32" is erased, the next person is 33, never a second 32."""

    __tablename__ = "pseudonym_counters"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class Finding(ProjectScoped, db.Model):
    """One thing said or observed at an activity: the unit of evidence."""

    __tablename__ = "findings"

    __audit_kind__ = "finding"  # its create, update, delete are audited
    #: Denormalised from the activity, so that scoping a finding is one criterion.
    project_source = "activity"
    __table_args__ = (
        CheckConstraint(f"kind IN ({', '.join(repr(k) for k in FINDING_KINDS)})", "known_kind"),
        CheckConstraint(f"attribution IN ({', '.join(repr(k) for k in ATTRIBUTIONS)})", "known_attribution"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Made on the capturing device when the draft starts: the same finding sent twice is stored once.
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="RESTRICT"), index=True)
    text: Mapped[str] = mapped_column(Text)
    #: The language the text is in (a code of i18n.CONTENT_LANGUAGES), kept as said.
    language: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20))
    #: Whose perspective this is (a code of stakeholder_types.STAKEHOLDER_TYPES).
    stakeholder_type: Mapped[str | None] = mapped_column(String(40))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    contributor_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id", ondelete="SET NULL"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Optimistic locking: every update increments it; a stale edit is refused, never overwritten.
    version: Mapped[int] = mapped_column(default=1)
    #: Soft delete, so a delete can be undone; deleted findings are hidden from every ORM query
    #: (see `_hide_deleted_findings`) unless it asks for `include_deleted=True`.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: `text` lower-cased with accents folded, as search matches it; kept up to date by
    #: webapp/analysis/search.py (the codebook issue).
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The text is the speaker's own words, recorded as said: only then may a report print it in
    #: quotation marks (and only with an attribution its consent allows); otherwise it is a
    #: summary in the note-taker's words and prints as running text with its source.
    verbatim: Mapped[bool] = mapped_column(default=False, server_default="0")
    #: How a report may attribute it in print: a key of ATTRIBUTIONS.
    attribution: Mapped[str] = mapped_column(String(20), default="stakeholder_type",
                                             server_default="stakeholder_type")
    #: Where in a written source the finding is taken from, when it summarises one (document,
    #: section, paragraph): the demo's findings cite their place in the IOM report this way.
    source_reference: Mapped[str] = mapped_column(String(300), default="", server_default="")

    activity: Mapped[Activity] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    contributor: Mapped[Contributor | None] = relationship()
    author: Mapped[User | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=finding_themes, order_by=Theme.code)
    #: Staff's translations beside the original (the one store: screens, API, imports, reports).
    translations: Mapped[list[FindingTranslation]] = relationship(
        back_populates="finding", cascade="all, delete-orphan", order_by="FindingTranslation.language")

    def translation_in(self, language: str) -> str:
        """The text in `language`: the original when it is in that language, else a translation or ""."""
        if self.language == language:
            return self.text
        for item in self.translations:
            if item.language == language and item.text:
                return item.text
        return ""

    @property
    def translation_texts(self) -> dict[str, str]:
        """Every translation by language (the same shape as FindingInput.translation_texts)."""
        return {item.language: item.text for item in self.translations if item.text}

    @property
    def latest_translation(self) -> FindingTranslation | None:
        """The translation changed last: what the API's older single `translation` field shows."""
        # A row not stored yet has no updated_at: it is the newest.
        return max(self.translations, key=lambda t: (t.updated_at or utcnow(), t.id or 0), default=None)

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def __repr__(self) -> str:
        return f"<Finding {self.id} {self.kind}>"


@child_of("finding")
class FindingTranslation(db.Model):
    """What a finding says, in one other language, for readers of a report in that language.

    The original `Finding.text` is never replaced; a report in Dutch prints a quote in Arabic
    with its Dutch translation beneath. `checked` tells whether someone who reads both
    languages confirmed it. A finding has at most one translation per language. This is the
    only store of translations (migration 0019 moved the older single `Finding.translation` here).
    """

    __tablename__ = "finding_translations"
    __table_args__ = (UniqueConstraint("finding_id", "language", name="uq_finding_translations_finding_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    checked: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    finding: Mapped[Finding] = relationship(back_populates="translations")


def _SCOPED_TABLES() -> frozenset[str]:  # noqa: N802 - a constant once every model is mapped
    return scoped_tables(db.Model.registry)


@event.listens_for(Session, "do_orm_execute")
def _scope_every_query(execute_state) -> None:
    """The one place that decides what a query may see, so no feature has to remember it:

    - soft-deleted findings are invisible to lists, counts, reports and search; the capture
      feature's undo and the idempotent create ask for `execution_options(include_deleted=True)`;
    - rows of projects outside the current scope (`projects/scope.py`) are invisible: a
      `/p/<slug>/` request sees its project, the cross-project screens the user's projects.
    """
    # As in SQLAlchemy's own soft-delete recipe: column loads refresh an object already in
    # hand, and relationship loads inherit the criteria from the statement that loaded the parent.
    if not execute_state.is_select or execute_state.is_column_load or execute_state.is_relationship_load:
        return
    tables = tables_in(execute_state.statement)
    options = []
    if Finding.__tablename__ in tables and not execute_state.execution_options.get("include_deleted", False):
        options.append(_NOT_DELETED)
    allowed = scope_ids()
    if allowed is not None:
        if tables & _SCOPED_TABLES():
            options.append(_in_projects(allowed))
        for child, criterion in child_criteria_for(tables):
            options.append(_child_in_projects(child, criterion, allowed))
    if options:
        execute_state.statement = execute_state.statement.options(*options)


# The options above, made once per set of projects: an option is immutable, and making one
# (SQLAlchemy analyses the lambda) cost about a third of a millisecond on every query.
_NOT_DELETED = with_loader_criteria(Finding, lambda cls: cls.deleted_at.is_(None), include_aliases=True)


@lru_cache(maxsize=64)
def _in_projects(allowed: tuple[int, ...]):
    return with_loader_criteria(ProjectScoped, lambda cls: cls.project_id.in_(allowed), include_aliases=True)


@lru_cache(maxsize=256)
def _child_in_projects(child: type, criterion, allowed: tuple[int, ...]):
    return with_loader_criteria(child, criterion(allowed), include_aliases=True)


def _project_parent(session, obj):
    """The row a new row takes its project from: the loaded relationship, else by its key
    (a finding made with only `activity_id` set)."""
    parent = getattr(obj, obj.project_source)
    if parent is None:
        relationship_ = inspect(type(obj)).relationships[obj.project_source]
        key = getattr(obj, next(iter(relationship_.local_columns)).key)
        if key is not None:
            with session.no_autoflush:
                parent = session.get(relationship_.mapper.class_, key)
    return parent


@event.listens_for(Session, "before_flush")
def _new_rows_join_their_project(session, _flush_context, _instances) -> None:
    """A new row takes the project of its parent (a finding that of its activity), else the
    current project, else the only project of a one-project installation; one without any
    is refused by the database (NOT NULL). A new finding without translations is written
    without a flush: `services._insert_finding` takes its activity's project and refuses an
    archived one itself."""
    for obj in session.new:
        if not isinstance(obj, ProjectScoped):
            continue
        parent = _project_parent(session, obj) if obj.project_source else None
        if parent is not None and parent.project_id is not None:
            obj.project_id = parent.project_id
        elif obj.project_id is None:
            obj.project_id = current_project_id() or only_project_id(session)
    refuse_writes_to_archived_projects(session)
