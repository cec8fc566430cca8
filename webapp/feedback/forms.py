from __future__ import annotations

from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import BaseForm
from ..i18n import CONTENT_LANGUAGES, _, _l
from .services import DEFAULT_LINK_DAYS, EXTRA_PROMPT_LANGUAGES, MAX_LINK_DAYS


class RoundForm(BaseForm):
    activity_id = SelectField(_l("Advisory-board session"), coerce=lambda v: int(v) if v else None, choices=[],
                              validate_choice=False)
    title_nl = StringField(_l("Title (Dutch)"), validators=[Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=300)])
    intro_nl = TextAreaField(_l("Introduction (Dutch)"), validators=[Length(max=5000)])
    intro_en = TextAreaField(_l("Introduction (English)"), validators=[Length(max=5000)])
    #: Members may read the page in Arabic: the round's title and introduction in Arabic too.
    title_ar = StringField(_l("Title (Arabic)"), validators=[Length(max=300)], render_kw={"dir": "rtl", "lang": "ar"},
                           description=_l("Shown on the Arabic member page; without it, the English title."))
    intro_ar = TextAreaField(_l("Introduction (Arabic)"), validators=[Length(max=5000)],
                             render_kw={"dir": "rtl", "lang": "ar"})

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.activity_id.choices = [("", _("—"))] + [(a.id, a.title) for a in sessions]


class PromptForm(BaseForm):
    label_nl = TextAreaField(_l("Question (Dutch)"), validators=[Length(max=2000)])
    label_en = TextAreaField(_l("Question (English)"), validators=[Length(max=2000)])
    label_ar = TextAreaField(_l("Question (Arabic)"), validators=[Length(max=2000)], render_kw={"dir": "rtl"})
    label_ti = TextAreaField(_l("Question (Tigrinya)"), validators=[Length(max=2000)])
    other_language = SelectField(_l("Another language"), choices=[], validate_choice=False)
    other_label = TextAreaField(_l("Question in that language"), validators=[Length(max=2000)],
                                render_kw={"dir": "auto"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.other_language.choices = [("", _("—"))] + [
            (code, str(CONTENT_LANGUAGES[code])) for code in EXTRA_PROMPT_LANGUAGES if code not in ("ar", "ti")]


class InviteForm(BaseForm):
    members = SelectMultipleField(_l("Members"), choices=[], coerce=int, validate_choice=False,
                                  widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    new_count = IntegerField(_l("New members (no name needed)"), default=0,
                             validators=[Optional(), NumberRange(min=0, max=20)])
    new_language = SelectField(_l("Their language"), choices=[(k, v) for k, v in CONTENT_LANGUAGES.items()],
                               default="ar")
    days = IntegerField(_l("Links work for (days)"), default=DEFAULT_LINK_DAYS,
                        validators=[InputRequired(), NumberRange(min=1, max=MAX_LINK_DAYS)])

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members.choices = [(m.id, f"{m.pseudonym} · {CONTENT_LANGUAGES.get(m.language, m.language)}")
                                for m in members]


class TranslationForm(BaseForm):
    translation = TextAreaField(_l("Translation"), validators=[Length(max=10_000)])
    # Every content language: a translation set elsewhere (edit screen, API) in, say, Arabic
    # must not be relabelled as Dutch when saved here.
    translation_language = SelectField(_l("Language of the translation"), default="nl",
                                       choices=list(CONTENT_LANGUAGES.items()))
