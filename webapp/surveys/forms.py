from __future__ import annotations

from wtforms import (BooleanField, DateField, FloatField, HiddenField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import InputRequired, Length, Optional

from ..findings.models import FINDING_KINDS
from ..forms import ActionForm, BaseForm  # noqa: F401  (ActionForm: the surveys' buttons)
from ..i18n import _, _l, localized
from .question_types import QUESTION_TYPES


class SurveyForm(BaseForm):
    title_nl = StringField(_l("Title (Dutch)"), validators=[Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=300)])
    intro_nl = TextAreaField(_l("Introduction (Dutch)"), validators=[Length(max=5000)])
    intro_en = TextAreaField(_l("Introduction (English)"), validators=[Length(max=5000)])
    activity_id = SelectField(_l("Activity"), coerce=lambda v: int(v) if v else None, choices=[],
                              validate_choice=False,
                              description=_l("Free-text answers can become findings of this activity."))
    ask_name = BooleanField(_l("Ask the respondent's name (without it, responses are anonymous)"))

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.activity_id.choices = [("", _("—"))] + [(a.id, a.title) for a in activities]


class QuestionForm(BaseForm):
    type = SelectField(_l("Type"), choices=[])
    label_nl = TextAreaField(_l("Question (Dutch)"), validators=[Length(max=2000)])
    label_en = TextAreaField(_l("Question (English)"), validators=[Length(max=2000)])
    help_nl = StringField(_l("Help text (Dutch)"), validators=[Length(max=1000)])
    help_en = StringField(_l("Help text (English)"), validators=[Length(max=1000)])
    required = BooleanField(_l("An answer is required"))
    options_text = TextAreaField(
        _l("Options"), validators=[Length(max=10_000)],
        description=_l("One option per line, Dutch and English separated by a bar: Ja | Yes. "
                       "For a Likert scale: 5 lines, or none for the standard agree–disagree scale."))
    min_value = FloatField(_l("Lowest number allowed"), validators=[Optional()])
    max_value = FloatField(_l("Highest number allowed"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type.choices = [(code, str(kind.label)) for code, kind in QUESTION_TYPES.items()]


class InvitationsForm(BaseForm):
    labels = TextAreaField(_l("Personal links to make"), validators=[InputRequired(), Length(max=20_000)],
                           description=_l("One line per link: whom it is for (only you see this). To send the "
                                          "link by e-mail, add the address and the language of the message "
                                          "after a semicolon: “Team Werk; name@example.nl; en” (nl, en or ar)."))


class InvitationExpiryForm(BaseForm):
    valid_until = DateField(_l("Valid until"), validators=[Optional()],
                            description=_l("The last day the link works; empty: without end."))


class FindingForm(BaseForm):
    kind = SelectField(_l("Kind"), choices=[], default="observation")
    themes = SelectMultipleField(_l("Themes"), choices=[], validate_choice=False)

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(code, str(label)) for code, label in FINDING_KINDS.items()]
        self.themes.choices = [(t.code, f"{t.code} – {localized(t, 'label')}") for t in themes]


class RespondForm(BaseForm):
    """The fixed part of an answer form; the questions are read by their question types."""

    submission_token = HiddenField()
    name = StringField(_l("Your name"), validators=[Length(max=200)])
