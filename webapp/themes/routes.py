"""Codebook screens. The blueprint is defined here rather than in __init__.py, so importing
the Theme model (every finding does) never loads the views. How many findings carry a theme
is asked of the findings (webapp/signals.py): the codebook sits below them."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, url_for

from .. import signals
from ..access import ADMIN, AUTHOR, STAFF, current_role, roles_required
from ..audit.downloads import export_kind
from ..extensions import db
from ..i18n import _, localized
from ..refused_forms import refuse, refill
from ..signals import answers
from ..uploads import UploadRefused, decode_utf8, read_limited
from . import hooks  # noqa: F401  (connects the codebook's receivers: webapp/signals.py)
from .forms import ImportForm, MergeForm, ThemeForm
from .models import THEME_GROUPS, Theme
from .refi_qda import codebook_qdc
from .services import (CodebookError, ThemeInput, all_themes, descendant_ids, export_codebook_csv,
                       import_codebook_csv, merge_themes, save_theme, set_archived, theme_tree)

bp = Blueprint("themes", __name__, template_folder="templates", url_prefix="/codebook")
#: Changing the shared codebook is for the people who write the report.
EDITORS = (ADMIN, AUTHOR)
#: A codebook of a thousand themes is ~200 KB of CSV.
MAX_CODEBOOK_BYTES = 5 * 1024 * 1024


def _get(theme_id: int) -> Theme:
    return db.session.get(Theme, theme_id) or abort(404)


def _finding_counts() -> dict[int, int]:
    counts: dict[int, int] = {}
    for answer in answers(signals.theme_finding_counts.send()):
        counts.update(answer)
    return counts


@bp.get("/")
@roles_required(*STAFF)
def index():
    return render_template("themes/index.html", rows=theme_tree(), counts=_finding_counts(),
                           can_edit=_can_edit(), theme_groups={k: str(v) for k, v in THEME_GROUPS.items()})


def _can_edit() -> bool:
    return current_role() in EDITORS


def _parent_choices(theme: Theme | None) -> list[tuple[int | None, str]]:
    excluded = descendant_ids(all_themes(), theme.id) if theme is not None and theme.id else set()
    choices: list[tuple[int | None, str]] = [(None, _("(top level)"))]
    for row in theme_tree():
        if row.theme.id not in excluded and row.theme.merged_into_id is None:
            choices.append((row.theme.id, "\u00a0\u00a0" * row.depth + (localized(row.theme, "label") or "")))
    return choices


def _form_page(theme: Theme | None):
    form = ThemeForm(obj=theme, parent_choices=_parent_choices(theme))
    if form.validate_on_submit():
        data = ThemeInput(label_nl=form.label_nl.data, label_en=form.label_en.data, code=form.code.data or "",
                          theme_group=form.theme_group.data, parent_id=form.parent_id.data,
                          description_nl=form.description_nl.data or "", description_en=form.description_en.data or "")
        try:
            theme = save_theme(theme, data)
        except CodebookError as error:
            db.session.rollback()
            form.label_en.errors.append(str(error))
        else:
            flash(_("Theme saved."), "success")
            return redirect(url_for("themes.index", _anchor=f"theme-{theme.id}"))
    if form.errors:
        return refuse(form)
    return render_template("themes/form.html", form=refill(form), theme=theme)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new():
    return _form_page(None)


@bp.route("/<int:theme_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(theme_id: int):
    return _form_page(_get(theme_id))


@bp.post("/<int:theme_id>/archive")
@roles_required(*EDITORS)
def archive(theme_id: int):
    theme = set_archived(_get(theme_id), True)
    flash(_("“%(label)s” is archived: it stays on its findings but is no longer offered for tagging.",
            label=localized(theme, "label")), "success")
    return redirect(url_for("themes.index", _anchor=f"theme-{theme.id}"))


@bp.post("/<int:theme_id>/restore")
@roles_required(*EDITORS)
def restore(theme_id: int):
    try:
        theme = set_archived(_get(theme_id), False)
    except CodebookError as error:
        flash(str(error), "error")
    else:
        flash(_("“%(label)s” is in use again.", label=localized(theme, "label")), "success")
    return redirect(url_for("themes.index", _anchor=f"theme-{theme_id}"))


@bp.route("/<int:theme_id>/merge", methods=["GET", "POST"])
@roles_required(*EDITORS)
def merge(theme_id: int):
    source = _get(theme_id)
    form = MergeForm()
    excluded = descendant_ids(all_themes(), source.id)
    form.target_id.choices = [
        (row.theme.id, "\u00a0\u00a0" * row.depth + (localized(row.theme, "label") or ""))
        for row in theme_tree(include_archived=False) if row.theme.id not in excluded]
    if form.validate_on_submit():
        target = _get(form.target_id.data)
        try:
            moved = merge_themes(source, target)
        except CodebookError as error:
            db.session.rollback()
            form.target_id.errors.append(str(error))
        else:
            flash(_("Merged into “%(target)s”: %(count)s findings re-tagged.",
                    target=localized(target, "label"), count=moved), "success")
            return redirect(url_for("themes.index", _anchor=f"theme-{target.id}"))
    if form.errors:
        return refuse(form)
    return render_template("themes/merge.html", form=refill(form), theme=source,
                           count=_finding_counts().get(source.id, 0))


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*EDITORS)
def import_csv():
    form = ImportForm()
    if form.validate_on_submit():
        try:
            raw = read_limited(form.file.data, MAX_CODEBOOK_BYTES, _("The file is larger than 5 MB."))
            result = import_codebook_csv(decode_utf8(raw))
        except UploadRefused as error:
            form.file.errors.append(str(error))
        except CodebookError as error:
            db.session.rollback()
            form.file.errors.append(str(error))
        else:
            flash(_("Codebook imported: %(created)s new themes, %(updated)s updated.",
                    created=result.created, updated=result.updated), "success")
            return redirect(url_for("themes.index"))
    if form.errors:
        return refuse(form)
    return render_template("themes/import.html", form=refill(form))


def _file_prefix() -> str:
    """Exports are per project: the file says which (the slug is ASCII, safe in a header)."""
    return f"klankbord-{g.project.slug}"


def _download(body: bytes | str, filename: str, mimetype: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/codebook.csv")
@export_kind("codebook")
@roles_required(*STAFF)
def export_csv():
    # A BOM, so spreadsheet programs read the Dutch and Arabic characters as UTF-8.
    return _download("\ufeff" + export_codebook_csv(), f"{_file_prefix()}-codebook.csv", "text/csv; charset=utf-8")


@bp.get("/codebook.qdc")
@export_kind("codebook")
@roles_required(*STAFF)
def export_qdc():
    return _download(codebook_qdc(), f"{_file_prefix()}-codebook.qdc", "application/xml")
