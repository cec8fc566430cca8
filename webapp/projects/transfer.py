"""Export a whole project as a ZIP and import it into another installation.

The ZIP holds `project.json` (every record of the project, table by table, with its old
ids), `files/` (built report versions) and what features add (`codebook.qdc`, REFI-QDA, for
QDA programs: webapp/signals.py `project_export_files`). The tables are the registered ones
(projects/scope.py: `ProjectScoped`, `@child_of`, `link_of`), not a list kept here.
A row may keep itself out of every export (`leaves_in_export`: a photo that may show people);
rows that point at a row left out stay out too. A column whose value names a file kept
elsewhere (a photo's key in the photo store) says how it travels: `info={"export": fn}`
gives the file's bytes, written into the ZIP, and `info={"import": fn}` stores such bytes
and gives the new value.
Import gives every row a new id and rewrites the references; users are matched by e-mail
address (unknown ones become "nobody", never new accounts) and organisations - shared by
all projects - by name (created when missing).

The tables are read through the ORM inside the project (`in_project`), so the scoping
hook decides what belongs to the project, the same as on every screen.
"""
from __future__ import annotations

import io
import json
import secrets
import uuid
import zipfile
from datetime import date, datetime

from flask import current_app
from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.types import JSON, Date, LargeBinary, TypeDecorator, Uuid

from .. import signals
from ..audit.services import record_audit
from ..auth.models import User
from ..extensions import db
from ..i18n import _
from ..organisations.models import Organisation
from ..signals import answers
from ..text import TextRefused, clean_text
from ..uploads import PROJECT_EXPORT, UploadRefused, open_zip, read_limited, read_zip_entry
from .models import Project
from .scope import LINK_TABLES, in_project, project_models, unscoped

FORMAT = "klankbord-project/1"


class TransferError(ValueError):
    """A translated message: nothing was imported."""


#: Tables a project export leaves out, and why. Every other table is a project's: scoped or a
#: child of a scoped one (`ProjectScoped`, `@child_of`) or a link table (`link_of`), all in
#: projects/scope.py; tests/test_projects_transfer.py fails for a table that is neither.
NOT_TRANSFERRED = {
    "projects": "the export is of one project: its row is written apart and made anew on import",
    "project_memberships": "people are matched by e-mail on import; who is a member is chosen there",
    "users": "shared by every project; matched by e-mail address on import, never created",
    "organisations": "shared by every project; matched by name on import (created when missing)",
    "organisation_aliases": "shared, with their organisation",
    "abbreviations": "shared by every project",
    "pseudonym_counters": "numbers are never given twice in an installation; an import keeps the numbers it carries",
    "outcome_links": "personal links of this installation (stored as a hash), not content",
    "audit_entries": "the log of this installation",
    "jobs": "bookkeeping of this installation's workers",
    "outgoing_messages": "the outbox of this installation",
    "mail_opt_outs": "the choice of an address in this installation",
    "refused_forms": "what was typed a moment ago, kept for one redirect",
    "data_version": "this installation's counter of changes",
    "project_privacy": "retention periods and the privacy statement are the receiving installation's to set "
                       "(its controller may differ)",
    "installation_privacy": "this installation's controller, officer and audit period",
    "privacy_purge_runs": "the log of this installation's retention purges",
}


def _models():
    """Project tables in an order where every referenced row comes first."""
    return project_models(db.Model.registry, db.metadata)


def _links():
    """Link tables without a model: (table, the column naming the row it belongs to)."""
    return list(LINK_TABLES.items())


def _plain(value, column, files: dict[str, bytes], name: str):
    export = column.info.get("export")
    if export == "fresh":
        return None  # a working key (a link's secret): never in the file; the import makes a new one
    if callable(export):
        value = export(value)  # e.g. a draft capped as the app caps it now
    if isinstance(value, bytes):
        files[name] = value
        return {"file": name}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _typed(value, column):
    if value is None:
        return None
    if isinstance(column.type, LargeBinary):
        return value  # read from the ZIP by the caller
    if isinstance(column.type, Uuid):
        return uuid.UUID(value)
    if isinstance(column.type, JSON):
        return value
    column_type = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    try:
        python_type = column_type.python_type
    except NotImplementedError:
        python_type = None
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date or isinstance(column.type, Date):
        return date.fromisoformat(value)
    if python_type is str and isinstance(value, str):
        # The same boundary as every other way in (webapp/text.py): a ZIP made by hand or by
        # an older version must not bring characters the exports and the PDF refuse.
        value = clean_text(value)
        length = getattr(column_type, "length", None)
        if length and len(value) > length:
            raise TransferError(_("The export holds a text longer than %(limit)s characters (%(place)s).",
                                  limit=length, place=f"{column.table.name}.{column.name}"))
    return value


def _imported_file(column, content: bytes):
    """A file of the export stored the way its column says (`info={"import": fn}`); a file
    that is refused (a photo that is not one) refuses the import."""
    try:
        return column.info["import"](content)
    except UploadRefused as refused:
        raise TransferError(_("The export holds a file that cannot be stored (%(place)s): %(reason)s",
                              place=f"{column.table.name}.{column.name}", reason=str(refused))) from None


