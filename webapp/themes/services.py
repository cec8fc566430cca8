"""The codebook: read it as a tree, add, change, move, archive, merge, import and export.

Views, the CLI and the export formats call these; none of them touches the request.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select

from .. import signals
from ..extensions import db
from ..i18n import _
from ..signals import answers
from ..text import TextRefused, clean_text, spreadsheet_cell
from ..uploads import UploadRefused, csv_dicts
from .models import THEME_GROUPS, Theme

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
CSV_COLUMNS = ("code", "parent", "group", "label_en", "label_nl", "description_en", "description_nl", "archived")
#: A cell starting with one of these is a formula to a spreadsheet program.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class CodebookError(ValueError):
    """A translated message for the user: nothing was changed."""


@dataclass
class ThemeInput:
    label_nl: str
    label_en: str
    theme_group: str
    code: str = ""
    parent_id: int | None = None
    description_nl: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class TreeRow:
    theme: Theme
    depth: int


# --- reading -------------------------------------------------------------------------

def all_themes() -> list[Theme]:
    """The whole codebook in one query (it has tens of rows, never thousands)."""
    return list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.id)))


def theme_tree(themes: list[Theme] | None = None, include_archived: bool = True) -> list[TreeRow]:
    """Themes in tree order (each parent followed by its children), with their depth."""
    themes = all_themes() if themes is None else themes
    children: dict[int | None, list[Theme]] = {}
    for theme in themes:
        children.setdefault(theme.parent_id, []).append(theme)
    rows: list[TreeRow] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for theme in children.get(parent_id, []):
            if theme.archived and not include_archived:
                continue
            rows.append(TreeRow(theme, depth))
            walk(theme.id, depth + 1)

    walk(None, 0)
    return rows


def descendant_ids(themes: list[Theme], theme_id: int) -> set[int]:
    """`theme_id` and every theme below it."""
    children: dict[int | None, list[int]] = {}
    for theme in themes:
        children.setdefault(theme.parent_id, []).append(theme.id)
    found, todo = set(), [theme_id]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, []))
    return found


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80]


# --- changing ------------------------------------------------------------------------

def _check_parent(theme: Theme | None, parent_id: int | None) -> Theme | None:
    if parent_id is None:
        return None
    parent = db.session.get(Theme, parent_id)
    if parent is None:
        raise CodebookError(_("Unknown parent theme."))
    if theme is not None and theme.id is not None and parent_id in descendant_ids(all_themes(), theme.id):
        raise CodebookError(_("A theme cannot be placed under itself or one of its sub-themes."))
    return parent


def save_theme(theme: Theme | None, data: ThemeInput) -> Theme:
    """Create (theme=None) or change a theme: labels, descriptions, group, place in the tree."""
    label_nl, label_en = (data.label_nl or "").strip(), (data.label_en or "").strip()
    if not label_nl or not label_en:
        raise CodebookError(_("A theme needs a Dutch and an English label."))
    if data.theme_group not in THEME_GROUPS:
        raise CodebookError(_("Unknown theme group."))
    code = (data.code or "").strip().lower() or (theme.code if theme else slugify(label_en))
    if not CODE_PATTERN.match(code):
        raise CodebookError(_("A code has lower-case letters, digits and hyphens only, e.g. “employer-ambassadors”."))
    holder = db.session.scalar(select(Theme).where(Theme.code == code))
    if holder is not None and holder is not theme:
        raise CodebookError(_("The code “%(code)s” is already used by another theme.", code=code))
    parent = _check_parent(theme, data.parent_id)
    if theme is None or theme.parent_id != (parent.id if parent else None):
        siblings = select(func.coalesce(func.max(Theme.position), -1) + 1).where(
            Theme.parent_id == parent.id if parent else Theme.parent_id.is_(None))
        position = db.session.scalar(siblings)
    else:
        position = theme.position
    if theme is None:
        theme = Theme(code=code)
        db.session.add(theme)
    theme.code, theme.label_nl, theme.label_en = code, label_nl, label_en
    theme.description_nl = (data.description_nl or "").strip()
    theme.description_en = (data.description_en or "").strip()
    theme.theme_group, theme.parent, theme.position = data.theme_group, parent, position
    db.session.commit()
    return theme


def set_archived(theme: Theme, archived: bool) -> Theme:
    """Archived themes stay on the findings that have them but are not offered for tagging."""
    if not archived and theme.merged_into_id is not None:
        raise CodebookError(_("A merged theme cannot be restored."))
    theme.archived = archived
    db.session.commit()
    return theme


def merge_themes(source: Theme, target: Theme) -> int:
    """Re-tag every finding of `source` with `target`; `source`'s sub-themes move to `target`.

    `source` is archived and remembers where it went rather than being deleted, so anything
    else that points at it (a report chapter) keeps working. Returns the number of findings
    that had `source`.
    """
    if source.id == target.id:
        raise CodebookError(_("A theme cannot be merged into itself."))
    if target.id in descendant_ids(all_themes(), source.id):
        raise CodebookError(_("A theme cannot be merged into one of its own sub-themes."))
    if target.archived:
        raise CodebookError(_("Choose a theme that is not archived."))
    # The findings (re-tagged, a new version each) and the analysis (rejected suggestions)
    # follow the merge themselves: webapp/signals.py.
    finding_ids = [i for ids in answers(signals.themes_merging.send(source, target=target)) for i in ids]
    next_position = db.session.scalar(
        select(func.coalesce(func.max(Theme.position), -1) + 1).where(Theme.parent_id == target.id))
    for offset, child in enumerate(sorted(source.children, key=lambda t: t.position)):
        child.parent = target
        child.position = next_position + offset
    source.archived = True
    source.merged_into = target
    db.session.commit()
    db.session.expire_all()  # collections loaded before the Core statements are stale now
    return len(finding_ids)


# --- CSV -----------------------------------------------------------------------------

def _safe_cell(value: str | None) -> str:
    return spreadsheet_cell(value or "")


def _read_cell(value: str | None) -> str:
    value = (value or "").strip()
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value


def export_codebook_csv() -> str:
    """The codebook as CSV, parents before children; the same columns the import reads."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in theme_tree():
        theme = row.theme
        writer.writerow([_safe_cell(v) for v in (
            theme.code, theme.parent.code if theme.parent else "", theme.theme_group, theme.label_en,
            theme.label_nl, theme.description_en, theme.description_nl)] + ["yes" if theme.archived else ""])
    return buffer.getvalue()


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0


