"""Creating and changing findings: the one place every way in (capture screen, API,
import, surveys, advisory-board feedback, review comments) goes through."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..activities.models import Activity
from ..audit.tracking import record_created
from ..auth.models import User
from ..db_types import utcnow
from ..db_types import MAX_DATABASE_INT
from ..extensions import db
from ..i18n import CONTENT_LANGUAGES, _
from ..organisations.models import Organisation
from ..organisations.stakeholder_types import STAKEHOLDER_TYPES
from ..projects.archive import ProjectArchived
from ..search_words import searchable_text
from ..text import TextRefused, clean_text
from ..themes.models import Theme
from .models import ATTRIBUTIONS, Contributor, FINDING_KINDS, Finding, FindingTranslation, finding_themes

#: A finding is a few sentences; a whole transcript belongs in an import, split into findings.
MAX_TEXT_LENGTH = 10_000
#: How long a deleted finding is offered for undo on the activity's list.
UNDO_WINDOW = timedelta(hours=24)


class FindingError(ValueError):
    """Translated messages per field; nothing was stored."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class FindingConflict(FindingError):
    """The finding changed (or the client_id is taken by other content): nothing was stored.
    `current` is the stored finding, so the caller can show both versions."""

    def __init__(self, message: str, current: Finding):
        super().__init__({"conflict": message})
        self.current = current


@dataclass
class FindingInput:
    activity_id: int
    text: str
    kind: str
    language: str
    theme_codes: list[str] = field(default_factory=list)
    stakeholder_type: str | None = None
    organisation_id: int | None = None
    contributor_id: int | None = None
    client_id: uuid.UUID | None = None
    #: One translation to add or change, and its language (the edit form's "add a translation",
    #: the API's and an import's `translation`/`translation_language`); empty adds nothing.
    translation: str | None = None
    translation_language: str | None = None
    #: Every translation by language, replacing the stored ones on update (an empty text removes
    #: one); None keeps them as they are. `translation` above is applied after it.
    translations: dict[str, str] | None = None
    #: How a report may print it (Finding.verbatim, .attribution, .source_reference); None: on a
    #: new finding the rule reports followed before these were recorded (a quote of a contributor
    #: is verbatim, a contributor is named by pseudonym), on an update the stored value.
    verbatim: bool | None = None
    attribution: str | None = None
    source_reference: str | None = None

    @property
    def translation_texts(self) -> dict[str, str]:
        """The translations this input holds by language (`translations` plus the one translation)."""
        texts = {language: text.strip() for language, text in (self.translations or {}).items()
                 if isinstance(text, str) and text.strip()}
        text, language = _translation(self)
        if text is not None:
            texts[language] = text
        return texts


def _known(model, id_) -> bool:
    return isinstance(id_, int) and 0 <= id_ <= MAX_DATABASE_INT and db.session.get(model, id_) is not None


def _clean_input(data: FindingInput) -> dict[str, str]:
    """Put every text of `data` through the text boundary, in place; errors per field.

    The capture form, the API, imports and surveys all reach this, so a finding can never
    hold a refused character, whichever way it came in. Codes are one-line text too: a NUL
    in a theme code must not reach PostgreSQL, which refuses it in a query.
    """
    errors: dict[str, str] = {}
    for name in ("text", "translation", "kind", "language", "stakeholder_type", "translation_language",
                 "attribution", "source_reference"):
        value = getattr(data, name)
        if isinstance(value, str):
            try:
                setattr(data, name, clean_text(value, multiline=name in ("text", "translation")))
            except TextRefused as refused:
                errors[name] = refused.message
                setattr(data, name, "" if name in ("text", "kind", "language") else None)
    if data.translations is not None:
        cleaned = {}
        for language, value in data.translations.items():
            try:
                cleaned[language] = clean_text(value, multiline=True) if isinstance(value, str) else ""
            except TextRefused as refused:
                errors[f"translation_{language}"] = refused.message
                cleaned[language] = ""
        data.translations = cleaned
    codes = []
    for code in data.theme_codes or []:
        try:
            codes.append(clean_text(code, multiline=False) if isinstance(code, str) else code)
        except TextRefused as refused:
            errors["themes"] = refused.message
    data.theme_codes = codes
    return errors


