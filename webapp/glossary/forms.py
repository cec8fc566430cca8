from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length

from ..activities.types import ACTIVITY_TYPES
from ..forms import BaseForm
from ..i18n import _l


class GlossaryEntryForm(BaseForm):
    preferred_nl = StringField(_l("Preferred term (Dutch)"), validators=[Length(max=200)])
    preferred_en = StringField(_l("Preferred term (English)"), validators=[Length(max=200)])
    deprecated_nl = TextAreaField(_l("Terms to avoid (Dutch)"), validators=[Length(max=5000)],
                                  description=_l("One per line; the preflight flags them in a report's text."))
    deprecated_en = TextAreaField(_l("Terms to avoid (English)"), validators=[Length(max=5000)])
    activity_type = SelectField(_l("Names a kind of activity"), choices=[],
                                description=_l("The project's screens then name that kind of activity by the "
                                               "preferred term."))
    note = TextAreaField(_l("Note"), validators=[Length(max=5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity_type.choices = [("", "—"), *((code, str(label)) for code, label in ACTIVITY_TYPES.items())]
