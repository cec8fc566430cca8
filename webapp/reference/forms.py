from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..forms import BaseForm
from ..i18n import _l


class GoodExampleForm(BaseForm):
    title_en = StringField(_l("Title (English)"), validators=[InputRequired(), Length(max=300)])
    title_nl = StringField(_l("Title (Dutch)"), validators=[Length(max=300)])
    place_en = StringField(_l("Place (English)"), validators=[Length(max=200)])
    place_nl = StringField(_l("Place (Dutch)"), validators=[Length(max=200)])
    target_group_en = TextAreaField(_l("Target group (English)"), validators=[Length(max=5000)])
    target_group_nl = TextAreaField(_l("Target group (Dutch)"), validators=[Length(max=5000)])
    partners_en = TextAreaField(_l("Partners (English)"), validators=[Length(max=5000)])
    partners_nl = TextAreaField(_l("Partners (Dutch)"), validators=[Length(max=5000)])
    results_en = TextAreaField(_l("Results (English)"), validators=[Length(max=5000)])
    results_nl = TextAreaField(_l("Results (Dutch)"), validators=[Length(max=5000)])
    funding_en = TextAreaField(_l("Funding (English)"), validators=[Length(max=5000)])
    funding_nl = TextAreaField(_l("Funding (Dutch)"), validators=[Length(max=5000)])
    source = TextAreaField(_l("Source"), validators=[Length(max=2000)],
                           description=_l("Where the example is described: document, page or section."))


class AbbreviationForm(BaseForm):
    abbreviation = StringField(_l("Abbreviation"), validators=[InputRequired(), Length(max=40)])
    definition_nl = TextAreaField(_l("Definition (Dutch)"), validators=[InputRequired(), Length(max=2000)])
    definition_en = TextAreaField(_l("Definition (English)"), validators=[InputRequired(), Length(max=2000)])
