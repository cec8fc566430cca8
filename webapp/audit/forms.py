from __future__ import annotations

from wtforms import DateField, SelectField
from wtforms.validators import Optional

from ..forms import BaseForm
from ..i18n import _l


class AuditFilterForm(BaseForm):
    """Read from the query string (GET): nothing changes, so no CSRF token."""

    class Meta:
        csrf = False

    user = SelectField(_l("User"), choices=[], validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=[], validators=[Optional()])
    action = SelectField(_l("Action"), choices=[], validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Up to and including"), validators=[Optional()])
