"""Admin screen of the audit log, with filters and a CSV export."""
from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta

from flask import Response, render_template, request
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..access import ADMIN, roles_required
from ..auth.models import User
from ..extensions import db
from ..i18n import _
from ..text import export_safe
from . import bp
from .downloads import export_kind
from .forms import AuditFilterForm
from .services import ACTIONS, AuditFilter, audit_page, audit_rows, object_kinds

PER_PAGE = 50
LOCAL = "Europe/Amsterdam"


def _form() -> tuple[AuditFilterForm, AuditFilter]:
    form = AuditFilterForm(request.args)
    users = db.session.scalars(select(User).order_by(User.name)).all()
    form.user.choices = [SelectChoice("", _("Everyone"))] + [SelectChoice(str(u.id), u.name) for u in users]
    form.kind.choices = [SelectChoice("", _("Every kind"))] + [SelectChoice(k, k) for k in object_kinds() if k]
    form.action.choices = [SelectChoice("", _("Every action"))] + [SelectChoice(a, a) for a in ACTIONS]
    form.validate()
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(LOCAL)
    criteria = AuditFilter(
        actor_id=int(form.user.data) if (form.user.data or "").isdigit() else None,
        object_kind=form.kind.data if not form.kind.errors else "",
        action=form.action.data if not form.action.errors else "",
        since=datetime.combine(form.since.data, time(0), tzinfo=zone) if form.since.data else None,
        until=datetime.combine(form.until.data + timedelta(days=1), time(0), tzinfo=zone) if form.until.data else None,
    )
    return form, criteria


@bp.get("/audit/")
@roles_required(ADMIN)
def index():
    form, criteria = _form()
    page = request.args.get("page", 1, type=int) or 1
    entries, total = audit_page(criteria, page, PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    query = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("audit/index.html", form=form, entries=entries, total=total, page=min(page, pages),
                           pages=pages, query=query)


def _cell(value) -> str:
    """Text a spreadsheet shows as text: a leading = + - @ (a formula) gets a quote first."""
    text = export_safe(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.get("/audit.csv")
@export_kind("audit_log")
@roles_required(ADMIN)
def export_csv():
    _form_, criteria = _form()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "created_at", "actor_id", "actor", "action", "object_kind", "object_id", "subject",
                     "detail"])
    for entry in audit_rows(criteria):
        detail = "; ".join(f"{k}={v}" for k, v in sorted((entry.detail or {}).items()))
        writer.writerow([_cell(v) for v in (entry.id, entry.created_at.isoformat(), entry.actor_id or "",
                                            entry.actor.name if entry.actor else entry.actor_pseudonym, entry.action,
                                            entry.object_kind, entry.object_id or "", entry.subject, detail)])
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=audit-log.csv"})