def import_codebook_csv(text: str) -> ImportResult:
    """Add or update themes by code from CSV; all rows are applied or none.

    Themes not in the file are left alone (an import never deletes).
    """
    text = text.lstrip("\ufeff")  # spreadsheet programs like to start UTF-8 with a BOM
    try:
        fieldnames, records = csv_dicts(text)
    except UploadRefused as refused:
        raise CodebookError(str(refused)) from None
    missing = {"code", "group", "label_en", "label_nl"} - set(fieldnames)
    if missing:
        raise CodebookError(_("The file lacks the columns: %(columns)s", columns=", ".join(sorted(missing))))
    existing = {t.code: t for t in all_themes()}
    rows, seen = [], set()
    for number, raw in enumerate(records, start=2):
        try:
            row = {key: clean_text(_read_cell(raw.get(key)), multiline=key.startswith("description"))
                   for key in CSV_COLUMNS}
        except TextRefused as refused:
            raise CodebookError(_("Line %(line)s: %(problem)s", line=number, problem=refused.message)) from None
        code = row["code"].lower()
        if not code and not any(row.values()):
            continue  # an empty line
        problem = None
        if not CODE_PATTERN.match(code):
            problem = _("invalid code “%(code)s”", code=code)
        elif code in seen:
            problem = _("the code “%(code)s” appears twice", code=code)
        elif row["group"] not in THEME_GROUPS:
            problem = _("unknown group “%(group)s”", group=row["group"])
        elif not row["label_en"] or not row["label_nl"]:
            problem = _("a Dutch and an English label are needed")
        if problem:
            raise CodebookError(_("Line %(line)s: %(problem)s.", line=number, problem=problem))
        seen.add(code)
        row["code"], row["parent"] = code, row["parent"].lower()
        rows.append((number, row))
    known = seen | set(existing)
    for number, row in rows:
        if row["parent"] and row["parent"] not in known:
            raise CodebookError(_("Line %(line)s: unknown parent “%(parent)s”.", line=number, parent=row["parent"]))
    result = ImportResult()
    by_code = dict(existing)
    next_position = max((t.position for t in existing.values()), default=-1) + 1
    for _number, row in rows:
        theme = by_code.get(row["code"])
        if theme is None:
            theme = Theme(code=row["code"], position=next_position)
            next_position += 1
            db.session.add(theme)
            by_code[row["code"]] = theme
            result.created += 1
        else:
            result.updated += 1
        theme.theme_group, theme.label_en, theme.label_nl = row["group"], row["label_en"], row["label_nl"]
        theme.description_en, theme.description_nl = row["description_en"], row["description_nl"]
        if row["archived"]:
            theme.archived = row["archived"].lower() in ("yes", "ja", "true", "1", "x")
    for number, row in rows:
        by_code[row["code"]].parent = by_code[row["parent"]] if row["parent"] else None
    # A parent chain that loops back can only come from the file: refuse it whole.
    for number, row in rows:
        seen_chain, current = set(), by_code[row["code"]]
        while current is not None:
            if current.code in seen_chain:
                db.session.rollback()
                raise CodebookError(_("Line %(line)s: the parents form a loop.", line=number))
            seen_chain.add(current.code)
            current = current.parent
    db.session.commit()
    return result
