from __future__ import annotations

from wtforms import IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..forms import BaseForm
from ..i18n import _, _l
from .services import parse_partial_date
from .types import FORMATS, STATUSES, type_names


class PartialDateField(StringField):
    """A text field for "2023-05-08" or just "2023-05"; `.parsed` holds the PartialDate."""

    parsed = None

    def pre_validate(self, form):
        try:
            self.parsed = parse_partial_date(self.data or "")
        except ValueError:
            self.parsed = None
            raise ValidationError(_("Give a date as 2023-05-08, or only the month as 2023-05."))


class ActivityForm(BaseForm):
    type = SelectField(_l("Type"), choices=[])
    number = IntegerField(_l("Number"), validators=[Optional(), NumberRange(min=1, max=100_000)],
                          description=_l("Leave empty for the next free number of this type."))
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=300)])
    title_nl = StringField(_l("Title in the report (Dutch)"), validators=[Length(max=300)])
    title_en = StringField(_l("Title in the report (English)"), validators=[Length(max=300)],
                           description=_l("How the report's methodology and appendices print this activity."))
    format = SelectField(_l("Format"), choices=[])
    status = RadioField(_l("Status"), choices=[], default="held")
    starts = PartialDateField(_l("Date"), validators=[Length(max=20)],
                              description=_l("For example 2023-05-08, or only the month: 2023-05."))
    ends = PartialDateField(_l("Until"), validators=[Length(max=20)],
                            description=_l("Only for an activity that spans a period."))
    organisation_ids = SelectMultipleField(_l("Organisations present"), coerce=int, choices=[],
                                           validate_choice=False)
    facilitator_id = SelectField(_l("Facilitator"), coerce=lambda v: int(v) if v else None, choices=[],
                                 validate_choice=False)
    notes = TextAreaField(_l("Notes"), validators=[Length(max=100_000)])

    def __init__(self, *args, organisations=(), facilitators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.type.choices = list(type_names().items())
        self.format.choices = [("", _("—"))] + [(code, str(label)) for code, label in FORMATS.items()]
        self.status.choices = [(code, str(label)) for code, label in STATUSES.items()]
        self.organisation_ids.choices = [(o.id, o.name) for o in organisations]
        self.facilitator_id.choices = [("", _("—"))] + [(u.id, u.name) for u in facilitators]
