from __future__ import annotations

from wtforms import (BooleanField, DateField, IntegerField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from ..forms import BaseForm
from ..i18n import _l
from .models import REPORT_FORMATS, REPORT_LANGUAGES

LONG = 200_000  # characters: a long problem analysis fits, a pasted book does not


class ReportForm(BaseForm):
    title_nl = StringField(_l("Title (Dutch)"), validators=[Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=300)])
    subtitle_nl = StringField(_l("Subtitle (Dutch)"), validators=[Length(max=300)])
    subtitle_en = StringField(_l("Subtitle (English)"), validators=[Length(max=300)])
    authors = StringField(_l("Authors"), validators=[Length(max=300)])
    authors_nl = StringField(_l("Cover line (Dutch)"), validators=[Length(max=300)],
                             description=_l("Printed on the cover under the title; empty: the authors."))
    authors_en = StringField(_l("Cover line (English)"), validators=[Length(max=300)])
    report_date = DateField(_l("Report date"), validators=[Optional()])
    colophon_nl = TextAreaField(_l("Colophon (Dutch)"), validators=[Length(max=LONG)])
    colophon_en = TextAreaField(_l("Colophon (English)"), validators=[Length(max=LONG)])
    acknowledgements_nl = TextAreaField(_l("Acknowledgements (Dutch)"), validators=[Length(max=LONG)])
    acknowledgements_en = TextAreaField(_l("Acknowledgements (English)"), validators=[Length(max=LONG)])
    executive_summary_nl = TextAreaField(_l("Executive summary (Dutch)"), validators=[Length(max=LONG)])
    executive_summary_en = TextAreaField(_l("Executive summary (English)"), validators=[Length(max=LONG)])
    scope_nl = TextAreaField(_l("Scope (Dutch)"), validators=[Length(max=LONG)])
    scope_en = TextAreaField(_l("Scope (English)"), validators=[Length(max=LONG)])
    problem_analysis_nl = TextAreaField(_l("Problem analysis (Dutch)"), validators=[Length(max=LONG)])
    problem_analysis_en = TextAreaField(_l("Problem analysis (English)"), validators=[Length(max=LONG)])
    project_nl = TextAreaField(_l("The project (Dutch)"), validators=[Length(max=LONG)])
    project_en = TextAreaField(_l("The project (English)"), validators=[Length(max=LONG)])
    literature_review_nl = TextAreaField(_l("Literature review (Dutch)"), validators=[Length(max=LONG)],
                                         description=_l("Printed in the methodology."))
    literature_review_en = TextAreaField(_l("Literature review (English)"), validators=[Length(max=LONG)])
    author_organisation_nl = StringField(_l("Author organisation (Dutch)"), validators=[Length(max=300)],
                                         description=_l("On the cover and in the colophon."))
    author_organisation_en = StringField(_l("Author organisation (English)"), validators=[Length(max=300)])
    funder_notice_nl = StringField(_l("Funder's line (Dutch)"), validators=[Length(max=300)],
                                   description=_l("On the cover beside the emblem, e.g. “Funded by the European Union”."))
    funder_notice_en = StringField(_l("Funder's line (English)"), validators=[Length(max=300)])
    emblem = SelectField(_l("Emblem on the cover"), choices=[])
    emblem_alt_nl = StringField(_l("What the emblem shows (Dutch)"), validators=[Length(max=300)],
                                description=_l("Read out to readers who cannot see it."))
    emblem_alt_en = StringField(_l("What the emblem shows (English)"), validators=[Length(max=300)])
    keywords_nl = StringField(_l("Keywords (Dutch)"), validators=[Length(max=500)])
    keywords_en = StringField(_l("Keywords (English)"), validators=[Length(max=500)])
    disclaimer_nl = TextAreaField(_l("Disclaimer (Dutch)"), validators=[Length(max=LONG)],
                                  description=_l("Printed in the colophon."))
    disclaimer_en = TextAreaField(_l("Disclaimer (English)"), validators=[Length(max=LONG)])
    evidence_annex = BooleanField(_l("Print every linked finding in an evidence annex"))
    review_annex = BooleanField(_l("Print an annex on how the review was used (every comment with what was done)"))


class NewReportForm(BaseForm):
    title_nl = StringField(_l("Title (Dutch)"), validators=[Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=300)])


class ChapterAddForm(BaseForm):
    theme_id = SelectField(_l("Recommendation theme"), coerce=int, choices=[])


class ChapterForm(BaseForm):
    intro_nl = TextAreaField(_l("Introduction (Dutch)"), validators=[Length(max=LONG)])
    intro_en = TextAreaField(_l("Introduction (English)"), validators=[Length(max=LONG)])
    good_example_ids = SelectMultipleField(_l("Good examples shown in this chapter"), coerce=int, choices=[])
    survey_ids = SelectMultipleField(_l("Surveys whose results are shown in this chapter"), coerce=int, choices=[],
                                     description=_l("Open and closed surveys; the report prints the charts of "
                                                    "choice, scale and number questions, never free-text answers."))


class RecommendationForm(BaseForm):
    title_nl = StringField(_l("Title (Dutch)"), validators=[Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=300)])
    body_nl = TextAreaField(_l("Text (Dutch)"), validators=[Length(max=LONG)])
    body_en = TextAreaField(_l("Text (English)"), validators=[Length(max=LONG)])


class EvidenceForm(BaseForm):
    """Only the CSRF token: the ticked findings arrive as repeated `finding` / `quote` fields."""


class BoxForm(BaseForm):
    """A numbered box: where it stands, its place among the boxes there, its title and text."""

    place = SelectField(_l("Where the box stands"), choices=[])
    position = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(min=0, max=1000)])
    unnumbered = BooleanField(_l("Without a number"), description=_l("Boxes are numbered “Box 1”, “Box 2”... "
                                                                      "in the order the report prints them."))
    title_nl = StringField(_l("Title (Dutch)"), validators=[Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=300)])
    body_nl = TextAreaField(_l("Text (Dutch)"), validators=[Length(max=LONG)])
    body_en = TextAreaField(_l("Text (English)"), validators=[Length(max=LONG)])


class BuildForm(BaseForm):
    language = SelectField(_l("Language"), choices=[(code, code) for code in REPORT_LANGUAGES])
    format = SelectField(_l("Format"), choices=[(code, code.upper()) for code in REPORT_FORMATS])


class SourceForm(BaseForm):
    key = StringField(_l("Key"), validators=[InputRequired(), Length(max=60), Regexp(r"^[A-Za-z0-9_.-]+$")],
                      description=_l("Cite it in any text as [^key], e.g. [^wrr-2015]."))
    citation_nl = TextAreaField(_l("Citation (Dutch)"), validators=[Length(max=5000)])
    citation_en = TextAreaField(_l("Citation (English)"), validators=[Length(max=5000)])
    url = StringField(_l("Web address"), validators=[Length(max=1000)],
                      description=_l("Printed as text; the report never loads it."))


class PublishForm(BaseForm):
    """Publishing a version: the reason to go ahead is asked only when its preflight lists open items."""

    reason = TextAreaField(_l("Reason to publish with open items"), validators=[Length(max=5000)])