def _resolve(data: FindingInput) -> tuple[dict[str, str], Activity | None, list[Theme]]:
    """Check `data` (its texts cleaned in place); return the errors per field and what the ids refer to."""
    cleaning_errors = _clean_input(data)
    errors: dict[str, str] = {}
    activity = (db.session.get(Activity, data.activity_id)
                if isinstance(data.activity_id, int) and 0 <= data.activity_id <= MAX_DATABASE_INT else None)
    if activity is None:
        errors["activity_id"] = _("Unknown activity.")
    text = (data.text or "").strip() if isinstance(data.text, str) else ""
    if not text:
        errors["text"] = _("The text of a finding cannot be empty.")
    elif len(text) > MAX_TEXT_LENGTH:
        errors["text"] = _("A finding can be at most %(max)s characters long. Split a long text into several findings.",
                           max=MAX_TEXT_LENGTH)
    if data.kind not in FINDING_KINDS:
        errors["kind"] = _("Unknown kind of finding.")
    if data.language not in CONTENT_LANGUAGES:
        errors["language"] = _("Unknown language.")
    errors.update(_translation_errors(data))
    if data.stakeholder_type and data.stakeholder_type not in STAKEHOLDER_TYPES:
        errors["stakeholder_type"] = _("Unknown stakeholder type.")
    if data.organisation_id is not None and not _known(Organisation, data.organisation_id):
        errors["organisation_id"] = _("Unknown organisation. Choose one from the list or add it to the register first.")
    if data.contributor_id is not None and not _known(Contributor, data.contributor_id):
        errors["contributor_id"] = _("Unknown contributor.")
    if data.attribution is not None and data.attribution not in ATTRIBUTIONS:
        errors["attribution"] = _("Unknown way of attributing a finding.")
    if data.source_reference and len(data.source_reference) > 300:
        errors["source_reference"] = _("A source reference can be at most %(max)s characters long.", max=300)
    codes = list(dict.fromkeys(data.theme_codes or []))
    themes = list(db.session.scalars(select(Theme).where(Theme.code.in_(codes)))) if codes else []
    unknown = sorted(set(codes) - {t.code for t in themes if not t.archived})
    if unknown:
        errors["themes"] = _("Unknown theme: %(codes)s", codes=", ".join(unknown))
    errors.update(cleaning_errors)  # "a control character" says more than "cannot be empty"
    return errors, activity, sorted(themes, key=lambda t: codes.index(t.code))


def _translation(data: FindingInput) -> tuple[str | None, str | None]:
    """The translation and its language as stored: an empty translation keeps no language."""
    text = data.translation.strip() if isinstance(data.translation, str) else ""
    return (text, data.translation_language) if text else (None, None)


