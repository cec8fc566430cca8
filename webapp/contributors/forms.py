from __future__ import annotations

from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms import BaseForm
from ..i18n import CONTENT_LANGUAGES, _l

KIND_LABELS = {"advisory_member": _l("Advisory board member"), "stakeholder": _l("Stakeholder")}


class ContributorForm(BaseForm):
    kind = SelectField(_l("Kind"), choices=[(k, v) for k, v in KIND_LABELS.items()], default="advisory_member")
    name = StringField(_l("Name"), validators=[Length(max=200)],
                       description=_l("Only administrators see the name; everywhere else the pseudonym is shown."))
    contact = StringField(_l("Contact (phone or e-mail)"), validators=[Length(max=300)])
    language = SelectField(_l("Language the person is most at ease in"),
                           choices=[(k, v) for k, v in CONTENT_LANGUAGES.items()], default="nl")
    #: With `language` the person's language order: their pages, mail and the titles in them.
    second_language = SelectField(_l("Language they read next best"), default="",
                                  choices=[("", _l("None"))] + [(k, v) for k, v in CONTENT_LANGUAGES.items()],
                                  description=_l("Pages, e-mail and titles come in the first of these two languages "
                                                 "that Klankbord has them in, else in English, else in Dutch."))


class ErasureForm(BaseForm):
    scope = RadioField(_l("What should be erased?"), validators=[InputRequired()], choices=[
        ("identity", _l("Only who they are: name, contact and links. Their contributions stay, under the pseudonym.")),
        ("everything", _l("Everything: name, contact, links and all their contributions (findings with their "
                            "translations, answers, review comments). Report versions that printed their words are "
                            "withdrawn: the file is deleted and can be built again without them.")),
    ])
    confirm = BooleanField(_l("I understand that this cannot be undone."), validators=[DataRequired()])