def fresh_links(project: Project) -> dict[str, int]:
    """What an import gave new secrets (the export carries none): {table: rows}, for the
    message that the old links do not open the copy."""
    counts = {}
    with in_project(project):
        for model in _models():
            if any(column.info.get("export") == "fresh" for column in model.__table__.columns):
                counts[model.__tablename__] = db.session.scalar(select(func.count()).select_from(model))
    return counts


def _unique_columns(table: Table) -> list:
    """Columns unique across the installation (client ids, link tokens): an import as a copy
    into the same installation must not collide with the rows it was exported from."""
    return [column for column in table.columns if column.unique and not column.foreign_keys]


def _fresh(column):
    """A new value for a unique column whose imported value is taken here. A link token made
    this way opens nothing: the copy's personal links are new ones, the original's keep working."""
    if isinstance(column.type, Uuid):
        return uuid.uuid4()
    return secrets.token_hex(min(column.type.length or 64, 64) // 2)


def _checked(value, column):
    """`_typed`, with a refused text as the import's error (nothing is imported)."""
    try:
        return _typed(value, column)
    except TextRefused as refused:
        raise TransferError(_("The export holds a text that cannot be stored (%(place)s): %(reason)s",
                              place=f"{column.table.name}.{column.name}", reason=refused.message)) from None


def _stays_out(model, obj, left_out: dict[str, set]) -> bool:
    """Whether `obj` stays out of the export: it says so (`leaves_in_export`), or it points at
    a row that stays out (a finding's link to a photo that may show people)."""
    table = model.__table__
    out = not getattr(obj, "leaves_in_export", True)
    if not out and left_out:
        for column in table.columns:
            for key in column.foreign_keys:
                if getattr(obj, column.key, None) in left_out.get(key.column.table.name, ()):
                    out = True
    if out:
        left_out.setdefault(table.name, set()).add(tuple(getattr(obj, c.key) for c in table.primary_key.columns)[0])
    return out


def export_project(project: Project) -> io.BytesIO:
    """The project as a ZIP (see the module's docstring)."""
    files: dict[str, bytes] = {}
    tables: dict[str, list[dict]] = {}
    ids: dict[str, set] = {}
    left_out: dict[str, set] = {}  # table -> ids of rows that stay out, and so do the rows pointing at them
    with in_project(project):
        for model in _models():
            table = model.__table__
            rows = []
            statement = select(model).execution_options(include_deleted=True)
            # Soft-deleted findings too: an export holds every record (and undo still works).
            for obj in db.session.scalars(statement):
                if _stays_out(model, obj, left_out):
                    continue
                row = {}
                for column in table.columns:
                    value = getattr(obj, column.key) if hasattr(obj, column.key) else None
                    row[column.name] = _plain(value, column, files, f"files/{table.name}/{len(rows)}-{column.name}")
                rows.append(row)
            tables[table.name] = rows
            ids[table.name] = {tuple(r[c.name] for c in table.primary_key.columns) for r in rows}
        for table, owner_column in _links():
            owner = table.c[owner_column].foreign_keys.__iter__().__next__().column.table.name
            owned = {key[0] for key in ids.get(owner, set())}
            tables[table.name] = [dict(row._mapping) for row in db.session.execute(select(table))
                                  if row._mapping[owner_column] in owned]
        # What a feature above adds as files of its own (the codebook as REFI-QDA).
        extra_files: dict[str, bytes] = {}
        for answer in answers(signals.project_export_files.send(project)):
            extra_files.update(answer)
    users = {user.id: user.email for user in db.session.scalars(select(User))}
    organisations = {o.id: {"name": o.name, "stakeholder_type": o.stakeholder_type}
                     for o in db.session.scalars(select(Organisation))}
    document = {
        "format": FORMAT,
        "project": {column.name: _plain(getattr(project, column.key), column, files, "")
                    for column in Project.__table__.columns if column.name not in ("id", "lead_organisation_id")},
        "lead_organisation": organisations.get(project.lead_organisation_id),
        "users": {str(k): v for k, v in users.items()},
        "organisations": {str(k): v for k, v in organisations.items()},
        "tables": tables,
    }
    record_audit(None, "export", "project", project.id, {"findings": len(tables["findings"])})
    db.session.commit()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.json", json.dumps(document, ensure_ascii=False, indent=1, default=str))
        for name, content in extra_files.items():
            archive.writestr(name, content)
        for name, content in files.items():
            archive.writestr(name, content)
    buffer.seek(0)
    return buffer


#: A project export is at most this large (the request limit allows 32 MB).
MAX_EXPORT_BYTES = 32 * 1024 * 1024


def import_project(stream, slug: str | None = None) -> Project:
    """Create a new project from an export; all or nothing (a refused export leaves no row).

    The file is untrusted: a document that does not have the export's shape (a missing part,
    a list where a record belongs, an id that is not one, nesting deeper than the parser
    goes) is refused as damaged, never answered with a 500."""
    try:
        return _import_project(stream, slug)
    except TransferError:
        db.session.rollback()
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError, SQLAlchemyError) as error:
        db.session.rollback()
        current_app.logger.warning("Project import refused as damaged (%s)", type(error).__name__)
        raise TransferError(_("The project export is damaged or was made by another version: nothing was "
                              "imported.")) from None


