"""Post/redirect/get for every HTML form that can be refused.

A refused POST does not answer with the page itself (reloading or going back would make the
browser offer to send the form again); it keeps what was typed and why it was refused, and
answers 303 to the page, whose GET shows the form as it was sent, once:

    if form.errors:                 # after validate_on_submit() and the service's checks
        return refuse(form)
    return render_template("x.html", form=refill(form))

Pages whose forms are not WTForms (the capture fallback, the survey answer page) pass their
own errors and extra state: `refuse(errors={...}, **extra)`, and read `refused()` on the GET.

The stash lives in the database (table `refused_forms`), not in the session cookie: a cookie
is signed, not encrypted, holds about 4 KB, and typed text can be longer and personal. The
cookie holds only a random key per page. A stash is read once (deleted when read), belongs
to the user (or anonymous session) that made it, and is dropped after `STASH_LIFETIME`.
Never stashed: password fields, the CSRF token, file uploads (a refused upload shows its
error; the user picks the file again).
"""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import g, redirect, request, session
from flask_babel import format_decimal
from flask_login import current_user
from flask_wtf.file import FileField as FlaskFileField
from sqlalchemy import ForeignKey, String, Text, delete, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import MultiDict
from wtforms import FileField, PasswordField, SubmitField

from .db_types import UTCDateTime, utcnow
from .extensions import db
from .i18n import _

#: A stash not read within this time is dropped (the next refusal deletes it).
STASH_LIFETIME = timedelta(hours=1)
#: Session key: {page hash: random key of its stash}.
_SESSION_KEY = "refused"
#: At most this many pages remember a refused form at once (tabs of one browser).
_MAX_PAGES = 5
_NOT_STASHED = (PasswordField, FileField, FlaskFileField, SubmitField)
#: A typed value is kept up to this many characters (the longest any field takes); a paste of
#: megabytes is refused for its length and comes back cut, not stored whole.
MAX_KEPT_CHARACTERS = 100_000


class RefusedForm(db.Model):
    """What a refused form held, until the redirected GET shows it again (not project data)."""

    __tablename__ = "refused_forms"

    #: The random key the session cookie holds for this page.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Who made it; None for a page without login (the key in their cookie is then the only way in).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: Hash of the path and query of the page that shows the form again (a path can hold a
    #: personal link's token, which is stored nowhere else in the clear).
    page_hash: Mapped[str] = mapped_column(String(64))
    #: JSON: form class, typed values, errors, extra state of the view.
    state: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


@dataclass
class Refused:
    """A refused form as the GET gets it back."""

    formdata: MultiDict
    errors: dict
    extra: dict
    form_class: str = ""
    prefix: str = ""
    fields: list = field(default_factory=list)
    applied: bool = False


def _page_of(url: str) -> str:
    """The page a URL shows, as a hash of its path (within the app) and query."""
    parts = urlsplit(url)
    path = parts.path
    if request.script_root and path.startswith(request.script_root + "/"):
        path = path[len(request.script_root):]
    return hashlib.sha256((path + (f"?{parts.query}" if parts.query else "")).encode()).hexdigest()[:32]


def _this_url() -> str:
    """This request's path and query as the browser asked for it (behind a path prefix too)."""
    return request.script_root + request.full_path.rstrip("?")


def _this_page() -> str:
    return _page_of(_this_url())


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _kept_fields(form) -> list:
    csrf = getattr(form.meta, "csrf_field_name", "csrf_token")
    return [f for f in form if f.name != csrf and not isinstance(f, _NOT_STASHED)]


def _typed(form) -> tuple[list, list[tuple[str, str]]]:
    """Names of the form's fields to show again, and every posted value but the secret ones
    (inputs outside the WTForms fields, such as ticked chapters, come back too)."""
    secret = {"csrf_token"}
    fields = []
    if form is not None:
        secret |= {f.name for f in form if isinstance(f, _NOT_STASHED)} | {getattr(form.meta, "csrf_field_name", "")}
        fields = [f.short_name for f in _kept_fields(form)]
    kept = [(k, v[:MAX_KEPT_CHARACTERS]) for k, v in request.form.items(multi=True)
            if k not in secret and "password" not in k.lower()]
    return fields, kept


def _cut_notices(form, keep_values: bool) -> dict[str, str]:
    """{field: message} for every typed value longer than what is kept: the page says that
    the text comes back cut, and after which words, instead of cutting it silently."""
    if not keep_values:
        return {}
    prefix = f"{form._prefix}" if form is not None and getattr(form, "_prefix", "") else ""
    notices = {}
    for name, value in request.form.items(multi=True):
        if len(value) > MAX_KEPT_CHARACTERS and "password" not in name.lower():
            short = name[len(prefix):] if prefix and name.startswith(prefix) else name
            notices[short] = _("This text was longer than %(max)s characters: only its first %(max)s came back, "
                               "up to “…%(end)s”. The rest was not kept; paste it again.",
                               max=format_decimal(MAX_KEPT_CHARACTERS), end=value[MAX_KEPT_CHARACTERS - 40:MAX_KEPT_CHARACTERS])
    return notices


