from __future__ import annotations

from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..forms import ActionForm, BaseForm  # noqa: F401  (ActionForm: the review's buttons)
from ..i18n import _l
from .models import DISPOSITIONS


class RoundForm(BaseForm):
    """The fixed part of "open a round"; reviewers, chapters and questions are lists read from the request."""

    version_id = SelectField(_l("Version the reviewers read"), coerce=int, validators=[Optional()])
    due_on = DateField(_l("Due date"), validators=[InputRequired()])
    follows_id = SelectField(_l("Follows up round"), coerce=int, validators=[Optional()])
    activity_id = SelectField(_l("Comments become findings of"), coerce=int, validators=[Optional()])


class ReviewerForm(BaseForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    contact = StringField(_l("E-mail or phone"), validators=[Length(max=300)])
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[InputRequired()])


class CommentForm(BaseForm):
    target = HiddenField(validators=[InputRequired()])
    chapter_id = IntegerField(validators=[Optional()])
    recommendation_id = IntegerField(validators=[Optional()])
    question_id = IntegerField(validators=[Optional()])
    relevance = RadioField(_l("Is this relevant in your practice?"), choices=[(str(n), str(n)) for n in range(1, 6)],
                           validators=[Optional()])
    workability = RadioField(_l("Is it workable?"), choices=[(str(n), str(n)) for n in range(1, 6)],
                             validators=[Optional()])
    text = TextAreaField(_l("Your comment"), validators=[Length(max=10_000)])


class DispositionForm(BaseForm):
    disposition = SelectField(_l("Disposition"), choices=list(DISPOSITIONS.items()))
    response = TextAreaField(_l("Response"), validators=[Length(max=2000)])