def _import_project(stream, slug: str | None) -> Project:
    try:
        archive = open_zip(read_limited(stream, MAX_EXPORT_BYTES, _("The file is larger than 32 MB.")), PROJECT_EXPORT)
        document = json.loads(read_zip_entry(archive, "project.json", PROJECT_EXPORT))
    except UploadRefused as refused:
        raise TransferError(str(refused)) from None
    except (ValueError, RecursionError):
        raise TransferError(_("This is not a Klankbord project export.")) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise TransferError(_("This is not a Klankbord project export."))
    fields = dict(document["project"])
    fields["slug"] = slug or fields["slug"]
    if db.session.scalar(select(Project).where(Project.slug == fields["slug"])) is not None:
        raise TransferError(_("Another project already has this short name."))
    for column in Project.__table__.columns:
        if column.name in fields:
            fields[column.name] = _checked(fields[column.name], column)

    def organisation_id(old: str | int | None) -> int | None:
        info = document["organisations"].get(str(old)) if old is not None else None
        if info is None:
            return None
        found = db.session.scalar(select(Organisation).where(Organisation.name == info["name"]))
        if found is None:
            found = Organisation(name=info["name"], stakeholder_type=info["stakeholder_type"], notes="")
            db.session.add(found)
            db.session.flush()
        return found.id

    users_by_email = {user.email: user.id for user in db.session.scalars(select(User))}
    lead = document.get("lead_organisation")
    project = Project(**{k: v for k, v in fields.items() if k != "created_at"},
                      lead_organisation_id=organisation_id(
                          next((k for k, v in document["organisations"].items() if v == lead), None)))
    db.session.add(project)
    db.session.flush()

    new_ids: dict[str, dict] = {"projects": {None: project.id}}
    later: list[tuple[Table, int, str, str, object]] = []  # self-references, set once every row exists

    def remap(column, value, table: Table):
        if value is None or not column.foreign_keys:
            return value, False
        target = next(iter(column.foreign_keys)).column.table.name
        if target == "projects":
            return project.id, False
        if target == "users":
            return users_by_email.get(document["users"].get(str(value))), False
        if target == "organisations":
            return organisation_id(value), False
        if target == table.name:
            return None, True
        mapped = new_ids.get(target, {}).get(value)
        return mapped, False

    for model in _models():
        table = model.__table__
        single_key = len(table.primary_key.columns) == 1
        key_column = list(table.primary_key.columns)[0]
        table_ids = new_ids.setdefault(table.name, {})
        with unscoped():  # taken in any project, soft-deleted or not
            taken = {column.name: set(db.session.scalars(select(column).execution_options(include_deleted=True)))
                     for column in _unique_columns(table)}
        for row in document["tables"].get(table.name, []):
            values, deferred = {}, []
            for column in table.columns:
                if column.name not in row:
                    continue
                raw = row[column.name]
                if isinstance(column.type, LargeBinary) and isinstance(raw, dict):
                    raw = read_zip_entry(archive, raw["file"], PROJECT_EXPORT)
                elif callable(column.info.get("import")):
                    # Only a file of the export itself: a value made by hand could name a file of
                    # another project in the store.
                    raw = (_imported_file(column, read_zip_entry(archive, raw["file"], PROJECT_EXPORT))
                           if isinstance(raw, dict) else None)
                value, is_self = remap(column, raw, table)
                if is_self:
                    deferred.append((column.name, raw))
                if not column.foreign_keys and not callable(column.info.get("import")):
                    value = _checked(raw, column)
                    if (column.name in taken and value in taken[column.name]) or \
                            (column.info.get("export") == "fresh" and value is None):
                        value = _fresh(column)
                values[column.name] = value
            old_id = row[key_column.name]
            if single_key and not key_column.foreign_keys:
                values.pop(key_column.name)
                new_id = db.session.execute(insert(table).values(**values).returning(key_column)).scalar_one()
                table_ids[old_id] = new_id
            else:
                db.session.execute(insert(table).values(**values))
                new_id = values[key_column.name]
            for column_name, old_target in deferred:
                later.append((table, new_id, key_column.name, column_name, old_target))
    # Older exports brought up to date by the features they concern (a finding's one translation).
    signals.project_imported.send(document, new_ids=new_ids)
    for table, row_id, key_name, column_name, old_target in later:
        db.session.execute(update(table).where(table.c[key_name] == row_id)
                           .values({column_name: new_ids[table.name].get(old_target)}))
    for table, owner_column in _links():
        for row in document["tables"].get(table.name, []):
            values = {}
            for column in table.columns:
                values[column.name], _is_self = remap(column, row[column.name], table)
            if all(value is not None for value in values.values()):
                db.session.execute(insert(table).values(**values))
    record_audit(None, "import", "project", project.id,
                 {"findings": len(document["tables"].get("findings", []))})
    db.session.commit()
    return project
