from __future__ import annotations

import hashlib
import math
import time

from flask import abort, current_app, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from ..access import ADMIN, ROLES, public, roles_required
from ..extensions import db, limiter
from ..i18n import _, ngettext
from ..mail.services import latest_messages
from ..refused_forms import refuse, refill
from ..routing import safe_next
from . import bp, throttle
from .forms import (ChangePasswordForm, ChoosePasswordForm, EndSessionsForm, ForgotPasswordForm,
                    LoginForm, UserForm)
from .models import User
from .passwords import password_problem
from .services import (UserError, authenticate, change_password, choose_password, count_active_admins, create_user,
                       end_all_sessions, get_user_by_email, normalise_email, request_password_reset,
                       user_for_password_token)



def _failed_login(response) -> bool:
    return bool(g.get("form_refused"))  # set by refuse(): a refused login, whatever the reason


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], key_func=get_remote_address,
               methods=["POST"], deduct_when=_failed_login, scope="login-address")
def login():
    """Failed logins are counted per account and address, per address (the limiter above)
    and per account with growing delays (auth/throttle.py)."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        address = get_remote_address()
        wait = throttle.seconds_to_wait(form.email.data, address)
        if wait:
            return _wait_page(wait)
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            throttle.record_failure(form.email.data, address)
            form.password.errors.append(_("E-mail address or password is not correct."))
        else:
            throttle.lift(form.email.data)
            login_user(user, remember=form.remember.data)
            session["lang"] = user.locale
            return redirect(safe_next(request.args.get("next"), url_for("dashboard.index")))
    if form.errors:
        return refuse(form)
    return render_template("auth/login.html", form=refill(form))


@bp.app_errorhandler(RateLimitExceeded)
def too_many_attempts(error: RateLimitExceeded):
    """The login page again, saying how long to wait; nothing is checked until then."""
    current = limiter.current_limit
    return _wait_page(max(1, math.ceil((current.reset_at if current else time.time() + 60) - time.time())))


def _wait_page(wait: int):
    minutes = math.ceil(wait / 60)
    form = LoginForm()
    if wait < 60:
        message = ngettext("Too many failed attempts. Try again in %(num)s second.",
                           "Too many failed attempts. Try again in %(num)s seconds.", wait)
    elif minutes > 1:
        message = _("Too many failed attempts. Try again in %(minutes)s minutes.", minutes=minutes)
    else:
        message = _("Too many failed attempts. Try again in a minute.")
    form.password.errors = [message]
    response = current_app.make_response((render_template("auth/login.html", form=form), 429))
    response.headers["Retry-After"] = str(wait)
    return response


@bp.post("/logout")
@roles_required(*ROLES)
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/users/")
@roles_required(ADMIN)
def list_users():
    users = db.session.scalars(db.select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("auth/users.html", users=users, messages=latest_messages("user", [u.id for u in users]))


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def new_user():
    form = UserForm()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("A new user needs a password."))
        else:
            try:
                create_user(form.email.data, form.name.data, form.role.data, form.password.data,
                            locale=form.locale.data)
            except UserError as error:
                form.email.errors.append(str(error))
            else:
                flash(_("User %(name)s created.", name=form.name.data), "success")
                return redirect(url_for("auth.list_users"))
    if form.errors:
        return refuse(form)
    return render_template("auth/user_form.html", form=refill(form), user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(ADMIN)
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=user)
    if form.validate_on_submit():
        other = get_user_by_email(form.email.data)
        demotes_last_admin = (user.role == ADMIN and user.active and count_active_admins() == 1
                              and (form.role.data != ADMIN or not form.active.data))
        if other is not None and other.id != user.id:
            form.email.errors.append(_("A user with this e-mail address already exists."))
        elif demotes_last_admin:
            form.role.errors.append(_("The last active administrator cannot lose that role."))
        else:
            user.name = form.name.data.strip()
            user.email = normalise_email(form.email.data)
            user.role = form.role.data
            user.locale = form.locale.data
            user.active = form.active.data
            if form.password.data:
                user.set_password(form.password.data)  # ends the user's sessions everywhere
            db.session.commit()
            if form.password.data and user.id == current_user.id:
                login_user(user)  # ... except this one, where the admin just typed it
            flash(_("Changes saved."), "success")
            return redirect(url_for("auth.list_users"))
    if form.errors:
        return refuse(form)
    return render_template("auth/user_form.html", form=refill(form), user=user, end_form=EndSessionsForm())


@bp.route("/account", methods=["GET", "POST"])
@roles_required(*ROLES)
def account():
    """The logged-in user's own account: change the password, log out everywhere."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        try:
            change_password(user, form.current_password.data, form.new_password.data)
        except UserError as error:
            form.current_password.errors.append(str(error))
        else:
            login_user(user)  # this session goes on with the new version; the others end
            flash(_("Your password has been changed. You are logged out on every other device."), "success")
            return redirect(url_for("auth.account"))
    if form.errors:
        return refuse(form)
    return render_template("auth/account.html", form=refill(form), end_form=EndSessionsForm())


@bp.post("/account/logout-everywhere")
@roles_required(*ROLES)
def logout_everywhere():
    form = EndSessionsForm()
    if not form.validate_on_submit():
        abort(400)
    end_all_sessions(db.session.get(User, current_user.id))
    logout_user()
    flash(_("You are logged out on every device, this one included."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/users/<int:user_id>/end-sessions")
@roles_required(ADMIN)
def end_user_sessions(user_id: int):
    """An admin ends every session of a user (a lost tablet), their own included if it is them."""
    user = db.session.get(User, user_id) or abort(404)
    if not EndSessionsForm().validate_on_submit():
        abort(400)
    end_all_sessions(user)
    if user.id == current_user.id:
        logout_user()
        return redirect(url_for("auth.login"))
    flash(_("%(name)s is logged out on every device.", name=user.name), "success")
    return redirect(url_for("auth.edit_user", user_id=user.id))


def password_link(token: str) -> str:
    """The external address of a "choose your password" link (invitations, resets)."""
    return url_for("auth.choose_password_page", token=token, _external=True)


def _reset_account_key() -> str:
    """"Forgot password" requests counted per submitted address, so nobody floods one mailbox."""
    return "reset:" + hashlib.sha256(normalise_email(request.form.get("email", "")).encode()).hexdigest()


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_ACCOUNT"], key_func=_reset_account_key,
               methods=["POST"], scope="reset-account")
@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_ADDRESS"], key_func=get_remote_address,
               methods=["POST"], scope="reset-address")
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data, password_link)
        # The same answer whether the address has an account or not.
        return render_template("auth/forgot_sent.html")
    if form.errors:
        return refuse(form)
    return render_template("auth/forgot.html", form=refill(form))


@bp.route("/password/choose/<token>", methods=["GET", "POST"])
@public  # the signed token is the key; unknown, expired, used and tampered tokens get the same page
def choose_password_page(token: str):
    user = user_for_password_token(token)
    if user is None:
        response = make_response(render_template("auth/password_link_invalid.html"), 404)
    else:
        form = ChoosePasswordForm()
        problem = password_problem(form.password.data or "", user.email) if form.is_submitted() else None
        if problem:
            form.password.errors = [*form.password.errors, problem]
        if form.validate_on_submit() and not problem and choose_password(token, form.password.data) is not None:
            flash(_("Your password is set. You can log in now."), "success")
            return redirect(url_for("auth.login"))
        if form.errors:
            return refuse(form)  # no-store for this answer too: see _no_store
        response = make_response(render_template("auth/choose_password.html", form=refill(form), user=user))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
