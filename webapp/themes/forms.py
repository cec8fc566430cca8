from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import BaseForm
from ..i18n import _l
from .models import THEME_GROUPS


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class ThemeForm(BaseForm):
    label_nl = StringField(_l("Label (Dutch)"), validators=[DataRequired(), Length(max=200)])
    label_en = StringField(_l("Label (English)"), validators=[DataRequired(), Length(max=200)])
    code = StringField(_l("Code"), validators=[Length(max=80)],
                       description=_l("Stable name used by exports and imports. Left empty, it is made from the English label."))
    theme_group = SelectField(_l("Group"), choices=[])
    parent_id = SelectField(_l("Place under"), coerce=_optional_int, choices=[])
    description_nl = TextAreaField(_l("Description (Dutch)"), validators=[Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=5000)])

    def __init__(self, *args, parent_choices: list[tuple[int | None, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.theme_group.choices = [(code, str(label)) for code, label in THEME_GROUPS.items()]
        self.parent_id.choices = parent_choices


class MergeForm(BaseForm):
    target_id = SelectField(_l("Merge into"), coerce=int, choices=[])


class ImportForm(BaseForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(), FileAllowed(["csv", "txt"])])