def _translation_errors(data: FindingInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    for language, text in (data.translations or {}).items():
        name = f"translation_{language}"
        if not isinstance(text, str) or not text.strip():
            continue
        if len(text.strip()) > MAX_TEXT_LENGTH:
            errors[name] = _("A translation can be at most %(max)s characters long.", max=MAX_TEXT_LENGTH)
        elif language not in CONTENT_LANGUAGES:
            errors[name] = _("Unknown language.")
        elif language == data.language:
            errors[name] = _("A translation is in another language than the original.")
    translation, language = _translation(data)
    if translation is None:
        return errors
    if len(translation) > MAX_TEXT_LENGTH:
        errors["translation"] = _("A translation can be at most %(max)s characters long.", max=MAX_TEXT_LENGTH)
    if not language:
        errors["translation_language"] = _("Choose the language of the translation.")
    elif language not in CONTENT_LANGUAGES:
        errors["translation_language"] = _("Unknown language.")
    elif language == data.language:
        errors["translation_language"] = _("A translation is in another language than the original.")
    return errors


def _same_content(finding: Finding, data: FindingInput, themes: list[Theme]) -> bool:
    """Whether a replayed create carries what is stored (theme order does not matter).

    The translation is deliberately not compared: it is added later by staff, beside what
    was said, so a device resending its draft after a colleague translated the stored
    finding is still the same finding (200), not a conflict (409); a translation sent
    with such a replay changes nothing (use PATCH to change it)."""
    return (finding.activity_id == data.activity_id and finding.text == data.text.strip()
            and finding.kind == data.kind and finding.language == data.language
            and finding.stakeholder_type == (data.stakeholder_type or None)
            and finding.organisation_id == data.organisation_id and finding.contributor_id == data.contributor_id
            and {t.id for t in finding.themes} == {t.id for t in themes})


def _by_client_id(client_id: uuid.UUID) -> Finding | None:
    return db.session.scalar(select(Finding).where(Finding.client_id == client_id)
                             .execution_options(include_deleted=True, populate_existing=True))


def _replay(existing: Finding, data: FindingInput, themes: list[Theme]) -> Finding:
    if _same_content(existing, data, themes):
        return existing
    raise FindingConflict(_("Another finding was already stored with this identifier (client_id). "
                            "Nothing was changed."), existing)


def create_finding_once(data: FindingInput, author: User | None, commit: bool = True) -> tuple[Finding, bool]:
    """Store a new finding exactly once; returns it and whether it is new.

    Sending the same `client_id` with the same content again returns the stored finding
    (a dropped connection makes devices resend); the same `client_id` with other content
    raises FindingConflict (as ODK Central does).

    With `commit`, a resend is found at the unique constraint, not by looking first: almost
    every save is new, and a look costs each of them a query (issue 17's save throughput).
    The failed INSERT rolls the session back, so call it with nothing else pending (the
    API, the capture screen and surveys do). Two requests racing with one client_id meet
    there too: the loser rolls back and replays. Without `commit` (an import, feedback,
    review comments: part of a larger transaction) it looks first, as a rollback would
    lose the rest.
    """
    errors, activity, themes = _resolve(data)
    if errors:
        raise FindingError(errors)
    if not commit:
        if data.client_id is not None and (existing := _by_client_id(data.client_id)) is not None:
            return _replay(existing, data, themes), False
        finding = _new_finding(data, activity, themes, author)
        db.session.add(finding)
        db.session.flush()
        return finding, True
    session = db.session()
    expire_on_commit = session.expire_on_commit
    try:
        if data.translation_texts:
            finding = _new_finding(data, activity, themes, author)
            db.session.add(finding)
        else:
            finding = _insert_finding(data, activity, themes, author)
        # Every value was set here (the id comes back from the INSERT): the answer is made from
        # them, without reading the finding and its themes back after the commit.
        session.expire_on_commit = False
        session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _by_client_id(data.client_id) if data.client_id is not None else None
        if existing is None:
            raise
        _errors, _activity, themes = _resolve(data)
        return _replay(existing, data, themes), False
    finally:
        session.expire_on_commit = expire_on_commit
    return finding, True


def _print_fields(data: FindingInput, finding: Finding | None = None) -> dict:
    """verbatim, attribution and source_reference for a new finding (`finding` None) or an update."""
    if finding is not None:
        defaults = {"verbatim": finding.verbatim, "attribution": finding.attribution,
                    "source_reference": finding.source_reference}
    else:  # as migration 0022 set them for the findings stored before
        defaults = {"verbatim": data.kind == "quote" and data.contributor_id is not None,
                    "attribution": "pseudonym" if data.contributor_id is not None else "stakeholder_type",
                    "source_reference": ""}
    return {"verbatim": bool(data.verbatim) if data.verbatim is not None else defaults["verbatim"],
            "attribution": data.attribution or defaults["attribution"],
            "source_reference": (data.source_reference.strip() if data.source_reference is not None
                                 else defaults["source_reference"])}


def _new_finding(data: FindingInput, activity: Activity, themes: list[Theme], author: User | None) -> Finding:
    """A new finding for the unit of work: its flush listeners add the project, the search words,
    the audit entry and the translations' rows."""
    finding = Finding(
        client_id=data.client_id or uuid.uuid4(), activity=activity, text=data.text.strip(), kind=data.kind,
        language=data.language, stakeholder_type=data.stakeholder_type or None,
        organisation_id=data.organisation_id, contributor_id=data.contributor_id, author=author, themes=themes,
        translations=[], **_print_fields(data))  # set, not loaded: the answer is made without reading anything back
    _apply_translations(finding, data)
    return finding


#: The one statement that stores a new finding without translations (`_insert_finding`).
_INSERT_FINDING = Finding.__table__.insert().returning(Finding.__table__.c.id)


def _insert_finding(data: FindingInput, activity: Activity, themes: list[Theme], author: User | None) -> Finding:
    """A new finding without translations - nearly every save - written with INSERT statements
    instead of a flush: the unit of work cost more than half of an API save (issue 17). What
    the flush listeners do for a new finding is done here the same way: the project is the
    activity's (refused when archived), the search words are made from the text, the audit
    entry is written; the data counter moves as for any write statement (`data_version.py`).
    Returns the finding as a row loaded in the session, themes included, nothing read back."""
    from sqlalchemy.orm import make_transient_to_detached

    if activity.project.status == "archived":  # as `refuse_writes_to_archived_projects` in a flush
        raise ProjectArchived()
    now = utcnow()
    text = data.text.strip()
    values = {"client_id": data.client_id or uuid.uuid4(), "activity_id": activity.id,
              "project_id": activity.project_id, "text": text, "kind": data.kind, "language": data.language,
              "stakeholder_type": data.stakeholder_type or None, "organisation_id": data.organisation_id,
              "contributor_id": data.contributor_id, "author_id": author.id if author is not None else None,
              "created_at": now, "updated_at": now, "version": 1, "deleted_at": None,
              "search_text": searchable_text(text), **_print_fields(data)}
    finding_id = db.session.execute(_INSERT_FINDING, values).scalar_one()
    if themes:
        db.session.execute(finding_themes.insert(), [{"finding_id": finding_id, "theme_id": t.id} for t in themes])
    record_created(db.session, "finding", finding_id)
    finding = Finding(id=finding_id, themes=themes, translations=[], **values)
    make_transient_to_detached(finding)  # what was set counts as loaded from the database
    db.session.add(finding)
    return finding


def create_finding(data: FindingInput, author: User | None) -> Finding:
    """Store a new finding (or return the one already stored under its client_id)."""
    return create_finding_once(data, author)[0]


def create_findings(rows: list[FindingInput], author: User | None) -> list[Finding]:
    """All or nothing, as an import needs: one invalid row stores none."""
    try:
        findings = [create_finding_once(row, author, commit=False)[0] for row in rows]
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return findings


def client_id_conflict(data: FindingInput) -> str | None:
    """Why `data` would be refused for its client_id (taken by other content), or None."""
    existing = _by_client_id(data.client_id) if data.client_id is not None else None
    if existing is None:
        return None
    errors, _activity, themes = _resolve(data)
    if errors or _same_content(existing, data, themes):
        return None
    return _("Another finding was already stored with this identifier (client_id). Nothing was changed.")


def validate_finding(data: FindingInput) -> dict[str, str]:
    """The errors `create_finding` would raise for `data`, without storing anything."""
    return _resolve(data)[0]


def update_finding(finding: Finding, data: FindingInput, expected_version: int | None = None) -> Finding:
    """Change a finding. With `expected_version` (the version the editor started from),
    a finding changed by someone else in the meantime is refused with FindingConflict;
    the mapper's version counter still refuses a flush that lost a race. Every field is
    replaced, the translation too: start from `input_from_finding` to change only some."""
    if expected_version is not None and expected_version != finding.version:
        raise FindingConflict(_("Someone else changed this finding while you were editing it."), finding)
    errors, activity, themes = _resolve(data)
    if errors:
        raise FindingError(errors)
    # One flush for the whole change (loading the old themes would otherwise flush halfway),
    # so an edit moves the version by exactly one.
    with db.session.no_autoflush:
        finding.activity = activity
        finding.text = data.text.strip()
        finding.kind = data.kind
        finding.language = data.language
        finding.stakeholder_type = data.stakeholder_type or None
        finding.organisation_id = data.organisation_id
        for name, value in _print_fields(data, finding).items():
            setattr(finding, name, value)
        finding.contributor_id = data.contributor_id
        _apply_translations(finding, data)
        finding.themes = themes
        # Set explicitly so the row is always updated: a change of themes alone touches only
        # the link table, and without a row update the version counter would not move.
        finding.updated_at = utcnow()
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        current = db.session.get(Finding, finding.id, populate_existing=True,
                                 execution_options={"include_deleted": True})
        raise FindingConflict(_("Someone else changed this finding while you were editing it."), current) from None
    return finding


def set_print_choices(finding: Finding, verbatim: bool, attribution: str) -> bool:
    """Record how a report may print `finding` (the evidence picker sets these for many findings
    at once); no commit. Returns whether anything changed; an unknown attribution is refused."""
    if attribution not in ATTRIBUTIONS:
        raise FindingError({"attribution": _("Unknown way of attributing a finding.")})
    if (finding.verbatim, finding.attribution) == (bool(verbatim), attribution):
        return False
    finding.verbatim, finding.attribution = bool(verbatim), attribution
    return True


def input_from_finding(finding: Finding) -> FindingInput:
    """The finding's current values, as a starting point for a partial change."""
    return FindingInput(activity_id=finding.activity_id, text=finding.text, kind=finding.kind,
                        language=finding.language, theme_codes=[t.code for t in finding.themes],
                        stakeholder_type=finding.stakeholder_type, organisation_id=finding.organisation_id,
                        contributor_id=finding.contributor_id, client_id=finding.client_id,
                        translations=finding.translation_texts, verbatim=finding.verbatim,
                        attribution=finding.attribution, source_reference=finding.source_reference)


def set_translation(finding: Finding, language: str, text: str, checked: bool | None = None
                    ) -> FindingTranslation | None:
    """Store the translation of `finding` into `language` (an empty `text` removes it); no commit.

    The one writer of FindingTranslation rows: the edit form, the API, imports, the feedback
    round's contributions and the report's translation screen all end here. A changed text
    is no longer checked unless `checked` says so; the callers check the language.
    """
    text = (text or "").strip()
    existing = next((t for t in finding.translations if t.language == language), None)
    if not text:
        if existing is not None:
            finding.translations.remove(existing)
        return None
    if existing is None:
        existing = FindingTranslation(language=language, text=text, checked=bool(checked))
        finding.translations.append(existing)
    elif existing.text != text:
        existing.text, existing.checked = text, bool(checked)
    elif checked is not None:
        existing.checked = checked
    return existing


def _apply_translations(finding: Finding, data: FindingInput) -> None:
    text, language = _translation(data)
    if data.translations is None:
        if text is not None:
            set_translation(finding, language, text)
        return
    # The wanted set first, then one change per language: a row removed and added again in
    # one flush would meet the (finding, language) unique constraint.
    wanted = {code: value.strip() for code, value in data.translations.items() if value and value.strip()}
    if text is not None:
        wanted[language] = text
    for item in list(finding.translations):
        if item.language not in wanted:
            finding.translations.remove(item)
    for code, value in wanted.items():
        set_translation(finding, code, value)


def delete_finding(finding: Finding) -> None:
    """Soft delete: hidden everywhere at once, restorable for UNDO_WINDOW."""
    finding.deleted_at = utcnow()
    db.session.commit()


def restore_finding(finding: Finding) -> None:
    finding.deleted_at = None
    db.session.commit()


def get_finding(finding_id: int, include_deleted: bool = False) -> Finding | None:
    return db.session.get(Finding, finding_id, execution_options={"include_deleted": include_deleted})


def list_findings(activity_id: int) -> list[Finding]:
    """An activity's findings, newest first, with everything a list shows loaded up front
    (a fixed number of queries, however many findings there are)."""
    return list(db.session.scalars(findings_query(activity_id)))


def findings_query(activity_id: int):
    """The statement behind `list_findings` (the list screen pages through it)."""
    return (select(Finding).where(Finding.activity_id == activity_id)
            .options(selectinload(Finding.themes), selectinload(Finding.organisation),
                     selectinload(Finding.contributor), selectinload(Finding.author),
                     selectinload(Finding.translations))
            .order_by(Finding.created_at.desc(), Finding.id.desc()))


def recently_deleted_findings(activity_id: int) -> list[Finding]:
    return list(db.session.scalars(
        select(Finding).where(Finding.activity_id == activity_id, Finding.deleted_at.is_not(None),
                              Finding.deleted_at >= utcnow() - UNDO_WINDOW)
        .order_by(Finding.deleted_at.desc()).execution_options(include_deleted=True)))


def theme_usage(activity_id: int | None) -> dict[int, int]:
    """How often each theme was used in this activity (None: in every activity): the capture
    screen offers the most used first."""
    query = select(Theme.id, func.count()).select_from(Finding).join(Finding.themes).group_by(Theme.id)
    if activity_id is not None:
        query = query.where(Finding.activity_id == activity_id)
    return {theme_id: count for theme_id, count in db.session.execute(query)}
