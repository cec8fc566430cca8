"""The privacy screens' forms: a project's periods and statement texts, the installation's."""
from __future__ import annotations

from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from ..forms import BaseForm
from ..i18n import CONTENT_LANGUAGES, _l
from .retention import DEFAULTS, LABELS, MAXIMA


def _period(name: str) -> IntegerField:
    unit = _l("months") if name.endswith("months") else _l("days")
    return IntegerField(LABELS[name], validators=[Optional(), NumberRange(min=1, max=MAXIMA[name])],
                        description=_l("Empty: the default, %(n)s %(unit)s.", n=DEFAULTS[name], unit=unit))


class ProjectPrivacyForm(BaseForm):
    contact_months = _period("contact_months")
    outbox_days = _period("outbox_days")
    job_days = _period("job_days")
    photo_months = _period("photo_months")
    controller = StringField(_l("Controller (the organisation that decides about the data)"),
                             validators=[Length(max=300)],
                             description=_l("Empty: the project's lead organisation."))
    contact = StringField(_l("Contact for questions about privacy (e-mail or postal address)"),
                          validators=[Length(max=300)],
                          description=_l("Empty: the installation's contact."))


def project_form(languages: list[str], settings=None, formdata=None) -> ProjectPrivacyForm:
    """The project's form with a purpose and a note field for each language of the statement."""

    class Form(ProjectPrivacyForm):
        pass

    for code in languages:
        language = CONTENT_LANGUAGES.get(code, code)
        setattr(Form, f"purposes_{code}", TextAreaField(_l("Purposes (%(language)s)", language=language),
                                                        validators=[Length(max=3000)]))
        setattr(Form, f"notes_{code}", TextAreaField(_l("Further notes (%(language)s)", language=language),
                                                     validators=[Length(max=3000)]))
    Form.__name__ = "ProjectPrivacyForm"
    form = Form(obj=settings) if formdata is None else Form(formdata, obj=settings)
    if not form.is_submitted() and settings is not None:
        for code in languages:
            texts = (settings.texts or {}).get(code) or {}
            getattr(form, f"purposes_{code}").data = texts.get("purposes", "")
            getattr(form, f"notes_{code}").data = texts.get("notes", "")
    return form


class InstallationPrivacyForm(BaseForm):
    controller = StringField(_l("Controller of this installation"), validators=[Length(max=300)])
    contact = StringField(_l("Contact for questions about privacy"), validators=[Length(max=300)])
    dpo = StringField(_l("Data protection officer (name or function, and how to reach them)"),
                      validators=[Length(max=300)])
    audit_months = _period("audit_months")
    outbox_days = IntegerField(_l("E-mail to staff accounts (no project): days after sending"),
                               validators=[Optional(), NumberRange(min=1, max=MAXIMA["outbox_days"])],
                               description=_l("Empty: the default, %(n)s %(unit)s.", n=DEFAULTS["outbox_days"],
                                              unit=_l("days")))
    job_days = IntegerField(_l("Jobs of no project: days after they ended"),
                            validators=[Optional(), NumberRange(min=1, max=MAXIMA["job_days"])],
                            description=_l("Empty: the default, %(n)s %(unit)s.", n=DEFAULTS["job_days"],
                                           unit=_l("days")))
    security_notes = TextAreaField(_l("Security measures outside the app (backups, encryption, hosting)"),
                                   validators=[Length(max=3000)])
