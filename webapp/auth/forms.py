from __future__ import annotations

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from ..forms import BaseForm
from ..i18n import _, _l
from .passwords import password_problem
from ..access import ROLE_LABELS


class EmailAddress:
    """WTForms' Email validator refuses the reserved `.test` domain our demo and test
    accounts use (on purpose: it can never reach a real person); this one allows it."""

    def __call__(self, form, field):
        # Imported here: its module compiles large patterns (~40 ms) that start-up need not pay.
        from email_validator import EmailNotValidError, validate_email

        try:
            validate_email(field.data or "", check_deliverability=False, test_environment=True)
        except EmailNotValidError:
            raise ValidationError(_("Enter a valid e-mail address.")) from None


class PasswordRules:
    """The password rules of `passwords.py`; the e-mail is the form's `email` field or the user's."""

    def __call__(self, form, field):
        from flask_login import current_user

        if not field.data:
            return
        email = form.email.data if hasattr(form, "email") else getattr(current_user, "email", "")
        problem = password_problem(field.data, email or "")
        if problem:
            raise ValidationError(problem)


class LoginForm(BaseForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Stay logged in on this device"))


class UserForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail address"),
                       validators=[DataRequired(), EmailAddress(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[])
    locale = SelectField(_l("Interface language"), choices=[SelectChoice("nl", "Nederlands"), SelectChoice("en", "English")])
    password = PasswordField(_l("Password"), validators=[Optional(), PasswordRules()],
                             description=_l("At least 10 characters, not your e-mail address, not a common password. "
                                            "Leave empty to keep the current password."))
    active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(code, str(label)) for code, label in ROLE_LABELS.items()]


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), PasswordRules()],
                                 description=_l("At least 10 characters, not your e-mail address, not a common "
                                                "password. Your other sessions end."))
    repeat_password = PasswordField(_l("New password again"),
                                    validators=[DataRequired(), EqualTo("new_password", _l("The two new passwords differ."))])


class EndSessionsForm(BaseForm):
    """Only the CSRF token: "log out everywhere" is a button."""


class InviteUserForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), EmailAddress(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[])
    locale = SelectField(_l("Language of the invitation and the screens"),
                         choices=[SelectChoice("nl", "Nederlands"), SelectChoice("en", "English")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(code, str(label)) for code, label in ROLE_LABELS.items()]


class ForgotPasswordForm(BaseForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])


class ChoosePasswordForm(BaseForm):
    #: The password rules (passwords.py) need the account's address: the view checks them.
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                             description=_l("At least 10 characters, not your e-mail address, not a common "
                                            "password."))
    confirm = PasswordField(_l("New password again"),
                            validators=[DataRequired(), EqualTo("password", _l("The two new passwords differ."))])