def _form_errors(form) -> dict:
    # Keyed by the field's short name ("" for the form's own errors); plain fields only.
    return {name or "": [str(m) for m in messages] for name, messages in form.errors.items()
            if isinstance(messages, list | tuple)}


def _with_notices(errors: dict, notices: dict[str, str], as_lists: bool) -> dict:
    """`errors` with each notice beside its field's errors, in the shape the page reads: a
    list per field for WTForms, one message per field for the pages that name their own."""
    for name, notice in notices.items():
        found = errors.get(name)
        if found is None:
            errors[name] = [notice] if as_lists else notice
        elif isinstance(found, str):
            errors[name] = f"{found} {notice}"
        else:
            errors[name] = [*found, notice]
    return errors


def _text(message):
    """A message (lazy or not), or a list of them, as JSON text."""
    return [str(m) for m in message] if isinstance(message, list | tuple) else str(message)


def refuse(form=None, *, errors: dict | None = None, to: str | None = None, keep_values: bool = True,
           **extra):
    """Keep the refused form (typed values and errors) for the page and redirect there (303).

    `to` is the page that shows the form when it is not the URL the form was posted to;
    `keep_values=False` when what was typed is kept elsewhere already (a draft).
    `extra` is JSON-able state the view reads back with `refused().extra`."""
    page = _page_of(to) if to else _this_page()
    fields, typed_values = _typed(form) if keep_values else ([], [])
    state = {"form": type(form).__name__ if form is not None else "", "prefix": getattr(form, "_prefix", ""),
             "fields": fields, "formdata": typed_values,
             "errors": _with_notices({str(k): _text(v) for k, v in (errors or {}).items()}
                                     | (_form_errors(form) if form is not None else {}),
                                     _cut_notices(form, keep_values), as_lists=form is not None),
             "extra": extra}
    user_id = _user_id()
    # What the refused request changed is not kept (as before: an answer with the page rolled it back).
    db.session.rollback()
    pages = dict(session.get(_SESSION_KEY) or {})
    old_keys = [pages.pop(page)] if page in pages else []
    while len(pages) >= _MAX_PAGES:
        old_keys.append(pages.pop(next(iter(pages))))
    db.session.execute(delete(RefusedForm).where(
        (RefusedForm.created_at < utcnow() - STASH_LIFETIME) | RefusedForm.key.in_(old_keys)))
    key = secrets.token_urlsafe(32)
    db.session.add(RefusedForm(key=key, user_id=user_id, page_hash=page, state=json.dumps(state, ensure_ascii=False)))
    db.session.commit()
    pages[page] = key
    session[_SESSION_KEY] = pages
    g.form_refused = True
    return redirect(to or _this_url(), 303)


def refused() -> Refused | None:
    """The refused form kept for this page, if any: read once, then gone."""
    if request.method != "GET":
        return None
    cache = g.setdefault("refused_forms", {})
    page = _this_page()
    if page in cache:
        return cache[page]
    cache[page] = None
    pages = session.get(_SESSION_KEY) or {}
    key = pages.get(page)
    if key is None:
        return None
    session[_SESSION_KEY] = {p: k for p, k in pages.items() if p != page}
    row = db.session.scalar(select(RefusedForm).where(RefusedForm.key == key))
    if row is None:
        return None
    fresh = row.created_at >= utcnow() - STASH_LIFETIME
    belongs = row.page_hash == page and row.user_id == _user_id()
    state = json.loads(row.state)
    db.session.execute(delete(RefusedForm).where(RefusedForm.key == key))
    db.session.commit()
    if not (fresh and belongs):
        return None
    cache[page] = Refused(formdata=MultiDict(state["formdata"]), errors=state["errors"], extra=state["extra"],
                          form_class=state["form"], prefix=state["prefix"], fields=state["fields"])
    return cache[page]


def refill(form):
    """Put what was typed and the errors back into `form` when this page has a refused form of
    its kind (once); returns the form, for `render_template(..., form=refill(form))`."""
    stash = refused()
    if stash is None or stash.applied or stash.form_class != type(form).__name__ or \
            stash.prefix != getattr(form, "_prefix", ""):
        return form
    stash.applied = True
    for name in stash.fields:
        if name in form._fields:
            bound = form._fields[name]
            bound.process(stash.formdata, data=bound.object_data)
    for name, messages in stash.errors.items():
        if name == "":
            form.form_errors = list(messages)
        elif name in form._fields:
            form._fields[name].errors = list(messages)
    form._errors = None
    return form


def forget_all() -> None:
    """Drop every stash (an erasure: typed text may name the person)."""
    db.session.execute(delete(RefusedForm))
