from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..auth.forms import InviteUserForm
from ..forms import BaseForm
from ..i18n import _, _l, localized
from .models import MEMBER_ROLES, PROJECT_STATUSES


class ProjectForm(BaseForm):
    slug = StringField(_l("Short name (in the web address)"), validators=[DataRequired(), Length(max=60)],
                       description=_l("Lower-case letters, digits and hyphens, e.g. integration-plus."))
    name_nl = StringField(_l("Name (Dutch)"), validators=[Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=200)])
    description_nl = TextAreaField(_l("Description (Dutch)"), validators=[Length(max=20_000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=20_000)])
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    lead_organisation_id = SelectField(_l("Lead organisation"), coerce=int, choices=[])
    status = SelectField(_l("Status"), choices=[])
    codebook = RadioField(_l("Codebook"), default="empty", choices=[
        ("empty", _l("Start empty")), ("template", _l("Start from the shared template")),
        ("copy", _l("Copy another project's codebook"))])
    codebook_source = SelectField(_l("Project to copy the codebook from"), coerce=int, choices=[])

    def __init__(self, *args, organisations=(), projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lead_organisation_id.choices = [(0, "—")] + [(o.id, o.name) for o in organisations]
        self.status.choices = [(code, str(label)) for code, label in PROJECT_STATUSES.items()]
        self.codebook_source.choices = [(0, "—")] + [(p.id, p.name_nl) for p in projects]


class MembershipForm(BaseForm):
    user_id = SelectField(_l("User"), coerce=int, choices=[])
    role = SelectField(_l("Role in this project"), choices=[])

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = [(u.id, f"{u.name} <{u.email}>") for u in users]
        self.role.choices = [(code, str(label)) for code, label in MEMBER_ROLES.items()]


class ImportForm(BaseForm):
    file = FileField(_l("Project export (ZIP)"))
    slug = StringField(_l("Short name for the imported project (empty: as in the file)"),
                       validators=[Optional(), Length(max=60)])


class InviteMemberForm(InviteUserForm):
    """The invitation to an account, and the project the colleague starts in with that role
    (an administrator's role is global and needs none)."""

    project_id = SelectField(_l("Project"), coerce=int, choices=[], default=0,
                             description=_l("With their role in it; more projects on the project's members page."))

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.project_id.choices = [(0, _("— none yet —"))] + [(p.id, localized(p, "name")) for p in projects]
        if len(projects) == 1 and not self.is_submitted():
            self.project_id.data = projects[0].id
