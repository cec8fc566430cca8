from __future__ import annotations

from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import BaseForm
from ..i18n import _l
from .stakeholder_types import STAKEHOLDER_TYPES


class OrganisationForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    display_name_nl = StringField(_l("Name in the report (Dutch)"), validators=[Length(max=300)])
    display_name_en = StringField(_l("Name in the report (English)"), validators=[Length(max=300)],
                                  description=_l("Empty: the report prints the name above."))
    stakeholder_type = SelectField(_l("Stakeholder type"), choices=[])
    aliases = TextAreaField(_l("Other spellings"), validators=[Length(max=10_000)],
                            description=_l("One per line, as the name appears in minutes and reports."))
    notes = TextAreaField(_l("Notes"), validators=[Length(max=20_000)])
    name_consent_on = DateField(_l("Agreed to be named in reports on"), validators=[Optional()])
    name_consent_by = StringField(_l("Consent given by"), validators=[Length(max=200)],
                                  description=_l("Who at the organisation agreed (name or role). Without both, reports "
                                                 "name the organisation only by its kind (“a municipality”)."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stakeholder_type.choices = [(code, str(label)) for code, label in STAKEHOLDER_TYPES.items()]


class MergeForm(BaseForm):
    target_id = SelectField(_l("Merge into"), coerce=int, choices=[])
